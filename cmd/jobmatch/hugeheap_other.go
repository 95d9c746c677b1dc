//go:build !linux

package main

import "log/slog"

// adviseHugeHeap is Linux's transparent huge pages for the heaps of the
// import, the batch and the engine's commands (hugeheap_linux.go);
// elsewhere nothing.
func adviseHugeHeap(*slog.Logger, uint64) bool { return false }
