package main

import (
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// `jobmatch ingest` collects garbage against a floor: the heap may grow to
// ingestHeapFloor before the collector runs, or to ingestGCPercent above
// the live heap when that is more. An import's live heap grows from
// nothing to 310–340 MB on the generated 25,000 posts while it
// allocates some 2.5 GB, and under a plain GOGC of 200 every early,
// small heap was collected at three times its size and the late ones at
// up to 840 MB: 13 collections, a peak RSS near 1 GB, and every page of
// it faulted in fresh (the command's 2.5–3.5 s of system time was mostly
// those faults, `perf record`). Against the floor the same import
// collects about half as often and peaks near 700 MB instead of near
// 1 GB; a bigger import, whose live heap passes half the floor, is
// collected about as under GOGC=ingestGCPercent (the soft limit counts all
// of the runtime's memory, and follows the live heap one collection late),
// so the floor never makes the collector run
// back to back the way a fixed memory limit below the live heap would.
//
// The runtime has no such setting, so heapFloor keeps GOGC off and moves
// the soft memory limit after every collection to the larger of the floor
// and the live heap plus ingestGCPercent of it.
//
// In a container the limit never passes ingestContainerShare of the
// container's memory (cgroup v2 memory.max or v1 memory.limit_in_bytes):
// with GOGC off nothing else would start a collection before the kernel
// killed the import, in a 512 MB container with the floor alone at
// 640 MiB. Below that cap the collector works harder instead (the soft
// limit's own guard keeps it to about half the CPU).
const (
	ingestHeapFloor = 640 << 20
	// ingestGCPercent is the collector's target above the live heap once
	// that target passes the floor.
	ingestGCPercent = 100
	// ingestContainerShare is the share of a container's memory limit,
	// in percent, that the soft limit never passes: the rest is for what
	// the runtime's limit does not count (the mapped index segments, the
	// bolt file's pages, the kernel's page cache charged to the cgroup).
	ingestContainerShare = 80
)

// heapFloor is a running floor policy (see above).
type heapFloor struct {
	floor   uint64
	percent uint64
	cap     uint64 // the container's share (0: no container limit)

	mu      sync.Mutex
	stopped bool
	sample  []metrics.Sample
	prevGC  int // the GOGC to restore
	prevLim int64
}

// startHeapFloor puts the import's collector on the floor policy and
// returns what restores the previous settings. GOGC or GOMEMLIMIT in the
// environment wins: an operator who set either gets exactly that.
func startHeapFloor(log *slog.Logger, floor, percent uint64) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	h := &heapFloor{floor: floor, percent: percent,
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	if c := containerMemoryLimit(); c > 0 {
		h.cap = c / 100 * ingestContainerShare
	}
	// The heap the import grows into is advised for huge pages first
	// (hugeHeap: capped as h.cap is); the collection that frees the
	// advice's allocation, while the heap is small (milliseconds), is the
	// one the policy's first limit follows.
	hugeHeap(log, uint64(h.limitFor(0)))
	h.prevLim = debug.SetMemoryLimit(-1)
	h.adjust()
	h.prevGC = debug.SetGCPercent(-1)
	h.arm()
	log.Debug("garbage collector", "gogc", "off", "heap_floor", floor, "gogc_above_floor", percent, "container_cap", h.cap)
	return h.stop
}

// limitFor is the memory limit for a live heap of live bytes.
func (h *heapFloor) limitFor(live uint64) int64 {
	l := max(h.floor, live+live/100*h.percent+live%100*h.percent/100)
	if h.cap > 0 {
		l = min(l, h.cap)
	}
	return int64(min(l, math.MaxInt64))
}

// adjust sets the limit for the live heap the last collection left.
func (h *heapFloor) adjust() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	metrics.Read(h.sample)
	var live uint64
	if h.sample[0].Value.Kind() == metrics.KindUint64 {
		live = h.sample[0].Value.Uint64()
	}
	debug.SetMemoryLimit(h.limitFor(live))
}

// gcSentinel is garbage from birth: its cleanup runs after the next
// collection. It holds a pointer so that it is a heap object of its own,
// never batched with others by the tiny allocator (whose blocks are freed
// only when every object in them is).
type gcSentinel struct {
	_ *byte
	_ [8]byte
}

// arm has adjust run once the next collection ends, and arm itself again
// then: one adjustment per collection while the policy runs.
func (h *heapFloor) arm() {
	runtime.AddCleanup(new(gcSentinel), func(h *heapFloor) {
		h.mu.Lock()
		stopped := h.stopped
		h.mu.Unlock()
		if !stopped {
			h.adjust()
			h.arm()
		}
	}, h)
}

func (h *heapFloor) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	h.stopped = true
	debug.SetGCPercent(h.prevGC)
	debug.SetMemoryLimit(h.prevLim)
}

// containerMemoryLimit is the memory limit of the cgroup this process runs
// in, or 0 when there is none (or it cannot be read): under cgroup v2 the
// smallest memory.max or memory.high of the process's group and every
// group above it (a container's limit is often set on a parent: its
// processes sit in a child group such as init.scope), else cgroup v1's
// memory.limit_in_bytes (which reads as about 2^63 when unlimited).
func containerMemoryLimit() uint64 {
	return cgroupMemoryLimit(os.DirFS("/"))
}

func cgroupMemoryLimit(root fs.FS) uint64 {
	self, err := fs.ReadFile(root, "proc/self/cgroup")
	if err != nil {
		return 0
	}
	read := func(file string) uint64 {
		b, err := fs.ReadFile(root, file)
		if err != nil {
			return 0
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || v >= 1<<62 { // "max", or v1's unlimited
			return 0
		}
		return v
	}
	smallest := func(limit, v uint64) uint64 {
		if v > 0 && (limit == 0 || v < limit) {
			return v
		}
		return limit
	}
	for _, line := range strings.Split(string(self), "\n") {
		// "0::/path" is the v2 group; "N:memory:/path" (or
		// "N:memory,…:/path") a v1 memory controller's.
		id, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		ctrls, group, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		group = strings.Trim(group, "/")
		var limit uint64
		switch {
		case id == "0" && ctrls == "":
			for g := group; ; g = path.Dir(g) {
				if g == "" {
					g = "."
				}
				dir := path.Join("sys/fs/cgroup", g)
				limit = smallest(limit, read(path.Join(dir, "memory.max")))
				limit = smallest(limit, read(path.Join(dir, "memory.high")))
				if g == "." {
					break
				}
			}
		case slices.Contains(strings.Split(ctrls, ","), "memory"):
			file := path.Join("sys/fs/cgroup/memory", group, "memory.limit_in_bytes")
			if _, err := fs.Stat(root, file); err != nil {
				// In a container the v1 group's own path is often
				// mounted as the hierarchy's root.
				file = "sys/fs/cgroup/memory/memory.limit_in_bytes"
			}
			limit = read(file)
		}
		if limit > 0 {
			return limit
		}
	}
	return 0
}
