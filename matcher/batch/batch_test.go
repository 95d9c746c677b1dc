package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// smallData is a generated data set small enough for a test run but with
// the generator's real shape: every channel, internships, courses,
// hardship graduates and every graduate status.
var (
	dataOnce sync.Once
	dataDir  string
	dataErr  error
	segOnce  sync.Once
	seg      *index.Segmenter
	segErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

func tempDir() (string, error) { return os.MkdirTemp("", "jobmatch-batch-") }

func smallOptions() synth.Options {
	return synth.Options{Seed: 11, Posts: 500, Internships: 40, Courses: 60, Graduates: 500, DuplicateShare: 0.01, Now: synth.DefaultNow}
}

var decisionTime = synth.DefaultNow.Add(12 * time.Hour)

func segmenter(t testing.TB) *index.Segmenter {
	t.Helper()
	segOnce.Do(func() { seg, segErr = index.DefaultSegmenter() })
	if segErr != nil {
		t.Fatal(segErr)
	}
	return seg
}

// fill imports the small data set into st through the real importer.
func fill(t testing.TB, st matcher.FullStore) {
	t.Helper()
	dataOnce.Do(func() {
		dataDir, dataErr = tempDir()
		if dataErr == nil {
			dataErr = synth.Generate(dataDir, smallOptions())
		}
	})
	if dataErr != nil {
		t.Fatal(dataErr)
	}
	im := &ingest.Importer{Store: st, Analyzer: segmenter(t), Log: quiet(), Now: func() time.Time { return decisionTime }}
	for _, entity := range []string{"posts", "courses", "graduates"} {
		if _, err := im.Import(context.Background(), entity, []string{filepath.Join(dataDir, entity+".csv")}); err != nil {
			t.Fatalf("import %s: %v", entity, err)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func load(t testing.TB, st matcher.FullStore) *batch.Inputs {
	t.Helper()
	in, err := batch.Load(context.Background(), st, engine.Options{Analyzer: segmenter(t), Now: decisionTime})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func openBolt(t testing.TB) matcher.FullStore {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t testing.TB) matcher.FullStore {
	t.Helper()
	st := pgtest.Open(t)
	return st
}

// runLists reads every active graduate's list of the published run.
func runLists(t testing.TB, st matcher.FullStore, ids []string) (string, map[string][]matcher.StoredRecommendation) {
	t.Helper()
	out := map[string][]matcher.StoredRecommendation{}
	var runID string
	for _, id := range ids {
		rid, items, err := st.RecommendationsFor(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if runID != "" && rid != runID {
			t.Fatalf("graduate %s read from run %s, others from %s", id, rid, runID)
		}
		runID = rid
		out[id] = items
	}
	return runID, out
}

func activeGraduates(t testing.TB, st matcher.FullStore) (active, inactive []matcher.Graduate) {
	t.Helper()
	cfg := batch.DefaultConfig()
	err := st.EachGraduate(context.Background(), matcher.GraduateFilter{}, func(g *matcher.Graduate) error {
		if slices.Contains(cfg.ActiveStatuses, g.Status) {
			active = append(active, *g)
		} else {
			inactive = append(inactive, *g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return active, inactive
}

func ids(gs []matcher.Graduate) []string {
	out := make([]string, len(gs))
	for i := range gs {
		out[i] = gs[i].ID
	}
	slices.Sort(out)
	return out
}

var errKilled = errors.New("killed")

// failingStore fails SaveRecommendations from its failAt-th call on, before
// anything is written: a crash inside the chunk's transaction.
type failingStore struct {
	matcher.FullStore
	mu     sync.Mutex
	calls  int
	failAt int
}

func (f *failingStore) SaveRecommendations(ctx context.Context, runID string, recs []matcher.GraduateRecommendations) error {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if n >= f.failAt {
		return errKilled
	}
	return f.FullStore.SaveRecommendations(ctx, runID, recs)
}

func TestRunBolt(t *testing.T)     { exerciseRun(t, openBolt(t)) }
func TestRunPostgres(t *testing.T) { exerciseRun(t, openPostgres(t)) }

// exerciseRun is the whole life of nightly runs on one store: a complete
// run; a second run killed after a chunk while a reader checks it still
// sees the first; a resume killed again inside a chunk's transaction; a
// final resume that publishes lists identical to the uninterrupted run's.
func exerciseRun(t *testing.T, st matcher.FullStore) {
	ctx := context.Background()
	fill(t, st)
	in := load(t, st)
	active, inactive := activeGraduates(t, st)
	if len(active) < 100 || len(inactive) == 0 {
		t.Fatalf("data set: %d active, %d inactive graduates; want ≥ 100 and > 0", len(active), len(inactive))
	}
	activeIDs := ids(active)
	opt := batch.Options{Limit: 8, Chunk: 60, Workers: 2, Log: quiet()}

	// 1. An uninterrupted run.
	sum1, err := batch.Run(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run: %s", sum1)
	if sum1.Graduates != len(active) || sum1.Computed != len(active) || sum1.Resumed {
		t.Fatalf("summary %+v; want %d graduates computed, not resumed", sum1, len(active))
	}
	saved, err := st.RunGraduateIDs(ctx, sum1.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(saved, activeIDs) {
		t.Fatalf("run saved %d graduates, want exactly the %d active ones", len(saved), len(activeIDs))
	}
	latest, err := st.LatestRun(ctx)
	if err != nil || latest.ID != sum1.RunID || latest.Status != matcher.RunPublished {
		t.Fatalf("latest run %+v, %v; want %s published", latest, err, sum1.RunID)
	}
	run1, lists1 := runLists(t, st, activeIDs)
	checkLists(t, in, active, lists1)

	// 2. A second run of the same day, killed after its second chunk. A
	// reader during the run sees the first run, whole.
	var readerErr error
	probe := activeIDs[0] // saved by the second run's first chunk
	opt2 := opt
	opt2.AfterChunk = func(saved int) error {
		rid, items, err := st.RecommendationsFor(ctx, probe)
		switch {
		case err != nil:
			readerErr = err
		case rid != run1:
			readerErr = errors.New("reader saw run " + rid + " during the run; want " + run1)
		case !sameList(items, lists1[probe]):
			readerErr = errors.New("reader's list changed during the run")
		}
		if r, err := st.LatestRun(ctx); err != nil || r.ID != run1 {
			readerErr = errors.Join(readerErr, errors.New("latest run moved during the run"))
		}
		if saved >= 2*opt.Chunk {
			return errKilled
		}
		return nil
	}
	if _, err := batch.Run(ctx, st, in, opt2); !errors.Is(err, errKilled) {
		t.Fatalf("killed run returned %v; want the kill", err)
	}
	if readerErr != nil {
		t.Fatal(readerErr)
	}
	if r, err := st.LatestRun(ctx); err != nil || r.ID != run1 {
		t.Fatalf("after the kill the latest run is %v (%v); want %s", r, err, run1)
	}

	// 3. Resumed, and killed again inside the transaction of its second chunk.
	fs := &failingStore{FullStore: st, failAt: 2}
	sum3, err := batch.Run(ctx, fs, in, opt)
	if !errors.Is(err, errKilled) || sum3 != nil {
		t.Fatalf("second kill returned %v; want the kill", err)
	}
	if r, _ := st.LatestRun(ctx); r.ID != run1 {
		t.Fatalf("latest run %s after the second kill; want %s", r.ID, run1)
	}

	// 4. Resumed to the end: the same lists as the uninterrupted run.
	var progressed []int
	opt4 := opt
	opt4.Progress = func(done, total int) { progressed = append(progressed, done) }
	sum4, err := batch.Run(ctx, st, in, opt4)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("resumed run: %s", sum4)
	if !sum4.Resumed || sum4.Skipped != 3*opt.Chunk || sum4.Computed != len(active)-3*opt.Chunk {
		t.Fatalf("resume: resumed %v, skipped %d, computed %d; want resumed after %d saved", sum4.Resumed, sum4.Skipped, sum4.Computed, 3*opt.Chunk)
	}
	if sum4.RunID == run1 {
		t.Fatalf("the resumed run reused the first run's id %s", run1)
	}
	if len(progressed) == 0 || progressed[0] != sum4.Skipped || progressed[len(progressed)-1] != len(active) {
		t.Fatalf("progress went %v…; want from %d to %d", progressed[:min(3, len(progressed))], sum4.Skipped, len(active))
	}
	run2, lists2 := runLists(t, st, activeIDs)
	if run2 != sum4.RunID {
		t.Fatalf("readers see run %s after publishing %s", run2, sum4.RunID)
	}
	diff := 0
	for _, id := range activeIDs {
		if !sameList(lists1[id], lists2[id]) {
			diff++
		}
	}
	if diff > 0 {
		t.Fatalf("%d of %d graduates' lists differ between the uninterrupted run and the killed-and-resumed one", diff, len(activeIDs))
	}
	// Inactive graduates are in no run.
	for _, g := range inactive[:min(20, len(inactive))] {
		if _, items, err := st.RecommendationsFor(ctx, g.ID); err != nil || len(items) != 0 {
			t.Fatalf("inactive graduate (status %q) has %d items, %v", g.Status, len(items), err)
		}
	}

	// 5. --resume with nothing to resume is an error; an unfinished run
	// whose inputs changed gives way to a new run.
	strict := opt
	strict.Resume = batch.ResumeRequired
	if _, err := batch.Run(ctx, st, in, strict); matcher.ErrorCode(err) != matcher.ENOTFOUND {
		t.Fatalf("--resume without an unfinished run: %v; want not found", err)
	}
	killed := opt
	killed.AfterChunk = func(int) error { return errKilled }
	if _, err := batch.Run(ctx, st, in, killed); !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	g := active[len(active)/2]
	g.ExpectedSalary += 500
	if _, err := st.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	if _, err := batch.Run(ctx, st, in, strict); matcher.ErrorCode(err) != matcher.ECONFLICT {
		t.Fatalf("--resume of a run whose inputs changed: %v; want a conflict", err)
	}
	sum5, err := batch.Run(ctx, st, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum5.Resumed || sum5.Computed != len(active) {
		t.Fatalf("after an input change: resumed %v, computed %d; want a fresh run of %d", sum5.Resumed, sum5.Computed, len(active))
	}
}

func sameList(a, b []matcher.StoredRecommendation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].PostID != b[i].PostID || a[i].Rank != b[i].Rank || a[i].Kind != b[i].Kind || a[i].Score != b[i].Score {
			return false
		}
	}
	return true
}

// checkLists holds every stored list to what the API and the policy expect:
// items are matcher.Item JSON whose rank is the stored rank, posts are open
// and unique, hardship (一人一策) lists have posts_min..posts_max posts and at
// least courses_min courses.
func checkLists(t *testing.T, in *batch.Inputs, active []matcher.Graduate, lists map[string][]matcher.StoredRecommendation) {
	t.Helper()
	pol := in.Engine.Policy().Shortlist
	hardship, withCourses, oneChannel, spread := 0, 0, 0, 0
	for i := range active {
		g := &active[i]
		var posts, courses int
		seen := map[string]bool{}
		stored := lists[g.ID]
		for _, sr := range stored {
			if sr.Plan {
				continue // the 一人一策 proposal's extras: checked below
			}
			var it matcher.Item
			if err := json.Unmarshal(sr.Item, &it); err != nil {
				t.Fatalf("graduate %s: item %s: %v", g.ID, sr.PostID, err)
			}
			if it.PostID != sr.PostID || it.Rank != sr.Rank || it.Kind != sr.Kind || it.Score != sr.Score || len(it.Reasons) == 0 {
				t.Fatalf("graduate %s: stored %+v does not match its item %+v", g.ID, sr, it)
			}
			if seen[sr.PostID] {
				t.Fatalf("graduate %s: %s listed twice", g.ID, sr.PostID)
			}
			seen[sr.PostID] = true
			if sr.Kind == matcher.KindCourse {
				courses++
				continue
			}
			posts++
			if sr.Rank != posts {
				t.Fatalf("graduate %s: post ranks not 1..n: %d at position %d", g.ID, sr.Rank, posts)
			}
			if _, ok := in.Engine.Post(sr.PostID); !ok {
				t.Fatalf("graduate %s: %s is not an open post", g.ID, sr.PostID)
			}
		}
		full := in.Engine.Policy()
		prop, found, err := casework.ProposalFromRun(stored)
		if err != nil {
			t.Fatalf("graduate %s: proposal: %v", g.ID, err)
		}
		if matcher.PlanGraduate(g, &full) {
			hardship++
			if posts < pol.PostsMin || posts > pol.PostsMax || courses != 0 {
				t.Errorf("hardship graduate %s: %d posts, %d courses in the list; want %d..%d and none", g.ID, posts, courses, pol.PostsMin, pol.PostsMax)
			}
			if !found || len(prop.Posts) < posts {
				t.Fatalf("hardship graduate %s: proposal found %v with %d posts", g.ID, found, len(prop.Posts))
			}
			short := slices.ContainsFunc(prop.Notes, func(n string) bool { return strings.Contains(n, "培训课程") })
			if len(prop.Courses) < pol.CoursesMin && !short {
				t.Errorf("hardship graduate %s: %d courses proposed and no note why; want ≥ %d", g.ID, len(prop.Courses), pol.CoursesMin)
			}
			for _, it := range slices.Concat(prop.Posts, prop.Internships) {
				if _, ok := in.Engine.Post(it.PostID); !ok {
					t.Fatalf("hardship graduate %s: proposed %s is not an open post", g.ID, it.PostID)
				}
			}
			if len(prop.Courses) > 0 {
				withCourses++
			}
			// Spread across channels by the online rule: the run stored
			// the alternates casework.Alternates finds for its posts.
			want, err := casework.Alternates(in.Engine, g, prop.Posts)
			if err != nil {
				t.Fatal(err)
			}
			if prop.Alternates == nil || !slices.Equal(itemIDs(prop.Alternates), itemIDs(want)) {
				t.Errorf("hardship graduate %s: the run's alternates %v; the online rule finds %v", g.ID, itemIDs(prop.Alternates), itemIDs(want))
			}
			channels := map[matcher.Channel]bool{}
			for _, it := range prop.Posts {
				channels[it.Channel] = true
			}
			if len(channels) == 1 {
				oneChannel++
			}
			if len(prop.Alternates) > 0 {
				spread++
			}
		} else if found || courses != 0 || posts > 8 {
			t.Errorf("graduate %s: %d posts, %d courses; want ≤ 8 posts and no courses", g.ID, posts, courses)
		}
	}
	// Only courses that fit are proposed (for the major, filling a gap of
	// the plan's posts, or entrepreneurship training for 创业意向); the
	// generator's small course list fits about two in three, and those
	// without say why (checked above).
	t.Logf("%d hardship graduates: %d proposals of one channel, %d with alternates of other channels stored", hardship, oneChannel, spread)
	if oneChannel > 0 && spread == 0 {
		t.Errorf("%d proposals of one channel and not one alternate stored", oneChannel)
	}
	if hardship == 0 || withCourses < hardship/2 {
		t.Fatalf("%d hardship graduates, %d with proposed courses; want some, most with courses", hardship, withCourses)
	}
}

// TestCapacitySpreading runs the same data with the capacity pass off (k =
// 0: the engine's lists by relevance alone) and on (the default policy) and
// checks that the pass spreads exposure: fewer lists per place at the most
// crowded post, fewer posts over
// their budget, a lower Gini, for a bounded loss of mean relevance.
func TestCapacitySpreading(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	off := batch.DefaultConfig()
	off.Capacity.K = 0
	sumOff, err := batch.Run(ctx, st, in, batch.Options{Config: off, Chunk: 1000, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	sumOn, err := batch.Run(ctx, st, in, batch.Options{Chunk: 1000, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("capacity off: %s", sumOff)
	t.Logf("capacity on:  %s", sumOn)
	t.Logf("most shown before: %+v; after: %+v", sumOn.Before.Top, sumOn.After.Top)
	// With the pass off, Before and After are the same lists.
	if sumOff.Before.Max != sumOff.After.Max || sumOff.Before.Gini != sumOff.After.Gini || sumOff.Before.MeanScore != sumOff.After.MeanScore {
		t.Fatalf("k = 0 changed the lists: %+v vs %+v", sumOff.Before, sumOff.After)
	}
	// The relevance-only lists of the run with the pass on are the run
	// without it.
	if sumOn.Before.Max != sumOff.After.Max || sumOn.Before.Slots != sumOff.After.Slots {
		t.Fatalf("relevance-only lists differ between runs: %+v vs %+v", sumOn.Before, sumOff.After)
	}
	b, a := sumOn.Before, sumOn.After
	// Exposure is spread in proportion to places, so the measure is lists
	// per place: a post with 20 places may rightly be in more lists after
	// the pass than a one-place post was before it.
	t.Logf("max lists per place %.1f → %.1f; max lists per post %d → %d", b.MaxPerPlace, a.MaxPerPlace, b.Max, a.Max)
	if a.MaxPerPlace >= b.MaxPerPlace {
		t.Errorf("max lists per place %.1f → %.1f; want lower", b.MaxPerPlace, a.MaxPerPlace)
	}
	if a.OverCapacity >= b.OverCapacity {
		t.Errorf("posts over k×places %d → %d; want fewer", b.OverCapacity, a.OverCapacity)
	}
	if a.Gini >= b.Gini {
		t.Errorf("Gini %.3f → %.3f; want lower", b.Gini, a.Gini)
	}
	if a.Slots < b.Slots*95/100 {
		t.Errorf("slots %d → %d: the pass must not empty lists", b.Slots, a.Slots)
	}
	if loss := sumOn.RelevanceLoss / b.MeanScore; loss < 0 || loss > 0.15 {
		t.Errorf("relevance loss %.1f%% of the mean score; want within 0..15%%", 100*loss)
	}
}

// TestRelevanceOnlyPickIsTheEngineList checks the re-ranking's premise: with
// no discount, choosing n items from the engine's deeper candidate list
// under the engine's channel shares gives the engine's own list of n.
func TestRelevanceOnlyPickIsTheEngineList(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	// Budgets no post reaches: no discount, so the published lists are the
	// relevance-only choice from the deeper candidate lists.
	loose := batch.DefaultConfig()
	loose.Capacity.K = 1e9
	if _, err := batch.Run(ctx, st, in, batch.Options{Config: loose, Chunk: 1000, Log: quiet()}); err != nil {
		t.Fatal(err)
	}
	active, _ := activeGraduates(t, st)
	_, lists := runLists(t, st, ids(active))
	same := 0
	for i := range active {
		g := &active[i]
		n := 8
		if g.IsHardship() {
			pol := in.Engine.Policy().Shortlist
			n = min(max(n, pol.PostsMin), pol.PostsMax)
		}
		res, err := in.Engine.Recommend(g, matcher.Query{Limit: n})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, sr := range lists[g.ID] {
			if !sr.Plan && sr.Kind != matcher.KindCourse {
				got = append(got, sr.PostID)
			}
		}
		var want []string
		for _, it := range res.Items {
			want = append(want, it.PostID)
		}
		if slices.Equal(got, want) {
			same++
		}
	}
	t.Logf("%d of %d relevance-only lists equal the engine's Recommend(limit n)", same, len(active))
	if same != len(active) {
		t.Fatalf("%d of %d lists differ from the engine's", len(active)-same, len(active))
	}
}

// itemIDs are the items' post IDs, in order.
func itemIDs(items []matcher.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.PostID)
	}
	return out
}
