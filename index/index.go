package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Document types. There is deliberately no type for graduates: the index
// holds only what anyone may search, never personal data.
const (
	TypePost   = "post"
	TypeCourse = "course"
)

// Field names of the index documents.
const (
	fieldType        = "type"
	fieldTitle       = "title"
	fieldEmployer    = "employer"       // analyzed: employer or course provider
	fieldEmployerKey = "employer_exact" // keyword, for filters and facets
	fieldDescription = "description"
	fieldMajors      = "majors"
	fieldSkills      = "skills" // skills and certificates
	fieldOccupation  = "occupation"
	fieldChannel     = "channel"
	fieldDistrict    = "district"
	fieldKind        = "kind"
	fieldCategory    = "category" // course category
	fieldDegree      = "degree"   // a post's minimum degree as a keyword, "0" to "5"
	// fieldDegreeMin is the numeric minimum degree of indexes built before
	// fieldDegree replaced it (see Index.degreeTerms).
	fieldDegreeMin = "degree_min"
)

// Boosts of the analyzed fields in a text search: a word in the title says
// more about what the post is than the same word in its description.
var textFields = []struct {
	name  string
	boost float64
}{
	{fieldTitle, 3},
	{fieldOccupation, 2},
	{fieldSkills, 1.5},
	{fieldMajors, 1.5},
	{fieldEmployer, 1},
	{fieldDescription, 1},
}

// doc is what the index stores for a post or a course. It is built field by
// field from the domain types, so nothing is indexed by accident.
type doc struct {
	Type        string   `json:"type"`
	Title       string   `json:"title"`
	Employer    string   `json:"employer"`
	EmployerKey string   `json:"employer_exact"`
	Description string   `json:"description,omitempty"`
	Majors      []string `json:"majors,omitempty"`
	Skills      []string `json:"skills,omitempty"`
	Occupation  string   `json:"occupation,omitempty"`
	Channel     string   `json:"channel,omitempty"`
	District    string   `json:"district,omitempty"`
	Kind        string   `json:"kind"`
	Category    string   `json:"category,omitempty"`
	// Degree is what the current mapping indexes; DegreeMin what the
	// mapping of an older index does (each mapping ignores the other).
	Degree    string  `json:"degree"`
	DegreeMin float64 `json:"degree_min"`
}

// BleveType tells bleve which document mapping applies.
func (d doc) BleveType() string { return d.Type }

// Options tune indexing throughput; the zero value takes the defaults
// measured in doc.go.
type Options struct {
	// BatchSize is how many documents go into one bleve batch.
	BatchSize int
	// UnsafeBatch lets a batch return before scorch has persisted it;
	// every write still waits, once, for its last batch to be persisted
	// (see commit), so the saving is the overlap between batches.
	UnsafeBatch bool
	// Log hears about rebuilds and leftover generations; nil: nowhere.
	Log *slog.Logger
}

// DefaultOptions are the settings Open uses.
var DefaultOptions = Options{BatchSize: 1000, UnsafeBatch: true}

// Index is a persistent bleve index of searchable posts and courses. It is
// safe for concurrent use; Rebuild swaps the underlying bleve index while
// searches continue on the old one.
type Index struct {
	// Now is the clock IndexPosts uses to decide which posts are still
	// searchable; time.Now when nil.
	Now func() time.Time

	dir  string
	opts Options
	log  *slog.Logger

	mu  sync.RWMutex // guards bi, gen and degreeTerms; held for reading by every operation
	bi  bleve.Index
	gen string
	// degreeTerms is false for an index built before the keyword field
	// degree: its degree filter is a numeric range over degree_min. A
	// Rebuild brings it to the current mapping.
	degreeTerms bool

	rebuildMu sync.Mutex // one Rebuild at a time
	jmu       sync.Mutex // guards journal
	journal   *journal   // non-nil while a Rebuild runs
}

// currentFile names the generation directory holding the live bleve index.
// Rebuild writes a new generation beside it and renames a new currentFile
// over the old one, which is the atomic switch.
const currentFile = "CURRENT"

// Open opens the index in dir, creating it when dir holds none.
func Open(dir string) (*Index, error) { return OpenWith(dir, DefaultOptions) }

