package main

import (
	"log/slog"
	"os"
	"runtime"
)

// localHugeHeap is the heap `recommend --local` grows into while it builds
// the matching engine (peak RSS near 600 MB on the generated set),
// advised for huge pages before the build (adviseHugeHeap says why): its
// CPU fell by about a tenth, its faults from ~128,000 to ~8,500
// (benchmarks/RESULTS.md, helper hugeall). A size past the heap's peak
// costs address space only: pages never touched are never faulted in.
//
// Not for `serve`, whose start it made cheaper but whose requests it made
// dearer, with 400–550 MB more RSS (most likely because the served heap's
// free pages are given back and taken again, and each one taken again in
// an advised range is a whole huge page, zeroed).
const localHugeHeap = 1 << 30

// hugeHeap advises the next size bytes of the heap for huge pages and
// collects the advice's allocation, after adviseHugeHeap's frame is gone.
// Like the import's heap floor it stays out of the way of an operator's
// GOGC or GOMEMLIMIT, and in a container it advises no more than the
// import's share of the container's memory (a huge page is 2 MiB of RSS
// at its first touch).
//
// It returns the size advised, 0 when none.
func hugeHeap(log *slog.Logger, size uint64) uint64 {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	if c := containerMemoryLimit(); c > 0 {
		size = min(size, c/100*ingestContainerShare)
	}
	if !adviseHugeHeap(log, size) {
		return 0
	}
	runtime.GC()
	return size
}
