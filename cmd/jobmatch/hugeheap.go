package main

import (
	"log/slog"
	"os"
	"runtime"
)

// engineHugeHeap is the heap loadEngine's commands (recommend --local,
// shortlist, serve) grow into while they build the matching engine and
// after it, advised for huge pages before the build (adviseHugeHeap says
// why): a server's heap at GOGC=400 peaks near 1.8 GB, recommend --local's
// near 600 MB. Faults ~92,000 → ~7,800 and CPU −28% for
// recommend --local, the server's start about −2 CPU-s with its CPU per
// request and RSS level (benchmarks/RESULTS.md, helper hugeall). A size
// past the heap's peak costs address space only: pages never touched are
// never faulted in.
const engineHugeHeap = 1536 << 20

// batchHugeHeap is the nightly batch's heap (peak RSS near 1.7 GB on the
// generated set), advised before it reads its inputs: CPU −14%, start to
// published −15%, faults ~214,000 → ~20,500, peak RSS level
// (benchmarks/RESULTS.md, helper hugeall).
const batchHugeHeap = 2 << 30

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