// OpenWith is Open with explicit tuning options.
func OpenWith(dir string, opts Options) (*Index, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultOptions.BatchSize
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	ix := &Index{dir: dir, opts: opts, log: opts.Log}
	if ix.log == nil {
		ix.log = slog.New(slog.DiscardHandler)
	}
	gen, err := ix.readCurrent()
	if err != nil {
		return nil, err
	}
	if gen == "" {
		gen = generationName(1)
		bi, err := ix.create(gen)
		if err != nil {
			return nil, err
		}
		if err := ix.writeCurrent(gen); err != nil {
			bi.Close()
			return nil, err
		}
		ix.bi, ix.gen = bi, gen
	} else {
		bi, err := bleve.OpenUsing(filepath.Join(dir, gen), ix.runtimeConfig())
		if err != nil {
			return nil, fmt.Errorf("index: open %s: %w", filepath.Join(dir, gen), err)
		}
		ix.bi, ix.gen = bi, gen
	}
	ix.degreeTerms = hasDegreeTerms(ix.bi)
	ix.removeStale()
	return ix, nil
}

func generationName(n int) string { return fmt.Sprintf("gen-%06d", n) }

// hasDegreeTerms reports whether bi's mapping indexes the degree keyword
// (every index this version creates) rather than the numeric degree_min.
func hasDegreeTerms(bi bleve.Index) bool {
	im, ok := bi.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		return false
	}
	dm := im.TypeMapping[TypePost]
	if dm == nil {
		return false
	}
	_, ok = dm.Properties[fieldDegree]
	return ok
}

func (ix *Index) runtimeConfig() map[string]interface{} {
	// bolt_timeout: scorch locks its root.bolt file; a second process (a
	// `jobmatch search` while `jobmatch serve` holds the index) would
	// otherwise wait for the lock for ever instead of failing with an error.
	return map[string]interface{}{"unsafe_batch": ix.opts.UnsafeBatch, "bolt_timeout": "5s"}
}

func (ix *Index) create(gen string) (bleve.Index, error) {
	path := filepath.Join(ix.dir, gen)
	// A directory left by a rebuild that died half-way is garbage.
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	bi, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, ix.runtimeConfig())
	if err != nil {
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	// bleve stores the mapping in the new index with an internal batch,
	// and under unsafe_batch that batch returns before scorch has
	// persisted it. Scorch's Close does not persist what is still in
	// memory: an index closed before its persister ran (no writes, a
	// loaded machine) reopened without a mapping ("error parsing mapping
	// JSON: unexpected end of JSON input"). An empty batch whose persisted
	// callback has fired proves the mapping is on disk.
	if err := commit(bi, bi.NewBatch()); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: create %s: persist the mapping: %w", path, err)
	}
	// bleve writes index_meta.json without fsync; CURRENT will name this
	// generation only once its metadata would survive a power cut.
	if err := syncPaths(filepath.Join(path, "index_meta.json"), path, ix.dir); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	return bi, nil
}

// syncPaths fsyncs files and directories (a directory's fsync makes the
// names in it durable).
func syncPaths(paths ...string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", p, err)
		}
	}
	return nil
}

func (ix *Index) readCurrent() (string, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("index: %w", err)
	}
	gen := strings.TrimSpace(string(b))
	if !strings.HasPrefix(gen, "gen-") || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("index: %s: not a generation name: %q", filepath.Join(ix.dir, currentFile), gen)
	}
	return gen, nil
}

func (ix *Index) writeCurrent(gen string) error {
	tmp := filepath.Join(ix.dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if _, err := f.WriteString(gen + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("index: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("index: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, currentFile)); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// removeStale deletes generation directories other than the current one:
// old generations a crash kept from being removed, and unfinished rebuilds.
func (ix *Index) removeStale() {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != ix.gen {
			if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
				ix.log.Warn("index: removing stale generation", "dir", e.Name(), "err", err)
			}
		}
	}
}

