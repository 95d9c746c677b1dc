//go:build !linux

package main

import "log/slog"

// adviseHugeHeap is Linux's transparent huge pages for the heap of an
// import or of recommend --local (hugeheap_linux.go); elsewhere nothing.
func adviseHugeHeap(*slog.Logger, uint64) bool { return false }
