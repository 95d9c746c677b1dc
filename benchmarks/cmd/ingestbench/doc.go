// Command ingestbench runs one measured import in a process of its own, so
// that the process's peak resident set (VmHWM in /proc/self/status, which
// is per process) belongs to that import alone. BenchmarkIngestProcess in
// package benchmarks builds and runs it; by hand:
//
//	go run ./benchmarks/cmd/ingestbench -posts DIR/posts.csv -work WORKDIR
//
// It loads the segmenter (timed on its own: the dictionary load), opens a
// fresh embedded store and on-disk bleve index in WORKDIR, imports the posts
// through ingest.Importer — file to searchable: parsed, deduplicated,
// committed, indexed and persisted — checks the index answers, and prints
// one JSON line of figures.
package main
