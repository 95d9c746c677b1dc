package main

import (
	"log/slog"
	"runtime"
	"runtime/debug"
	"testing"
	"testing/fstest"
	"time"
)

func TestHeapFloorLimit(t *testing.T) {
	h := &heapFloor{floor: 640 << 20, percent: 100}
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, 640 << 20},
		{100 << 20, 640 << 20},
		{320 << 20, 640 << 20},
		{400 << 20, 800 << 20}, // past half the floor: GOGC=100's goal
		{3 << 30, 6 << 30},
	} {
		if got := h.limitFor(c.live); got != c.want {
			t.Errorf("limitFor(%d MiB) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

// In a container the limit stays below its share of the container's memory
// whatever the floor and the live heap ask for.
func TestHeapFloorContainerCap(t *testing.T) {
	h := &heapFloor{floor: 640 << 20, percent: 100, cap: 512 << 20 / 100 * ingestContainerShare}
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, 409 << 20},
		{100 << 20, 409 << 20},
		{400 << 20, 409 << 20}, // the collector works harder rather than the kernel killing the import
	} {
		if got := h.limitFor(c.live); got>>20 != c.want>>20 {
			t.Errorf("limitFor(%d MiB) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		name  string
		files fstest.MapFS
		want  uint64
	}{
		{"v2 limited", fstest.MapFS{
			"proc/self/cgroup":                     {Data: []byte("0::/jobs/import\n")},
			"sys/fs/cgroup/jobs/import/memory.max": {Data: []byte("536870912\n")},
		}, 512 << 20},
		{"v2 limit on a parent", fstest.MapFS{
			"proc/self/cgroup":                        {Data: []byte("0::/ctr/init.scope\n")},
			"sys/fs/cgroup/ctr/init.scope/memory.max": {Data: []byte("max\n")},
			"sys/fs/cgroup/ctr/memory.max":            {Data: []byte("1073741824\n")},
			"sys/fs/cgroup/ctr/memory.high":           {Data: []byte("805306368\n")},
			"sys/fs/cgroup/memory.max":                {Data: []byte("max\n")},
		}, 768 << 20},
		{"v2 unlimited", fstest.MapFS{
			"proc/self/cgroup":         {Data: []byte("0::/\n")},
			"sys/fs/cgroup/memory.max": {Data: []byte("max\n")},
		}, 0},
		{"v1 own path", fstest.MapFS{
			"proc/self/cgroup": {Data: []byte("5:cpu,cpuacct:/a\n4:memory:/docker/abc\n0::/\n")},
			"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": {Data: []byte("1073741824\n")},
		}, 1 << 30},
		{"v1 mounted at the group", fstest.MapFS{
			"proc/self/cgroup":                           {Data: []byte("4:memory:/docker/abc\n")},
			"sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("268435456\n")},
		}, 256 << 20},
		{"v1 unlimited", fstest.MapFS{
			"proc/self/cgroup":                           {Data: []byte("4:memory:/\n")},
			"sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712\n")},
		}, 0},
		{"no cgroup file", fstest.MapFS{}, 0},
		{"garbage", fstest.MapFS{
			"proc/self/cgroup":         {Data: []byte("0::/\n")},
			"sys/fs/cgroup/memory.max": {Data: []byte("lots\n")},
		}, 0},
	} {
		if got := cgroupMemoryLimit(c.files); got != c.want {
			t.Errorf("%s: cgroupMemoryLimit = %d, want %d", c.name, got, c.want)
		}
	}
}

// The policy turns GOGC off, sets the limit from the live heap after each
// collection, and gives back the previous settings when stopped; GOGC in
// the environment leaves everything alone.
func TestHeapFloorFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	prevGC := debug.SetGCPercent(137)
	prevLim := debug.SetMemoryLimit(5 << 40)
	defer func() { debug.SetGCPercent(prevGC); debug.SetMemoryLimit(prevLim) }()

	const floor = 1 << 20 // below any test binary's live heap: the percentage rules
	stop := startHeapFloor(slog.New(slog.DiscardHandler), floor, 100)
	if gc := debug.SetGCPercent(-1); gc != -1 {
		t.Errorf("GOGC under the policy = %d, want off", gc)
	}
	keep := make([][]byte, 0, 64)
	for range 64 {
		keep = append(keep, make([]byte, 1<<20)) // 64 MiB more live heap
	}
	runtime.GC()
	var got int64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got = debug.SetMemoryLimit(-1); got >= 2*64<<20 {
			break
		}
	}
	if got < 2*64<<20 {
		t.Errorf("limit after a collection with 64 MiB live = %d MiB, want at least twice that", got>>20)
	}
	runtime.KeepAlive(keep)
	stop()
	if gc := debug.SetGCPercent(137); gc != 137 {
		t.Errorf("GOGC after stop = %d, want 137 back", gc)
	}
	if lim := debug.SetMemoryLimit(-1); lim != 5<<40 {
		t.Errorf("limit after stop = %d, want %d back", lim, int64(5<<40))
	}

	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	startHeapFloor(slog.New(slog.DiscardHandler), floor, 100)()
	if gc := debug.SetGCPercent(150); gc != 150 {
		t.Errorf("GOGC from the environment changed to %d", gc)
	}
}
