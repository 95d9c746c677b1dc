// Package extract reads a post's requirements from its free text — the
// minimum degree, the years of experience (or 应届/经验不限), the majors
// it requires, and the skills and certificates it names — for the exports
// that leave those columns empty, as real ones do. The converter
// (ingest/convert) fills the fields a row leaves empty with it, and keeps
// the stricter of column and text for the degree and the years.
//
// It reads clause by clause (a clause ends at ， 。 ； ! ? or a line
// break), and it reads what is required, not what is preferred: a degree,
// years or majors in a clause that says 优先 are left out ("本科及以上学历，
// 市场营销等专业优先" requires 本科 and no major). Degrees are read only
// with a qualifier (及以上, 以上学历, 学历：…, 放宽至…), so a school's list
// of programmes is not a requirement. Majors go through the majors
// resolver (normalize.Majors); only names it resolves are kept. Skills and
// certificates are catalogue terms found on the word boundaries of a gse
// segmentation (catalog.FindInWords), so 规培 is not found in 合规培训,
// read from the title and the requirements part of the description (from
// 任职要求, 岗位要求 … on, when there is one) so duties are not taken for
// requirements. The text is not cut whole for that: the segmenter says
// where its words start at the few places a catalogue name occurs
// (index.Segmenter.ScanWordStarts, catalog.FindOnWordStarts), the same
// boundaries as the cut, which it falls back to when it cannot tell.
//
// Precision and recall per field, measured on 160 real posts labelled by
// reading them (testdata/requirements-labels.tsv, posts named by ID, the
// guide in testdata/LABELLING.md), are in benchmarks/RESULTS.md; the test
// that measures them skips without ../shared/data.
package extract
