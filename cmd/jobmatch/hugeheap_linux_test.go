package main

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// claimHugePages leaves the range it allocated advised for huge pages
// (VmFlags "hg" in /proc/self/smaps), less the 2 MiB alignment at either
// end, and free after a collection; the heap's next allocations land in
// it: where the kernel gives huge pages on advice, they are huge pages.
func TestClaimHugePages(t *testing.T) {
	const size = 256 << 20
	start, err := claimHugePages(size)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if n := live[0].Value.Uint64(); n > size/2 {
		t.Fatalf("the claim's allocation is still live after a collection: live heap %d bytes", n)
	}
	const huge = 2 << 20
	lo, hi := (start+huge-1)/huge*huge, (start+size)/huge*huge
	if got := advisedHeap(t, lo, hi); got.size < int64(hi-lo) {
		t.Fatalf("[%#x, %#x) advised for huge pages: %d of its %d bytes", lo, hi, got.size, hi-lo)
	}
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(thp), "[never]") {
		t.Skipf("the kernel gives no huge pages (%q, %v)", thp, err)
	}
	// Fresh memory the heap needs now: it comes from the advised range.
	keep := make([][]byte, 0, 64)
	for range 64 {
		b := make([]byte, 1<<20)
		for i := range b {
			b[i] = 1
		}
		keep = append(keep, b)
	}
	if got := advisedHeap(t, lo, hi); got.huge == 0 {
		t.Errorf("64 MiB allocated and written: no huge pages in the advised mappings")
	}
	runtime.KeepAlive(keep)
}

type advised struct{ size, huge int64 }

// advisedHeap sums the mappings of /proc/self/smaps advised for huge
// pages that overlap [lo, hi): their size within it and their
// AnonHugePages.
func advisedHeap(t *testing.T, lo, hi uintptr) advised {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var sum, cur advised
	sc := bufio.NewScanner(f)
	kb := func(line string) int64 {
		n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
		return n << 10
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case len(line) > 0 && strings.Contains(strings.Fields(line)[0], "-") && !strings.HasSuffix(strings.Fields(line)[0], ":"):
			var from, to uintptr
			fmt.Sscanf(strings.Fields(line)[0], "%x-%x", &from, &to)
			from, to = max(from, lo), min(to, hi)
			cur = advised{size: max(0, int64(to)-int64(from))}
		case strings.HasPrefix(line, "AnonHugePages:"):
			cur.huge = kb(line)
		case strings.HasPrefix(line, "VmFlags:"):
			if cur.size > 0 && slices.Contains(strings.Fields(line)[1:], "hg") {
				sum.size += cur.size
				sum.huge += cur.huge
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sum
}

// hugeHeap, the engine's and the batch's start, advises the size asked
// for (or the container's share) and leaves nothing of it live; an
// operator's GOGC or GOMEMLIMIT, or the runtime's GODEBUG=disablethp=1,
// leaves the heap alone.
func TestHugeHeap(t *testing.T) {
	const size = 256 << 20
	for _, env := range []string{"GOGC=100", "GOMEMLIMIT=4GiB", "GODEBUG=disablethp=1"} {
		t.Run(env, func(t *testing.T) {
			name, val, _ := strings.Cut(env, "=")
			t.Setenv(name, val)
			if got := hugeHeap(slog.New(slog.DiscardHandler), size); got != 0 {
				t.Errorf("%s: %d bytes advised, want none", env, got)
			}
		})
	}
	for _, name := range []string{"GOGC", "GOMEMLIMIT", "GODEBUG"} {
		if _, set := os.LookupEnv(name); set {
			t.Skipf("%s is set for this test run", name)
		}
	}
	want := uint64(size)
	if c := containerMemoryLimit(); c > 0 {
		want = min(want, c/100*ingestContainerShare)
	}
	if got := hugeHeap(slog.New(slog.DiscardHandler), size); got != want {
		t.Fatalf("%d bytes advised, want %d", got, want)
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if n := live[0].Value.Uint64(); n > size/2 {
		t.Fatalf("the advice's allocation is still live after hugeHeap: live heap %d bytes", n)
	}
}
