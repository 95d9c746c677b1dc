package batch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// postsOf reads a run's default lists (posts, in rank order) and each
// published item's reasons, by graduate.
func postsOf(t *testing.T, st matcher.FullStore, runID string) (map[string][]string, map[string]map[string][]string) {
	t.Helper()
	posts, reasons := map[string][]string{}, map[string]map[string][]string{}
	err := st.EachRunList(context.Background(), runID, func(gr matcher.GraduateRecommendations) error {
		reasons[gr.GraduateID] = map[string][]string{}
		for _, sr := range gr.Items {
			if sr.Plan || sr.Kind == matcher.KindCourse {
				continue
			}
			var it matcher.Item
			if err := json.Unmarshal(sr.Item, &it); err != nil {
				return err
			}
			posts[gr.GraduateID] = append(posts[gr.GraduateID], sr.PostID)
			reasons[gr.GraduateID][sr.PostID] = it.Reasons
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return posts, reasons
}

// recountDiff counts the diff of run b's lists against run a's (posts by
// graduate) from the lists themselves.
func recountDiff(previous string, a, b map[string][]string) matcher.RunDiff {
	want := matcher.RunDiff{Previous: previous}
	for gid, now := range b {
		before, ok := a[gid]
		if !ok {
			want.Joined++
			continue
		}
		want.Compared++
		added := 0
		for _, p := range now {
			if !slices.Contains(before, p) {
				added++
			}
		}
		switch {
		case slices.Equal(before, now):
			want.Unchanged++
		case added == 0 && len(before) == len(now):
			want.Reordered++
		case added > 0:
			want.NewPosts++
			want.NewItems += added
		}
	}
	for gid := range a {
		if _, ok := b[gid]; !ok {
			want.Left++
		}
	}
	return want
}

// TestRunDiffAcrossKeys: the previous run's digests, made under a data key
// that is no longer current (a rotation not yet run, or run after them),
// are not compared with the new run's: the diff reads those lists, and
// counts as the lists themselves do. The run after it compares digests
// under the new key.
func TestRunDiffAcrossKeys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	keyA := bytes.Repeat([]byte{0xa1}, 32)
	ringA, err := seal.New(keyA)
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(path, ringA)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, st)
	in := load(t, st)
	off := batch.DefaultConfig()
	off.Capacity.K = 0
	sumA, err := batch.Run(ctx, st, in, batch.Options{Config: off, Chunk: 1000, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ringBA, err := seal.New(bytes.Repeat([]byte{0xb2}, 32), keyA)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = bolt.Open(path, ringBA); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prev := 0
	if err := st.EachRunListDigest(ctx, sumA.RunID, func(_ string, digest []byte, _ []string) error {
		if digest != nil {
			prev++
		}
		return nil
	}); err != nil || prev != 0 {
		t.Fatalf("%d of the previous run's digests under the old key taken for the new key's (%v)", prev, err)
	}
	sumB, err := batch.Run(ctx, st, in, batch.Options{Chunk: 1000, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := postsOf(t, st, sumA.RunID)
	b, _ := postsOf(t, st, sumB.RunID)
	if want := recountDiff(sumA.RunID, a, b); sumB.Report.Diff != want || want.Unchanged == 0 || want.NewPosts == 0 {
		t.Fatalf("diff across keys %+v; recounted %+v (want some unchanged and some new)", sumB.Report.Diff, want)
	}
	sumC, err := batch.Run(ctx, st, in, batch.Options{Config: off, Chunk: 1000, Log: quiet(), Resume: batch.ResumeNever})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := postsOf(t, st, sumC.RunID)
	if want := recountDiff(sumB.RunID, b, c); sumC.Report.Diff != want || want.Unchanged == 0 || want.NewPosts+want.Reordered == 0 {
		t.Fatalf("diff under the new key %+v; recounted %+v", sumC.Report.Diff, want)
	}
}

// TestRunReport: a run with the capacity pass off, then one with it on. The
// second run's report, read back from the store, agrees with the lists
// themselves: the diff against the first run recounted here, the items the
// capacity pass moved are exactly those flagged in their reasons (the
// first run is the relevance-only list), coverage sums to the run; and its
// words explain the Gini coefficient, never say "overflow" and name the
// lower mean score as the price paid.
func TestRunReport(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	off := batch.DefaultConfig()
	off.Capacity.K = 0
	sumA, err := batch.Run(ctx, st, in, batch.Options{Config: off, Chunk: 1000, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if d := sumA.Report.Diff; d.Previous != "" || d.Compared != 0 {
		t.Fatalf("the first run's diff: %+v", d)
	}
	sumB, err := batch.Run(ctx, st, in, batch.Options{Chunk: 1000, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.RunReport(ctx, sumB.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Summary {
		t.Log(s)
	}
	for _, s := range rep.SummaryEN {
		t.Log(s)
	}
	a, _ := postsOf(t, st, sumA.RunID)
	b, reasons := postsOf(t, st, sumB.RunID)

	// The diff, recounted.
	moved := 0
	for gid, now := range b {
		before, ok := a[gid]
		if !ok {
			continue
		}
		for _, p := range now {
			if !slices.Contains(before, p) {
				moved++
			}
			flagged := slices.ContainsFunc(reasons[gid][p], func(r string) bool { return strings.HasPrefix(r, "分散推荐") })
			if flagged == slices.Contains(before, p) {
				t.Fatalf("graduate %s, post %s: flagged %v, in the relevance-only list %v", gid, p, flagged, slices.Contains(before, p))
			}
		}
	}
	if want := recountDiff(sumA.RunID, a, b); rep.Diff != want || want.Unchanged == 0 {
		t.Fatalf("diff %+v; recounted %+v (want some unchanged)", rep.Diff, want)
	}
	if rep.Moved != moved || moved == 0 || rep.Diff.NewPosts == 0 {
		t.Fatalf("moved %d, recounted %d (want some); graduates with new posts %d", rep.Moved, moved, rep.Diff.NewPosts)
	}

	// Coverage adds up to the run.
	slots, grads := 0, 0
	for _, c := range rep.Channels {
		slots += c.Slots
	}
	for _, d := range rep.Districts {
		grads += d.Graduates
	}
	if slots != rep.After.Slots || grads != rep.Graduates || rep.Graduates != sumB.Graduates || len(rep.Channels) < 3 || len(rep.Districts) < 3 {
		t.Fatalf("coverage: %d slots (after: %d), %d graduates over districts (run: %d), %d channels, %d districts",
			slots, rep.After.Slots, grads, rep.Graduates, len(rep.Channels), len(rep.Districts))
	}

	// The words.
	zh, en := strings.Join(rep.Summary, "\n"), strings.Join(rep.SummaryEN, "\n")
	if !strings.Contains(zh, "基尼系数：0 表示") || !strings.Contains(en, "Gini coefficient: 0 every post") {
		t.Errorf("the Gini coefficient is not explained:\n%s\n%s", zh, en)
	}
	if strings.Contains(strings.ToLower(zh+en), "overflow") {
		t.Errorf("the summary says overflow:\n%s", en)
	}
	if rep.After.MeanScore < rep.Before.MeanScore && (!strings.Contains(zh, "平均匹配分由") || !strings.Contains(zh, "代价") || !strings.Contains(en, "the price paid")) {
		t.Errorf("the lower mean score is not named as the price paid:\n%s", zh)
	}
	if !strings.Contains(zh, "与上一批次 "+sumA.RunID) {
		t.Errorf("the summary does not compare with the previous run %s", sumA.RunID)
	}
}

// digestsSeen is a store that says when a run's digests have been read:
// the window between that read and the report's read of the lists that
// changed is the one a prune must not cut.
type digestsSeen struct {
	matcher.FullStore
	read chan struct{}
}

func (s *digestsSeen) EachRunListDigest(ctx context.Context, runID string, fn func(string, []byte, []string) error) error {
	err := s.FullStore.EachRunListDigest(ctx, runID, fn)
	close(s.read)
	return err
}

// TestRunDiffHoldsPrevious: two newer runs are published while a run
// computes, after it read the previous run's digests, and a prune keeping
// two runs follows — another process's `runs prune`. The previous run is
// kept (being read) until the run's report has compared the lists that
// changed with it, so the report is made and counts as the lists do; the
// next prune takes it.
func TestRunDiffHoldsPrevious(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) matcher.FullStore
	}{{"bolt", openBolt}, {"postgres", openPostgres}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			base := tc.open(t)
			fill(t, base)
			in := load(t, base)
			off := batch.DefaultConfig()
			off.Capacity.K = 0
			sumA, err := batch.Run(ctx, base, in, batch.Options{Config: off, Chunk: 1000, Log: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			a, _ := postsOf(t, base, sumA.RunID)
			st := &digestsSeen{FullStore: base, read: make(chan struct{})}
			var during *matcher.PruneResult
			hook := func(int) error {
				if during != nil {
					return nil
				}
				<-st.read
				for _, id := range []string{"newer-1", "newer-2"} {
					if err := base.CreateRun(ctx, &matcher.Run{ID: id, StartedAt: time.Now()}); err != nil {
						return err
					}
					if err := base.PublishRun(ctx, id); err != nil {
						return err
					}
				}
				var err error
				during, err = base.PruneRuns(ctx, 2, false)
				return err
			}
			sumB, err := batch.Run(ctx, st, in, batch.Options{Chunk: 100, Log: quiet(), AfterChunk: hook})
			if err != nil {
				t.Fatal(err)
			}
			if during == nil || len(during.Pruned) != 0 || !slices.Contains(during.Kept, matcher.KeptRun{ID: sumA.RunID, Reason: matcher.KeepReading}) {
				t.Fatalf("prune while run %s computed: %+v (want run %s kept as being read)", sumB.RunID, during, sumA.RunID)
			}
			b, _ := postsOf(t, base, sumB.RunID)
			if want := recountDiff(sumA.RunID, a, b); sumB.Report.Diff != want || want.NewPosts == 0 || want.Unchanged == 0 {
				t.Fatalf("diff %+v; recounted %+v (want some unchanged, some with new posts)", sumB.Report.Diff, want)
			}
			after, err := base.PruneRuns(ctx, 2, false)
			if err != nil || !slices.Contains(prunedIDs(after), sumA.RunID) {
				t.Fatalf("prune after the run: %+v %v (want run %s pruned, no longer held)", after, err, sumA.RunID)
			}
		})
	}
}

func prunedIDs(r *matcher.PruneResult) []string {
	var out []string
	for _, p := range r.Pruned {
		out = append(out, p.ID)
	}
	return out
}
