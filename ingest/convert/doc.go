// Package convert turns rows of canonical columns into the domain's posts,
// courses and graduates, and reads the one form of a graduate profile. It
// reads no files (package ingest's readers fill the rows; the API builds a
// row from a JSON body), so the API converts a post exactly as an import
// does without linking the spreadsheet reader.
//
//   - fields.go: a converter is a table of fields, one per column — how the
//     cell is read, what a good value looks like, a default for an empty
//     cell, and checks across columns; apply runs a table over a row and
//     reports every problem, never echoing a personal value.
//   - posts.go, courses.go, graduates.go: the three tables and the steps
//     after them: keys, content IDs, the occupation, and what the text says
//     (package ingest/extract) — the degree, experience and majors a row
//     leaves empty, and the skills and certificates the text names, found
//     on word boundaries of the gse segmentation.
//   - convert.go: sources, keys and content IDs, ages, channels.
//   - profile.go: the profile of `jobmatch recommend --profile` and of the
//     API's profile recommendations (docs/profile.md).
package convert
