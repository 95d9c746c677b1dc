package main

import (
	"log/slog"
	"os"
	"strings"
	"syscall"
	"unsafe"
)

// adviseHugeHeap asks the kernel to back the next size bytes of the Go
// heap with transparent huge pages (2 MiB) where its setting is
// "madvise", as on this project's machines: an import's heap grows to
// ~650 MB within seconds and is walked all over (maps, the collector),
// and in a virtual machine every 4 KiB page cost a fault and its TLB
// misses a two-level page walk. With huge pages the generated set's import
// faulted ~15,000 times instead of ~168,000 and spent ~17% less user CPU
// (benchmarks/RESULTS.md, helper ingfast).
//
// The runtime has no setting for it (Go 1.21.1 stopped advising huge
// pages), so the pages are claimed the runtime's way: one allocation of
// size bytes, which at the start of a command is fresh address space the
// runtime maps and does not touch, is advised, and the caller collects it
// (once this frame is gone, so that nothing on the stack still holds it). The runtime
// never unmaps heap memory and hands out the lowest free pages first, so
// the import's heap then grows into the advised range; the advice lasts
// for the mapping, whatever the runtime later releases or reuses in it.
// Where the kernel's setting is "never" the advice does nothing; under
// GODEBUG=disablethp=1 (the runtime's own opt-out) it is not given.
//
// It reports whether it allocated (the caller then collects).
func adviseHugeHeap(log *slog.Logger, size uint64) bool {
	if size == 0 || strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return false
	}
	if _, err := claimHugePages(size); err != nil {
		log.Debug("heap: no huge pages", "err", err)
	}
	return true
}

// claimHugePages allocates size bytes, advises them for huge pages and
// drops them; start is where they began.
func claimHugePages(size uint64) (start uintptr, err error) {
	b := make([]byte, size)
	return uintptr(unsafe.Pointer(unsafe.SliceData(b))), syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
