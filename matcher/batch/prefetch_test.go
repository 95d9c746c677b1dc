package batch_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
)

// TestReadGraduatesAhead: a run handed the active graduates read ahead
// (batch.ReadGraduates, overlapping the engine's build as `jobmatch batch`
// does) publishes the same lists as a run that reads them itself, and its
// report, whose previous run's lists are read while it computes, finds
// every list unchanged. A read ahead made with other statuses than the
// run's is ignored: the run covers its own statuses' graduates.
func TestReadGraduatesAhead(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	ahead := batch.ReadGraduates(ctx, st, batch.Config{})
	in := load(t, st)
	active, _ := activeGraduates(t, st)
	sumA, err := batch.Run(ctx, st, in, batch.Options{Chunk: 100, Graduates: ahead, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if sumA.Graduates != len(active) || sumA.Computed != len(active) {
		t.Fatalf("run with the graduates read ahead: %d graduates, %d computed; want %d active", sumA.Graduates, sumA.Computed, len(active))
	}
	sumB, err := batch.Run(ctx, st, in, batch.Options{Chunk: 100, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := postsOf(t, st, sumA.RunID)
	b, _ := postsOf(t, st, sumB.RunID)
	if !maps.EqualFunc(a, b, slices.Equal[[]string]) {
		t.Fatalf("the lists differ between the run with the graduates read ahead (%d lists) and the one without (%d)", len(a), len(b))
	}
	if d := sumB.Report.Diff; d.Previous != sumA.RunID || d.Compared != len(active) || d.Unchanged != len(active) || d.Joined != 0 || d.Left != 0 {
		t.Fatalf("second run's diff against %s: %+v; want all %d unchanged", sumA.RunID, d, len(active))
	}

	seeking := batch.DefaultConfig()
	seeking.ActiveStatuses = []matcher.GraduateStatus{matcher.StatusSeeking}
	want := 0
	for _, g := range active {
		if g.Status == matcher.StatusSeeking {
			want++
		}
	}
	if want == 0 || want == len(active) {
		t.Fatalf("the data has %d seeking graduates of %d active: the check below would prove nothing", want, len(active))
	}
	sumC, err := batch.Run(ctx, st, in, batch.Options{Config: seeking, Chunk: 100, Graduates: batch.ReadGraduates(ctx, st, batch.Config{}), Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if sumC.Graduates != want {
		t.Fatalf("a run over seeking graduates handed a read of the default statuses covered %d graduates; want the %d seeking", sumC.Graduates, want)
	}
}