// newMapping is the index mapping: static document mappings for posts and
// courses only. Fields not listed are not indexed, and documents of any
// other type are not indexed at all.
func newMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.TypeField = fieldType
	im.DefaultAnalyzer = AnalyzerName
	im.DefaultMapping = bleve.NewDocumentDisabledMapping()
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store = store
		// Match queries need neither term vectors nor doc values; leaving
		// them out makes indexing faster and the index smaller.
		f.IncludeTermVectors = false
		f.DocValues = false
		f.IncludeInAll = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.DocValues = true // facets
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	// The minimum degree is one of six values, so a keyword (one term a
	// document) filters it as well as a number, which bleve indexes as 16
	// terms of shifted precision: that was a tenth of the indexing time.
	degree := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.DocValues = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	build := func() *mapping.DocumentMapping {
		dm := bleve.NewDocumentStaticMapping()
		dm.AddFieldMappingsAt(fieldType, kw())
		dm.AddFieldMappingsAt(fieldTitle, text(true))
		dm.AddFieldMappingsAt(fieldEmployer, text(false))
		dm.AddFieldMappingsAt(fieldEmployerKey, kw())
		dm.AddFieldMappingsAt(fieldDescription, text(false))
		dm.AddFieldMappingsAt(fieldMajors, text(false))
		dm.AddFieldMappingsAt(fieldSkills, text(false))
		dm.AddFieldMappingsAt(fieldOccupation, text(false))
		dm.AddFieldMappingsAt(fieldChannel, kw())
		dm.AddFieldMappingsAt(fieldDistrict, kw())
		dm.AddFieldMappingsAt(fieldKind, kw())
		dm.AddFieldMappingsAt(fieldCategory, kw())
		dm.AddFieldMappingsAt(fieldDegree, degree())
		// No field goes into bleve's composite _all field and every query
		// names its fields, so _all is disabled: otherwise every document
		// carries an empty composite that segment building still walks.
		dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
		return dm
	}
	im.AddDocumentMapping(TypePost, build())
	im.AddDocumentMapping(TypeCourse, build())
	return im
}

func postDoc(p *matcher.Post) doc {
	d := doc{
		Type:        TypePost,
		Title:       p.Title,
		Employer:    p.Employer,
		EmployerKey: p.Employer,
		Description: p.Description,
		Majors:      p.Majors,
		Channel:     string(p.Channel),
		District:    p.District,
		Kind:        string(p.Kind),
		Degree:      strconv.Itoa(int(p.DegreeMin)),
		DegreeMin:   float64(p.DegreeMin),
	}
	if p.Kind == "" {
		d.Kind = string(matcher.KindJob)
	}
	d.Skills = append(append([]string(nil), p.Skills...), p.Certificates...)
	if p.Occupation != "" {
		if o, ok := catalog.OccupationByCode(p.Occupation); ok {
			d.Occupation = o.Name
		}
	}
	return d
}

func courseDoc(c *matcher.Course) doc {
	d := doc{
		Type:        TypeCourse,
		Title:       c.Title,
		Employer:    c.Provider,
		EmployerKey: c.Provider,
		Description: c.Description,
		Majors:      c.Majors,
		District:    c.District,
		Kind:        string(matcher.KindCourse),
		Category:    string(c.Category),
	}
	d.Skills = append(append([]string(nil), c.Skills...), c.Certificates...)
	return d
}

func (ix *Index) now() time.Time {
	if ix.Now != nil {
		return ix.Now()
	}
	return time.Now()
}

// IndexPosts indexes posts that are searchable now (Index.Now) and removes
// the others from the index. It satisfies the ingest package's indexer.
func (ix *Index) IndexPosts(posts []matcher.Post) error { return ix.IndexPostsAt(posts, ix.now()) }

// IndexPostsAt indexes the posts searchable at now and deletes the rest
// (expired, filled, closed, duplicates) from the index, in batches.
func (ix *Index) IndexPostsAt(posts []matcher.Post, now time.Time) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	ix.record(func() func(bleve.Index, int) error {
		cp := slices.Clone(posts)
		return func(bi bleve.Index, size int) error { return indexPosts(bi, size, cp, now) }
	})
	return indexPosts(ix.bi, ix.opts.BatchSize, posts, now)
}

func indexPosts(bi bleve.Index, size int, posts []matcher.Post, now time.Time) error {
	b := bi.NewBatch()
	for i := range posts {
		p := &posts[i]
		if p.ID == "" {
			return fmt.Errorf("index: post %d of %d has no ID", i+1, len(posts))
		}
		if p.Searchable(now) {
			if err := b.Index(p.ID, postDoc(p)); err != nil {
				return fmt.Errorf("index: post %s: %w", p.ID, err)
			}
		} else {
			b.Delete(p.ID)
		}
		if b.Size() >= size {
			if err := bi.Batch(b); err != nil {
				return fmt.Errorf("index: batch of posts: %w", err)
			}
			b.Reset()
		}
	}
	if err := commit(bi, b); err != nil {
		return fmt.Errorf("index: batch of posts: %w", err)
	}
	return nil
}

