// Command dictload measures, outside the test framework, how long the
// segmenter's dictionaries take to load and how much heap they keep:
// `go run ./index/internal/dictload [s_1.txt]`. It prints wall time and
// the process's CPU time for the load, since on a shared machine the wall
// time includes waiting for a core. doc.go records its output.
package main
