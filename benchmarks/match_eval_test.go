package benchmarks

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// TestMatchEvaluation is issue 3's evaluation on the generator's data set:
// the zero-violations property over every generated graduate, relevance
// against BM25 and random baselines, latency against the exhaustive scorer,
// and resident memory. It writes the "## Matching core (issue 3)" section
// of RESULTS.md. It takes several minutes: JOBMATCH_MATCH_EVAL=1 runs it.
func TestMatchEvaluation(t *testing.T) {
	if os.Getenv("JOBMATCH_MATCH_EVAL") != "1" {
		t.Skip("matching evaluation: set JOBMATCH_MATCH_EVAL=1 to run it")
	}
	if testing.Short() {
		t.Skip("matching evaluation: runs on the full data set, not with -short")
	}
	d := loadMatchData(t)
	var b strings.Builder
	fmt.Fprintf(&b, "## Matching core (issue 3)\n\n")
	fmt.Fprintf(&b, "Data: `synth.DefaultOptions()` (seed 2023): %d posts, %d courses, %d graduates read through `convert.PostFromRow`/`CourseFromRow`/`GraduateFromRow` (%d rows rejected); decision time %s; analyzer: `index.DefaultSegmenter()` (gse). Machine: %s, %d cores, shared with the other sessions' builds (load average at start: %s). Reproduce: `JOBMATCH_MATCH_EVAL=1 go test ./benchmarks -run TestMatchEvaluation -v -timeout 60m`.\n\n",
		len(d.posts), len(d.courses), len(d.graduates), d.rejected, d.now.Format(time.RFC3339), cpuModel(), runtime.NumCPU(), loadAvg())

	// Memory and build time first, on a quiet heap.
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	eng := d.engine(t, engine.Weights{})
	build := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	resident := float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / (1 << 20)
	fmt.Fprintf(&b, "### Resident memory and build\n\n`engine.New` over %d posts and %d courses: %.1f MiB live heap after GC (goal ≤ 300 MiB; the posts themselves, which the engine copies, are part of it), built in %s (segmentation with gse is most of it).\n\n",
		eng.Len(), len(d.courses), resident, build.Round(time.Millisecond))
	t.Logf("engine: %.1f MiB, built in %s", resident, build)

	// JOBMATCH_MATCH_EVAL_ONLY=relevance (or eligibility, latency) runs one
	// part and leaves RESULTS.md alone: for tuning.
	only := os.Getenv("JOBMATCH_MATCH_EVAL_ONLY")
	for _, part := range []struct {
		name string
		run  func(*testing.T, *strings.Builder, *matchData, *engine.Engine)
	}{{"eligibility", eligibilitySection}, {"relevance", relevanceSection}, {"latency", latencySection}} {
		if only == "" || only == part.name {
			part.run(t, &b, d, eng)
		}
	}
	if only != "" {
		return
	}

	if err := replaceSection("RESULTS.md", "## Matching core (issue 3)", b.String()); err != nil {
		t.Fatal(err)
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// eligibilitySection: every item returned for every graduate passes every
// rule as checkEligible reads them.
func eligibilitySection(t *testing.T, b *strings.Builder, d *matchData, eng *engine.Engine) {
	queries := []matcher.Query{{}, {Kind: matcher.KindInternship}}
	byID := make(map[string]*matcher.Post, len(d.posts))
	for i := range d.posts {
		byID[d.posts[i].ID] = &d.posts[i]
	}
	var checked, empty, violations atomic.Int64
	var mu sync.Mutex
	var examples []string
	excluded := map[string]int{}
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[string]int{}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(d.graduates) {
					break
				}
				g := &d.graduates[i]
				for _, q := range queries {
					res, err := eng.Recommend(g, q)
					if err != nil {
						t.Error(err)
						return
					}
					if len(res.Items) == 0 && q.Kind == "" {
						empty.Add(1)
					}
					if q.Kind == "" {
						for r, n := range res.Excluded {
							local[r] += n
						}
					}
					for _, it := range res.Items {
						checked.Add(1)
						p := byID[it.PostID]
						if rule := checkEligible(g, p, d.policy, d.now); rule != "" {
							violations.Add(1)
							mu.Lock()
							if len(examples) < 10 {
								examples = append(examples, fmt.Sprintf("%s ← %s (%s)", g.ID, p.ID, rule))
							}
							mu.Unlock()
						}
					}
				}
			}
			mu.Lock()
			for r, n := range local {
				excluded[r] += n
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(t0)
	fmt.Fprintf(b, "### Eligibility: zero violations\n\nEvery one of the %d graduates asked for jobs+internships (limit 8) and for internships alone; each of the %d items returned re-checked against every rule by `checkEligible` (benchmarks/match_rules_test.go, an independent reading of the rules that shares no code with package matcher): **%d violations**. %d graduates had no eligible job or internship at all. %d requests in %s.\n\n",
		len(d.graduates), checked.Load(), violations.Load(), empty.Load(), 2*len(d.graduates), took.Round(time.Second))
	fmt.Fprintf(b, "Exclusions per rule, summed over all graduates (jobs+internships): ")
	names := matcher.RuleNames()
	var parts []string
	for _, r := range names {
		if excluded[r] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, excluded[r]))
		}
	}
	fmt.Fprintf(b, "%s.\n\n", strings.Join(parts, ", "))
	if violations.Load() > 0 {
		t.Errorf("%d eligibility violations, e.g. %v", violations.Load(), examples)
	}
	if checked.Load() < int64(len(d.graduates)) {
		t.Errorf("only %d items checked over %d graduates", checked.Load(), len(d.graduates))
	}
}

