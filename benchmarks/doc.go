// Package benchmarks holds the project's end-to-end measurements: tests and
// benchmarks that run whole pipelines on the generated data set (25,000
// posts, 620 courses, 50,000 graduates from ingest/synth) against real
// parts — the embedded store and PostgreSQL, the bleve index on disk, the
// gse segmenter with its dictionaries, the HTTP API — and write their
// figures to RESULTS.md, one section per area.
//
// Speed is measured here, never asserted in unit tests. Heavy setup lives
// only in Benchmark functions (and tests that skip under -short or without
// their environment), so a plain `go test ./...` runs no more than quick
// smoke tests. The files by area:
//
//   - ingest_bench_test.go: file to searchable (ingest + index), with
//     parse-only and store-only baselines, peak memory, the segmenter's
//     dictionary load, and the importer into PostgreSQL vs the embedded
//     store; cmd/ingestbench runs one import in a process of its own so its
//     peak RSS can be read;
//   - match_*_test.go: matching quality and latency;
//   - api_*_test.go: the HTTP API under load;
//   - served_*_test.go: the built binary serving the generated set, driven
//     over HTTP from outside (TestServedLoad, TestServedLoadTLS);
//   - commands_load_test.go: the built binary's commands timed from outside
//     (TestCommandTimes: ingest posts, recommend --local, batch on both
//     stores), alternated against a baseline binary.
package benchmarks