// persistTimeout bounds the wait for scorch to write a batch to disk.
const persistTimeout = 2 * time.Minute

// commit applies the last batch of a write and waits until scorch has
// persisted everything before it. With unsafe_batch the earlier batches
// of the write return as soon as they are searchable, so analysis of one
// batch overlaps the disk writes of the previous; waiting once at the end
// keeps the promise that a write that returned survives a crash or Close.
func commit(bi bleve.Index, b *bleve.Batch) error {
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := bi.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(persistTimeout):
		return fmt.Errorf("not persisted after %v", persistTimeout)
	}
}

// IndexCourses indexes (or re-indexes) training courses.
func (ix *Index) IndexCourses(cs []matcher.Course) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	ix.record(func() func(bleve.Index, int) error {
		cp := slices.Clone(cs)
		return func(bi bleve.Index, size int) error { return indexCourses(bi, size, cp) }
	})
	return indexCourses(ix.bi, ix.opts.BatchSize, cs)
}

func indexCourses(bi bleve.Index, size int, cs []matcher.Course) error {
	b := bi.NewBatch()
	for i := range cs {
		c := &cs[i]
		if c.ID == "" {
			return fmt.Errorf("index: course %d of %d has no ID", i+1, len(cs))
		}
		if err := b.Index(c.ID, courseDoc(c)); err != nil {
			return fmt.Errorf("index: course %s: %w", c.ID, err)
		}
		if b.Size() >= size {
			if err := bi.Batch(b); err != nil {
				return fmt.Errorf("index: batch of courses: %w", err)
			}
			b.Reset()
		}
	}
	if err := commit(bi, b); err != nil {
		return fmt.Errorf("index: batch of courses: %w", err)
	}
	return nil
}

// Delete removes documents (posts or courses) by ID; unknown IDs are no error.
func (ix *Index) Delete(ids ...string) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errClosed
	}
	ix.record(func() func(bleve.Index, int) error {
		cp := slices.Clone(ids)
		return func(bi bleve.Index, _ int) error { return deleteIDs(bi, cp) }
	})
	return deleteIDs(ix.bi, ids)
}

func deleteIDs(bi bleve.Index, ids []string) error {
	b := bi.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := commit(bi, b); err != nil {
		return fmt.Errorf("index: delete: %w", err)
	}
	return nil
}

var errClosed = errors.New("index: the index is closed")

// DocCount returns the number of documents in the index.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return 0, errClosed
	}
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	return n, nil
}

// Close closes the index, persisting what is still in memory.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	err := ix.bi.Close()
	ix.bi = nil
	if err != nil {
		return fmt.Errorf("index: close: %w", err)
	}
	return nil
}

// Query is a search: text over the analyzed fields plus filters.
type Query struct {
	Text     string
	Channel  matcher.Channel
	District string
	// Degree is the searcher's degree: only posts whose minimum it meets
	// (DegreeMin <= Degree) match. 0 means any.
	Degree matcher.Degree
	Kind   matcher.Kind
	Type   string // TypePost (default) or TypeCourse
	Limit  int    // default 20, at most MaxLimit
	Offset int
}

// MaxLimit is the largest page Search returns.
const MaxLimit = 1000

// Hit is one search result.
type Hit struct {
	ID       string          `json:"id"`
	Score    float64         `json:"score"`
	Type     string          `json:"type"`
	Title    string          `json:"title"`
	Employer string          `json:"employer"`
	District string          `json:"district,omitempty"`
	Channel  matcher.Channel `json:"channel,omitempty"`
	Kind     matcher.Kind    `json:"kind,omitempty"`
}

// FacetCount is how many matching documents have a facet term.
type FacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Result is one page of search results with facets over all matches.
type Result struct {
	Total  uint64                  `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"` // "channel", "district", "kind"
	Took   time.Duration           `json:"took"`
}

var facetFields = []string{fieldChannel, fieldDistrict, fieldKind}

