//go:build !linux

package main

import "log/slog"

// adviseHugeHeap is Linux's transparent huge pages for the import's heap
// (hugeheap_linux.go); elsewhere nothing.
func adviseHugeHeap(*slog.Logger, uint64) {}