// --- relevance ---------------------------------------------------------------------

// judge grades a post for a graduate from the national catalogues alone:
// 2 when the post's occupation (CSCO 2022, as ingest classified its title)
// is one of the occupations the graduate's major leads to, or under or
// above one of them; 1 when it shares the 中类 (level 2) with one; 0 else.
func judge(majorOccs []string, postOcc string) int {
	if postOcc == "" {
		return 0
	}
	chain := func(c string) []string {
		out := []string{c}
		for p := catalog.ParentOccupation(c); p != ""; p = catalog.ParentOccupation(p) {
			out = append(out, p)
		}
		return out
	}
	pc := chain(postOcc)
	best := 0
	for _, mo := range majorOccs {
		mc := chain(mo)
		if slices.Contains(pc, mo) || slices.Contains(mc, postOcc) {
			return 2
		}
		if len(postOcc) >= 4 && len(mo) >= 4 && postOcc[:4] == mo[:4] {
			best = 1
		}
	}
	return best
}

// givesAway reports whether the post's own text names the answer: it lists
// majors, or its title or description mentions the graduate's major or its
// 专业类.
func givesAway(p *matcher.Post, m catalog.Major) bool {
	if len(p.Majors) > 0 || len(p.MajorCodes) > 0 {
		return true
	}
	text := p.Title + p.Description
	for _, w := range append([]string{m.Name, m.ClassName, strings.TrimSuffix(m.ClassName, "类")}, m.Aliases...) {
		if len([]rune(w)) >= 2 && strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func dcg(grades []int) float64 {
	s := 0.0
	for i, g := range grades {
		s += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	return s
}

type relScore struct {
	name              string
	ndcg, p8, p8loose float64
	lists             int
	shortLists        int
}

func (r *relScore) add(grades []int, ideal []int) {
	if len(grades) > 8 {
		grades = grades[:8]
	}
	if len(grades) < 8 {
		r.shortLists++
	}
	id := dcg(ideal)
	if id > 0 {
		r.ndcg += dcg(grades) / id
	}
	for _, g := range grades {
		if g == 2 {
			r.p8 += 1.0 / 8
		}
		if g >= 1 {
			r.p8loose += 1.0 / 8
		}
	}
	r.lists++
}

func profileText(g *matcher.Graduate) string {
	return strings.Join(append(append([]string{g.Major}, g.Skills...), g.Certificates...), " ")
}

func relevanceSection(t *testing.T, b *strings.Builder, d *matchData, eng *engine.Engine) {
	ctx := context.Background()
	n := envInt("JOBMATCH_MATCH_EVAL_GRADUATES", 1000)
	// Graduates whose major the catalogue links to occupations.
	var pool []*matcher.Graduate
	for i := range d.graduates {
		g := &d.graduates[i]
		if m, ok := majorOf(g); ok && len(m.Occupations) > 0 {
			pool = append(pool, g)
		}
	}
	r := rand.New(rand.NewPCG(3, 8))
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	// The first 300 of this shuffle chose the default weights among three
	// hand-set candidates; the report uses the graduates after them.
	const tuning = 300
	sample := pool[min(tuning, len(pool)):min(tuning+n, len(pool))]
	if os.Getenv("JOBMATCH_MATCH_EVAL_TUNING") == "1" {
		sample = pool[:min(tuning, len(pool))]
	}

	// BM25: the same posts in a bleve index with the gse analyzer.
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.Now = func() time.Time { return d.now }
	t0 := time.Now()
	if err := ix.IndexPostsAt(d.posts, d.now); err != nil {
		t.Fatal(err)
	}
	t.Logf("bleve index of %d posts in %s", len(d.posts), time.Since(t0))

	noOcc := engine.DefaultWeights()
	noOcc.Weights = maps(noOcc.Weights)
	noOcc.Weights["occupation"] = 0
	textOnly := engine.Weights{Weights: map[string]float64{"text": 1}}
	variants := []struct {
		name string
		eng  *engine.Engine
	}{
		{"jobmatch (default weights)", eng},
		{"jobmatch without the occupation feature", d.engine(t, noOcc)},
		{"jobmatch text feature only (tf-idf cosine, gse)", d.engine(t, textOnly)},
	}
	if path := os.Getenv("JOBMATCH_MATCH_EVAL_WEIGHTS"); path != "" {
		w, err := engine.LoadWeights(path)
		if err != nil {
			t.Fatal(err)
		}
		variants = append(variants, struct {
			name string
			eng  *engine.Engine
		}{"jobmatch with " + path, d.engine(t, w)})
	}
	scores := make([]relScore, len(variants)+3)
	for i, v := range variants {
		scores[i].name = v.name
	}
	scores = append(scores, relScore{name: "ideal ranking (ceiling)"})
	unmixed, bm25, rnd, oracle := &scores[len(variants)], &scores[len(variants)+1], &scores[len(variants)+2], &scores[len(variants)+3]
	unmixed.name = "jobmatch scores alone (default weights, before the channel mix)"
	bm25.name, rnd.name = "BM25 only (bleve match query of the profile text)", "random eligible posts"

	// The channel mix, seen on what a graduate is served: the list of 8
	// (default query) against the top 8 of the scores alone.
	chanOf := map[string]matcher.Channel{}
	for i := range d.posts {
		chanOf[d.posts[i].ID] = d.posts[i].Channel
	}
	var served, alone mixStats
	judged, poolSizes := 0, 0
	for gi, g := range sample {
		m, _ := majorOf(g)
		// The judgeable, eligible pool, its ideal grades and a random draw.
		var ideal []int
		grade := map[string]int{}
		var all []string
		for i := range d.posts {
			p := &d.posts[i]
			if p.Occupation == "" || givesAway(p, m) || checkEligible(g, p, d.policy, d.now) != "" {
				continue
			}
			gr := judge(m.Occupations, p.Occupation)
			grade[p.ID] = gr
			all = append(all, p.ID)
			ideal = append(ideal, gr)
		}
		if len(all) < 8 || !slices.ContainsFunc(ideal, func(g int) bool { return g > 0 }) {
			continue // nothing to find: NDCG is undefined
		}
		judged++
		poolSizes += len(all)
		slices.SortFunc(ideal, func(a, b int) int { return b - a })
		ideal = ideal[:8]
		pick := func(ids []string) []int {
			var out []int
			for _, id := range ids {
				if gr, ok := grade[id]; ok {
					out = append(out, gr)
					if len(out) == 8 {
						break
					}
				}
			}
			return out
		}
		for i, v := range variants {
			res, err := v.eng.Recommend(g, matcher.Query{Limit: 400, PerEmployer: 400})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range res.Items {
				ids = append(ids, it.PostID)
			}
			scores[i].add(pick(ids), ideal)
		}
		unmixedIDs := unmixedRanking(t, eng, g, 400)
		unmixed.add(pick(unmixedIDs), ideal)
		res8, err := eng.Recommend(g, matcher.Query{Limit: 8})
		if err != nil {
			t.Fatal(err)
		}
		var ids8 []string
		for _, it := range res8.Items {
			ids8 = append(ids8, it.PostID)
		}
		served.add(g, ids8, chanOf)
		alone.add(g, unmixedIDs[:min(8, len(unmixedIDs))], chanOf)
		sr, err := ix.Search(ctx, index.Query{Text: profileText(g), Limit: index.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range sr.Hits {
			ids = append(ids, h.ID)
		}
		bm25.add(pick(ids), ideal)
		rr := rand.New(rand.NewPCG(uint64(gi), 42))
		perm := rr.Perm(len(all))[:8]
		var rids []string
		for _, k := range perm {
			rids = append(rids, all[k])
		}
		rnd.add(pick(rids), ideal)
		oracle.add(ideal, ideal)
	}
	if judged == 0 {
		t.Fatal("no graduate could be judged")
	}
	fmt.Fprintf(b, "### Relevance\n\nJudge (independent of the rankers' code): the national catalogues alone. A post is **relevant (grade 2)** when its CSCO 2022 occupation (as ingest's classifier read the title) is one of the occupations the graduate's major leads to in matcher/catalog/majors.csv, or under or above one of them; **grade 1** when it shares the 中类 (level 2); 0 otherwise. Only posts whose text does not give the answer away are judged: posts that list majors, or whose title or description mentions the graduate's major, its aliases or its 专业类, are left out, as are posts without an occupation, and posts the graduate is not eligible for. Each ranker ranks everything (jobmatch: top 400 without the per-employer cap; BM25: top %d hits); its list is then cut to the judgeable posts and the first 8 are scored. Ideal DCG from the graduate's whole judgeable eligible pool (mean %d posts). %d graduates sampled (seeded) among those whose major the catalogue links to occupations, held out from the 300 on which the default weights were chosen among three hand-set candidates; %d had at least 8 judgeable eligible posts, one of them relevant, and are scored.\n\n",
		index.MaxLimit, poolSizes/judged, len(sample), judged)
	fmt.Fprintf(b, "| ranker | NDCG@8 | precision@8 (grade 2) | precision@8 (grade ≥ 1) | lists shorter than 8 |\n|---|---|---|---|---|\n")
	for _, s := range scores {
		fmt.Fprintf(b, "| %s | %.3f | %.3f | %.3f | %d |\n", s.name, s.ndcg/float64(s.lists), s.p8/float64(s.lists), s.p8loose/float64(s.lists), s.shortLists)
		t.Logf("%s: NDCG@8 %.3f P@8 %.3f", s.name, s.ndcg/float64(s.lists), s.p8/float64(s.lists))
	}
	fmt.Fprintf(b, "\nThe channel mix on the lists of 8 a graduate is served (`Recommend`, limit 8, default query) against the top 8 of the scores alone, over the same %d graduates:\n\n| list | mean distinct channels in the top 8 | share of items from a preferred channel (graduates with preferences) |\n|---|---|---|\n", judged)
	for _, m := range []struct {
		name string
		s    *mixStats
	}{{"jobmatch as served (channel mix)", &served}, {"jobmatch scores alone (before the mix)", &alone}} {
		fmt.Fprintf(b, "| %s | %.2f | %.3f |\n", m.name, m.s.distinct/float64(max(m.s.lists, 1)), float64(m.s.preferred)/float64(max(m.s.prefItems, 1)))
		t.Logf("%s: %.2f distinct channels in the top 8, preferred share %.3f", m.name, m.s.distinct/float64(max(m.s.lists, 1)), float64(m.s.preferred)/float64(max(m.s.prefItems, 1)))
	}
	fmt.Fprintf(b, "\nThe jobmatch rows rank as the engine serves a list: channels mixed by the graduate's preferred channels at every prefix of the list, so a longer list begins with the shorter one (matcher/doc.go, \"The channel mix\": the preferred channels are owed half the list, split by rank, as floors; no channel holds more than ⌈3i/5⌉ of the first i items; and both may only place a post scoring within 25%% of the best open one). The row \"scores alone\" is the same engine's ranking before that mix (each channel's list, where a channel filter turns the mix off, merged by score): the scorer's own relevance.\n")
	fmt.Fprintf(b, "\nThe trade-off. This judge ignores channels, so any mix can only cost NDCG here; what it buys is lists that show the channels a graduate asked for and more than one kind of employer. The generated graduates mostly prefer public_sector or state_owned, which hold few of their occupationally fitting posts, while sme holds four posts in five. The previous prefix-stable rule used hard shares (preferred channels by rank, each channel not named at most a quarter of every prefix): on these same held-out graduates it gave NDCG@8 0.436 (barely above BM25's 0.395), 2.88 distinct channels in the top 8 and 69.5%% of items from a preferred channel, because it filled a quarter-capped list with posts that did not fit. The rule now gates every floor and the dominance cap by fit: a preferred channel with no post within 25%% of the best forces nothing in, so the preferred share rises only a little over the scores alone (the channel feature already lifts preferred posts within the scorer), and the visible mix comes mostly from the dominance cap, which lets a second channel in where it has a post nearly as good. The tolerance was chosen on the 300 tuning graduates (NDCG@8 / distinct channels in the top 8: scores alone 0.850 / 1.24; tolerance 15%% 0.831 / 1.54; 25%% 0.797 / 1.74; 35%% 0.727 / 1.98) as the point where the mix is clearly visible and the list keeps most of the scorer's fit.\n")
	fmt.Fprintf(b, "\nCaveat, stated plainly: the judge and jobmatch's occupation feature read the same catalogue link (major → occupations), so part of jobmatch's lead is that feature agreeing with the judge by construction. The second row removes that feature (and with it the affinity learned from what posts ask for): the remaining preference features (district, salary, channel) then outweigh the text signal and pull the list away from occupational fit, which is why the default weights put fit first. The third row isolates the text signal: tf-idf cosine over gse terms is close to, and a little below, bleve's BM25 on the same text.\n\n")
	if scores[0].ndcg <= bm25.ndcg {
		t.Errorf("jobmatch NDCG@8 %.3f does not beat BM25 %.3f", scores[0].ndcg/float64(scores[0].lists), bm25.ndcg/float64(bm25.lists))
	}
}

// mixStats counts, over lists of at most 8, the distinct channels and the
// items from a channel the graduate named.
type mixStats struct {
	lists                int
	distinct             float64
	prefItems, preferred int
}

func (m *mixStats) add(g *matcher.Graduate, ids []string, chanOf map[string]matcher.Channel) {
	seen := map[matcher.Channel]bool{}
	for _, id := range ids {
		c := chanOf[id]
		seen[c] = true
		if len(g.PreferredChannels) > 0 {
			m.prefItems++
			if slices.Contains(g.PreferredChannels, c) {
				m.preferred++
			}
		}
	}
	m.lists++
	m.distinct += float64(len(seen))
}

// unmixedRanking is eng's ranking for g before the channel mix: each
// channel's list (a channel filter turns the mix off; no per-employer cap)
// merged by score, ties by post ID as the engine breaks them.
func unmixedRanking(t *testing.T, eng *engine.Engine, g *matcher.Graduate, limit int) []string {
	var items []matcher.Item
	for _, c := range matcher.Channels {
		res, err := eng.Recommend(g, matcher.Query{Channel: c, Limit: limit, PerEmployer: limit})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, res.Items...)
	}
	slices.SortFunc(items, func(a, b matcher.Item) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.PostID, b.PostID)
	})
	var ids []string
	for _, it := range items[:min(limit, len(items))] {
		ids = append(ids, it.PostID)
	}
	return ids
}

func maps(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func majorOf(g *matcher.Graduate) (catalog.Major, bool) {
	loadClassIdx()
	if m, ok := majorIdx[g.MajorCode]; ok {
		return m, true
	}
	return catalog.MajorByName(g.Major)
}

// --- latency --------------------------------------------------------------------------

// threadCPU is the calling OS thread's CPU time: on a machine shared with
// other builds, wall time measures the neighbours as much as the matcher.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

type latency struct{ wall, cpu []time.Duration }

func measure(eng *engine.Engine, grads []matcher.Graduate, n int, exhaustive bool) (latency, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var l latency
	for i := range n {
		g := &grads[(i*7919)%len(grads)]
		w0, c0 := time.Now(), threadCPU()
		var err error
		if exhaustive {
			_, err = eng.RecommendExhaustive(g, matcher.Query{})
		} else {
			_, err = eng.Recommend(g, matcher.Query{})
		}
		l.cpu = append(l.cpu, threadCPU()-c0)
		l.wall = append(l.wall, time.Since(w0))
		if err != nil {
			return l, err
		}
	}
	slices.Sort(l.wall)
	slices.Sort(l.cpu)
	return l, nil
}

func pct(ds []time.Duration, p float64) string {
	return ms(ds[min(len(ds)-1, int(float64(len(ds))*p))])
}

func latencySection(t *testing.T, b *strings.Builder, d *matchData, eng *engine.Engine) {
	n := envInt("JOBMATCH_MATCH_EVAL_REQUESTS", 2000)
	fmt.Fprintf(b, "### Latency\n\nOne graduate's top 8 (`Recommend`, jobs+internships, default query), %d requests over random graduates, one goroutine; wall time and the request's own thread CPU time (`CLOCK_THREAD_CPUTIME_ID`; the machine is shared, so wall time includes waiting for a core). Baseline: `RecommendExhaustive`, the exact scorer (every post scored by a per-post sparse merge, no inverted index, the whole eligible list sorted), whose output a unit test holds identical. Load average before: %s.\n\n", n, loadAvg())
	fmt.Fprintf(b, "| posts | scorer | wall p50 | wall p99 | CPU p50 | CPU p99 |\n|---|---|---|---|---|---|\n")
	row := func(label string, e *engine.Engine, exhaustive bool, n int) latency {
		l, err := measure(e, d.graduates, n, exhaustive)
		if err != nil {
			t.Fatal(err)
		}
		kind := "jobmatch (inverted index, per-channel heaps)"
		if exhaustive {
			kind = "exhaustive exact baseline"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", label, kind, pct(l.wall, 0.5), pct(l.wall, 0.99), pct(l.cpu, 0.5), pct(l.cpu, 0.99))
		t.Logf("%s %s: wall p50 %s p99 %s, cpu p50 %s p99 %s", label, kind, pct(l.wall, 0.5), pct(l.wall, 0.99), pct(l.cpu, 0.5), pct(l.cpu, 0.99))
		return l
	}
	row(fmt.Sprint(eng.Len()), eng, false, n)
	row(fmt.Sprint(eng.Len()), eng, true, n/4)

	// 250,000 posts: the data set ten times over (new IDs, the same text).
	big := make([]matcher.Post, 0, 10*len(d.posts))
	for k := range 10 {
		for _, p := range d.posts {
			p.ID = fmt.Sprintf("%s#%d", p.ID, k)
			big = append(big, p)
		}
	}
	t0 := time.Now()
	e10, err := engine.New(big, nil, engine.Options{Analyzer: d.seg, Policy: d.policy, Now: d.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("250k engine built in %s", time.Since(t0))
	row(fmt.Sprint(e10.Len()), e10, false, n/2)
	row(fmt.Sprint(e10.Len()), e10, true, n/20)
	fmt.Fprintf(b, "\nGoals: 25,000 posts p50 ≤ 5 ms, p99 ≤ 20 ms; 250,000 posts p99 ≤ 60 ms. The 250,000-post engine is the generated set ten times over under new IDs.\n")
}