// Search runs q. Ordering is by score, then by ID, so equal scores come out
// in the same order every time and in every rebuild.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, errClosed
	}
	req, err := buildRequest(q, ix.degreeTerms)
	if err != nil {
		return nil, err
	}
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search %q: %w", q.Text, err)
	}
	res := &Result{Total: sr.Total, Took: sr.Took, Hits: make([]Hit, 0, len(sr.Hits)), Facets: map[string][]FacetCount{}}
	for _, h := range sr.Hits {
		hit := Hit{ID: h.ID, Score: h.Score}
		hit.Type, _ = h.Fields[fieldType].(string)
		hit.Title, _ = h.Fields[fieldTitle].(string)
		hit.Employer, _ = h.Fields[fieldEmployerKey].(string)
		hit.District, _ = h.Fields[fieldDistrict].(string)
		ch, _ := h.Fields[fieldChannel].(string)
		hit.Channel = matcher.Channel(ch)
		k, _ := h.Fields[fieldKind].(string)
		hit.Kind = matcher.Kind(k)
		res.Hits = append(res.Hits, hit)
	}
	for _, name := range facetFields {
		fr := sr.Facets[name]
		counts := []FacetCount{}
		if fr != nil && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if t.Term == "" {
					continue // documents without the field (courses have no channel, some posts no district)
				}
				counts = append(counts, FacetCount{Term: t.Term, Count: t.Count})
			}
		}
		res.Facets[name] = counts
	}
	return res, nil
}

func buildRequest(q Query, degreeTerms bool) (*bleve.SearchRequest, error) {
	typ := q.Type
	if typ == "" {
		typ = TypePost
	}
	if typ != TypePost && typ != TypeCourse {
		return nil, matcher.Errorf(matcher.EINVALID, "未知的文档类型：%q（应为 post 或 course）", "unknown document type %q (want post or course)", q.Type)
	}
	if q.Limit < 0 || q.Offset < 0 {
		return nil, matcher.Errorf(matcher.EINVALID, "分页参数不能为负数", "negative limit or offset")
	}
	limit := q.Limit
	if limit == 0 {
		limit = 20
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}

	bq := bleve.NewBooleanQuery()
	if strings.TrimSpace(q.Text) != "" {
		dis := bleve.NewDisjunctionQuery()
		for _, f := range textFields {
			m := bleve.NewMatchQuery(q.Text)
			m.SetField(f.name)
			m.Analyzer = SearchAnalyzerName
			m.SetBoost(f.boost)
			dis.AddQuery(m)
		}
		bq.AddMust(dis)
	} else {
		bq.AddMust(bleve.NewMatchAllQuery())
	}

	filters := []query.Query{termQuery(fieldType, typ)}
	if q.Channel != "" {
		filters = append(filters, termQuery(fieldChannel, string(q.Channel)))
	}
	if q.District != "" {
		filters = append(filters, termQuery(fieldDistrict, q.District))
	}
	if q.Kind != "" {
		filters = append(filters, termQuery(fieldKind, string(q.Kind)))
	}
	switch {
	case q.Degree <= 0:
	case degreeTerms:
		// Posts whose minimum is at most the searcher's degree.
		var ok []query.Query
		for d := matcher.DegreeNone; d <= min(q.Degree, matcher.DegreeDoctor); d++ {
			ok = append(ok, termQuery(fieldDegree, strconv.Itoa(int(d))))
		}
		filters = append(filters, bleve.NewDisjunctionQuery(ok...))
	default:
		maxDeg := float64(q.Degree)
		incl := true
		filters = append(filters, numericField(bleve.NewNumericRangeInclusiveQuery(nil, &maxDeg, nil, &incl), fieldDegreeMin))
	}
	bq.AddFilter(bleve.NewConjunctionQuery(filters...))

	req := bleve.NewSearchRequestOptions(bq, limit, q.Offset, false)
	req.Fields = []string{fieldType, fieldTitle, fieldEmployerKey, fieldDistrict, fieldChannel, fieldKind}
	req.SortBy([]string{"-_score", "_id"})
	for _, f := range facetFields {
		req.AddFacet(f, bleve.NewFacetRequest(f, 50))
	}
	return req, nil
}

func termQuery(field, term string) query.Query {
	t := bleve.NewTermQuery(term)
	t.SetField(field)
	return t
}

func numericField(q *query.NumericRangeQuery, field string) query.Query {
	q.SetField(field)
	return q
}

