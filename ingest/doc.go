// Package ingest reads portal exports and ledgers — CSV, JSON Lines and XLSX,
// in UTF-8, UTF-16 or GBK/GB18030 — and turns their rows into posts,
// courses and graduates for the store and the search index.
//
// It owns the layers between a file and the domain:
//
//   - encoding.go decides how a file's bytes are text, and refuses a file it
//     cannot decode cleanly rather than guess into mojibake;
//   - read.go parses the formats into Rows keyed by canonical column, finds
//     header rows below page junk, and refuses a whole file that cannot be
//     parsed (unterminated quote, not a spreadsheet, zip bomb, oversized cell);
//   - columns.go holds the header aliases portals use and the --map mapping
//     files that adapt any other export (docs/mappings has the real ones);
//   - package convert (ingest/convert) builds domain records from rows with
//     package normalize, and rejects a row with every reason a person needs
//     to fix it — never echoing personal values; it reads no files, so the
//     API converts a post the same way without the readers;
//   - dedup.go links the same post exported by two portals;
//   - importer.go is the Importer and its one pipeline (pipeline.go): each
//     file read and converted whole (records.go; an Importer.Read that
//     reads a file ahead may convert it ahead with Table.Convert), repeats planned
//     (repeats.go), then written in chunks through ingest.Store — both real
//     stores — each chunk's records, rejected rows and progress in one
//     transaction, keyed by a SHA-256 fingerprint of the input, so a killed
//     import run again resumes after its last committed row: no duplicates,
//     no gaps, the same counts. Committed chunks go to the index in order
//     (index_queue.go). Each file is converted whole before it is written,
//     so a key repeated within it is written once (its last row), which is
//     what makes a second import of the same file find everything
//     unchanged; a post's fields derived from its text (requirements,
//     occupation) are filled after that, in the background a chunk or two
//     ahead of the writes (derive.go), so that they share the cores with
//     the index rather than run before it. Progress is reported through Importer.Progress (rows done,
//     rows known); cmd draws it, and logs go to the injected Importer.Log;
//   - report.go renders reports for people (Summary, FormatRowError, the
//     --errors CSV);
//   - finished.go records each finished import by fingerprint, so the demo
//     can skip an import it already ran;
//   - convert.Profile is the one form of a graduate profile (no personal
//     data) that `jobmatch recommend --profile` and the API's profile
//     recommendations read, through the ledger's normalisers.
//
// Files are parsed completely before any of their rows is written, so a
// refused file leaves nothing behind, and a bad row never costs the good
// ones. Value normalisers live in ingest/normalize, the occupation
// classifier in ingest/occupation, the reading of requirements from a
// post's text in ingest/extract. docs/ingest.md is the user's guide.
package ingest