// journal records writes that arrive while Rebuild reads the store, so the
// new generation can replay them before it replaces the old one: a post
// ingested during a rebuild is in neither the store snapshot Rebuild read
// nor lost.
type journal struct {
	ops []func(bi bleve.Index, size int) error
}

// record adds an operation to the journal when a rebuild is running. make
// builds it from copies of the caller's data, which the caller may reuse
// once the write returns.
func (ix *Index) record(make func() func(bi bleve.Index, size int) error) {
	ix.jmu.Lock()
	if ix.journal != nil {
		ix.journal.ops = append(ix.journal.ops, make())
	}
	ix.jmu.Unlock()
}

// Rebuild builds a new generation of the index from the store — every post
// searchable at now and every course — and then switches to it atomically.
// Searches and writes keep using the old generation until the switch;
// writes made meanwhile are replayed onto the new one first.
func (ix *Index) Rebuild(ctx context.Context, st matcher.Store, now time.Time) error {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	start := time.Now()

	ix.mu.RLock()
	cur, closed := ix.gen, ix.bi == nil
	ix.mu.RUnlock()
	if closed {
		return errors.New("index: rebuild of a closed index")
	}
	var n int
	if _, err := fmt.Sscanf(cur, "gen-%d", &n); err != nil {
		return fmt.Errorf("index: current generation %q: %w", cur, err)
	}
	gen := generationName(n + 1)
	bi, err := ix.create(gen)
	if err != nil {
		return err
	}
	abandon := func(err error) error {
		bi.Close()
		os.RemoveAll(filepath.Join(ix.dir, gen))
		ix.jmu.Lock()
		ix.journal = nil
		ix.jmu.Unlock()
		return err
	}
	ix.jmu.Lock()
	ix.journal = &journal{}
	ix.jmu.Unlock()

	size := ix.opts.BatchSize
	chunk := 10 * size // several batches per write, so they overlap (see commit)
	posts := make([]matcher.Post, 0, chunk)
	var nPosts, nCourses int
	err = st.EachPost(ctx, matcher.PostFilter{OpenAt: now}, func(p *matcher.Post) error {
		posts = append(posts, *p)
		if len(posts) < chunk {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		nPosts += len(posts)
		err := indexPosts(bi, size, posts, now)
		posts = posts[:0]
		return err
	})
	if err == nil {
		nPosts += len(posts)
		err = indexPosts(bi, size, posts, now)
	}
	if err != nil {
		return abandon(fmt.Errorf("index: rebuild posts: %w", err))
	}
	courses := make([]matcher.Course, 0, chunk)
	err = st.EachCourse(ctx, func(c *matcher.Course) error {
		courses = append(courses, *c)
		if len(courses) < chunk {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		nCourses += len(courses)
		err := indexCourses(bi, size, courses)
		courses = courses[:0]
		return err
	})
	if err == nil {
		nCourses += len(courses)
		err = indexCourses(bi, size, courses)
	}
	if err != nil {
		return abandon(fmt.Errorf("index: rebuild courses: %w", err))
	}

	// The switch: no writer may run between replaying the journal and
	// swapping, so both happen under the write lock.
	ix.mu.Lock()
	ix.jmu.Lock()
	ops := ix.journal.ops
	ix.journal = nil
	ix.jmu.Unlock()
	if ix.bi == nil {
		ix.mu.Unlock()
		return abandon(errors.New("index: closed during rebuild"))
	}
	for _, op := range ops {
		if err := op(bi, size); err != nil {
			ix.mu.Unlock()
			return abandon(fmt.Errorf("index: rebuild replay: %w", err))
		}
	}
	if err := ix.writeCurrent(gen); err != nil {
		ix.mu.Unlock()
		return abandon(err)
	}
	old, oldGen := ix.bi, ix.gen
	ix.bi, ix.gen, ix.degreeTerms = bi, gen, hasDegreeTerms(bi)
	ix.mu.Unlock()

	if err := old.Close(); err != nil {
		ix.log.Warn("index: closing the replaced generation", "gen", oldGen, "err", err)
	}
	if err := os.RemoveAll(filepath.Join(ix.dir, oldGen)); err != nil {
		ix.log.Warn("index: removing the replaced generation", "gen", oldGen, "err", err)
	}
	ix.log.Info("index rebuilt", "gen", gen, "posts", nPosts, "courses", nCourses, "replayed", len(ops), "elapsed", time.Since(start))
	return nil
}
