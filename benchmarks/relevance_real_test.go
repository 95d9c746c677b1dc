package benchmarks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// Regression floors for jobmatch on the real-post development set, per
// split: the figures measured when the set was built (benchmarks/RESULTS.md,
// "Relevance on real posts (issue 8)"), rounded down. A matcher change that
// falls below them fails. Raise them as the matcher improves; the issue's
// targets on the held-out split are precision@8 ≥ 0.85 and NDCG@8 ≥ 1.2 ×
// the BM25 baseline. Judging more posts can lower NDCG@8 with no matcher
// change (a newly found grade-2 post raises the ideal DCG): when a
// deepening of the set does, re-measure and restate the floor in the same
// commit as the judgments, with jobmatch's code unchanged.
var relFloors = map[string]struct{ p8, ndcg8 float64 }{
	splitDev:     {p8: 0.87, ndcg8: 0.72}, // measured 0.881 / 0.724 (1,636 judged pairs, word classifier in the importer)
	splitHeldOut: {p8: 0.87, ndcg8: 0.77}, // measured 0.875 / 0.774
}

// maxUnjudgedHeldOut is the share of jobmatch's held-out top-8 items that
// may be unjudged: above it the figures mean little (unjudged counts as 0),
// so a matcher change that surfaces new posts must have them judged first
// (JOBMATCH_RELEVANCE_POOL writes them out; GUIDE.md says how).
const maxUnjudgedHeldOut = 0.05

const relK = 8

// TestRealRelevance is issue 8's evaluation: jobmatch against a plain BM25
// text search on 16,654 real posts, for the fresh-graduate profiles of
// testdata/relevance, judged by reading the posts (GUIDE.md). It runs in
// every `go test ./...` when the shared data is present: ../shared, or
// JOBMATCH_SHARED; with JOBMATCH_REQUIRE_SHARED=1 its absence fails it.
//
//	JOBMATCH_RELEVANCE_POOL=DIR   write the unjudged items of every ranker's
//	                              top 20 (+ random calibration posts) as a
//	                              blind pool to judge (DIR/pool.tsv, and
//	                              DIR/pool-read.txt with the posts' text —
//	                              never commit that one)
//	JOBMATCH_RELEVANCE_RESULTS=1  rewrite the section of RESULTS.md
func TestRealRelevance(t *testing.T) {
	d := loadRelData(t)
	t0 := time.Now()
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	// jobmatch and the baseline always; the two other pooling rankers only
	// when pooling or writing RESULTS.md (they double the setup time).
	all := os.Getenv("JOBMATCH_RELEVANCE_POOL") != "" || os.Getenv("JOBMATCH_RELEVANCE_RESULTS") == "1" || os.Getenv("JOBMATCH_RELEVANCE_ALL") == "1"
	newEngine := func(w engine.Weights) *engine.Engine {
		e, err := engine.New(d.posts, nil, engine.Options{Analyzer: seg, Now: relNow, Weights: w})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	var rankers []relRanker
	var timings []string
	timed := func(name string, mk func() relRanker) {
		t0 := time.Now()
		rankers = append(rankers, mk())
		timings = append(timings, fmt.Sprintf("%s %s", name, time.Since(t0).Round(time.Millisecond)))
	}
	timed("jobmatch", func() relRanker {
		return engineRanker(d, "jobmatch", "jobmatch, default weights: `Recommend` as a portal asks for it", newEngine(engine.Weights{}))
	})
	timed("bm25", func() relRanker {
		return bm25Ranker(t, d, "bm25", "BM25 baseline: bleve (index package, gse analyzer, on disk) over the employer's text (title, employer, description), query = major + skills + certificates, no filter", plainPosts(d.posts, false))
	})
	if all {
		timed("bm25-title", func() relRanker {
			return bm25Ranker(t, d, "bm25-title", "BM25 over titles and employers only, same query (pooling only)", plainPosts(d.posts, true))
		})
		timed("occupation", func() relRanker {
			return engineRanker(d, "occupation", "jobmatch with the occupation feature alone (weight 1, every other 0), eligibility rules on (pooling only)",
				newEngine(engine.Weights{Weights: map[string]float64{"occupation": 1}}))
		})
	}
	build := time.Since(t0)

	depth := envInt("JOBMATCH_RELEVANCE_POOL_DEPTH", 20)
	ranked := make([]map[string][]string, len(rankers)) // ranker → profile → list
	t1 := time.Now()
	for i, r := range rankers {
		ranked[i] = map[string][]string{}
		for _, p := range d.profiles {
			l, err := r.rank(p, depth)
			if err != nil {
				t.Fatalf("%s for %s: %v", r.name, p.id, err)
			}
			ranked[i][p.id] = l
		}
	}
	rankTime := time.Since(t1)

	if dir := os.Getenv("JOBMATCH_RELEVANCE_POOL"); dir != "" {
		if err := writePool(d, rankers, ranked, dir, envInt("JOBMATCH_RELEVANCE_POOL_RANDOM", 4)); err != nil {
			t.Fatal(err)
		}
	}

	rep := relReport(d, rankers, ranked)
	t.Logf("data %s (%d posts, %d profiles, %d judged pairs), engines and indexes %s (%s), ranking %s, load average %s",
		d.load.Round(time.Millisecond), len(d.posts), len(d.profiles), d.nJudged, build.Round(time.Millisecond), strings.Join(timings, ", "), rankTime.Round(time.Millisecond), loadAvg())
	t.Log("\n" + rep.table)
	for _, u := range rep.unjudged {
		t.Log(u)
	}
	if os.Getenv("JOBMATCH_RELEVANCE_RESULTS") == "1" {
		sec := relSection(d, rankers, ranked, rep, build+d.load, rankTime)
		if err := replaceSection("RESULTS.md", "## Relevance on real posts (issue 8)", sec); err != nil {
			t.Fatal(err)
		}
	}

	// The gates: enough of jobmatch's held-out list judged, and no
	// regression below the floors.
	jm := rep.scores[0]
	for _, split := range []string{splitDev, splitHeldOut} {
		s := jm[split]
		if s.lists == 0 {
			t.Fatalf("no %s profiles", split)
		}
		share := float64(s.unjudged) / float64(s.lists*relK)
		if split == splitHeldOut && share > maxUnjudgedHeldOut {
			t.Errorf("%d of jobmatch's %d held-out top-%d items (%.1f%%) are unjudged (> %.0f%%): judge them first (JOBMATCH_RELEVANCE_POOL, see %s/GUIDE.md)",
				s.unjudged, s.lists*relK, relK, 100*share, 100*maxUnjudgedHeldOut, relDir)
		}
		f := relFloors[split]
		if s.mean(s.p8) < f.p8 || s.mean(s.ndcg) < f.ndcg8 {
			t.Errorf("jobmatch on %s: P@8 %.3f, NDCG@8 %.3f, below the floor %.3f / %.3f", split, s.mean(s.p8), s.mean(s.ndcg), f.p8, f.ndcg8)
		}
	}
}

// realScore accumulates one ranker's metrics over one split's profiles.
type realScore struct {
	lists                int
	p8, p8strict, ndcg   float64
	unjudged, shortLists int
	perProfileNDCG       map[string]float64
}

func (s realScore) mean(x float64) float64 {
	if s.lists == 0 {
		return 0
	}
	return x / float64(s.lists)
}

// gain is NDCG's gain for a grade: 2^g − 1, so 0, 1, 3.
func gain(g int) float64 { return math.Exp2(float64(g)) - 1 }

// idealDCG is the DCG@k of the profile's judged posts in grade order: the
// best list that could be made from everything judged for it.
func idealDCG(grades map[string]int) float64 {
	gs := make([]int, 0, len(grades))
	for _, g := range grades {
		gs = append(gs, g)
	}
	slices.Sort(gs)
	slices.Reverse(gs)
	dcg := 0.0
	for i := 0; i < relK && i < len(gs); i++ {
		dcg += gain(gs[i]) / math.Log2(float64(i+2))
	}
	return dcg
}

type relResult struct {
	scores   []map[string]*realScore // ranker → split → score
	table    string
	unjudged []string
}

func relReport(d *relData, rankers []relRanker, ranked []map[string][]string) relResult {
	var res relResult
	for i, r := range rankers {
		bySplit := map[string]*realScore{splitDev: {perProfileNDCG: map[string]float64{}}, splitHeldOut: {perProfileNDCG: map[string]float64{}}}
		for _, p := range d.profiles {
			s := bySplit[p.split]
			grades := d.judged[p.id]
			l := ranked[i][p.id]
			l = l[:min(relK, len(l))]
			if len(l) < relK {
				s.shortLists++
			}
			var rel, strict, dcg float64
			var missing []string
			for pos, post := range l {
				g, ok := grades[post]
				if !ok {
					missing = append(missing, post)
				}
				if g >= 1 {
					rel++
				}
				if g == 2 {
					strict++
				}
				dcg += gain(g) / math.Log2(float64(pos+2))
			}
			ndcg := 0.0
			if ideal := idealDCG(grades); ideal > 0 {
				ndcg = dcg / ideal
			}
			s.lists++
			s.p8 += rel / relK
			s.p8strict += strict / relK
			s.ndcg += ndcg
			s.perProfileNDCG[p.id] = ndcg
			s.unjudged += len(missing)
			if len(missing) > 0 {
				res.unjudged = append(res.unjudged, fmt.Sprintf("unjudged in %s's top %d for %s (%s): %s", r.name, relK, p.id, p.split, strings.Join(missing, " ")))
			}
		}
		res.scores = append(res.scores, bySplit)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| ranker | split | profiles | P@8 (grade ≥ 1) | P@8 (grade 2) | NDCG@8 | unjudged in top 8 |\n|---|---|---|---|---|---|---|\n")
	for _, split := range []string{splitHeldOut, splitDev} {
		for i, r := range rankers {
			s := res.scores[i][split]
			fmt.Fprintf(&b, "| %s | %s | %d | %.3f | %.3f | %.3f | %d of %d |\n", r.name, split, s.lists, s.mean(s.p8), s.mean(s.p8strict), s.mean(s.ndcg), s.unjudged, s.lists*relK)
		}
	}
	res.table = b.String()
	return res
}

// randomPicks are a profile's calibration posts: n posts drawn with a seed
// fixed by the profile's ID, so the same ones come back on every run.
func randomPicks(d *relData, p *relProfile, n int) []string {
	var seed uint64
	for _, c := range []byte(p.id) {
		seed = seed*131 + uint64(c)
	}
	r := rand.New(rand.NewPCG(seed, 8))
	out := make([]string, 0, n)
	for range n {
		out = append(out, d.posts[r.IntN(len(d.posts))].ExternalID)
	}
	return out
}

// writePool writes the unjudged (profile, post) pairs of every ranker's
// list (at the depth ranked) and of the random calibration picks, blind:
// grouped by profile so a judge keeps one graduate in mind, shuffled
// within it, with no ranker named. pool.tsv is in judgments.tsv's format
// with the grade left empty; pool-read.txt holds the text to read.
func writePool(d *relData, rankers []relRanker, ranked []map[string][]string, dir string, nRandom int) error {
	readChars := envInt("JOBMATCH_RELEVANCE_POOL_CHARS", 700)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var tsv, txt strings.Builder
	tsv.WriteString(strings.Join(judgmentHeader, "\t") + "\n")
	n := 0
	for _, p := range d.profiles {
		seen := map[string]bool{}
		var pairs []string
		add := func(post string) {
			if _, ok := d.judged[p.id][post]; ok || seen[post] || post == "" {
				return
			}
			seen[post] = true
			pairs = append(pairs, post)
		}
		for i := range rankers {
			for _, post := range ranked[i][p.id] {
				add(post)
			}
		}
		for _, post := range randomPicks(d, p, nRandom) {
			add(post)
		}
		if len(pairs) == 0 {
			continue
		}
		r := rand.New(rand.NewPCG(uint64(len(pairs)), uint64(time.Now().UnixNano())))
		r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
		fmt.Fprintf(&txt, "######## PROFILE %s: %s %s, skills %s, certificates %s\n\n", p.id, p.grad.Degree, p.grad.Major,
			strings.Join(p.grad.Skills, "、"), strings.Join(p.grad.Certificates, "、"))
		for _, post := range pairs {
			n++
			fmt.Fprintf(&tsv, "%s\t%s\t\t\n", p.id, post)
			pp := &d.posts[d.byExt[post]]
			desc := strings.Join(strings.Fields(pp.Description), " ")
			if r := []rune(desc); len(r) > readChars {
				desc = string(r[:readChars]) + "…"
			}
			fmt.Fprintf(&txt, "[%d] %s | %s | %s | 学历 %s | 经验 %s | %s\n%s\n\n", n, p.id, post, pp.Title, pp.DegreeMin, pp.Experience, pp.Employer, desc)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "pool.tsv"), []byte(tsv.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "pool-read.txt"), []byte(txt.String()), 0o644)
}

// relSection is the RESULTS.md section.
func relSection(d *relData, rankers []relRanker, ranked []map[string][]string, rep relResult, setup, rankTime time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Relevance on real posts (issue 8)\n\n")
	fmt.Fprintf(&b, "Reproduce: `JOBMATCH_RELEVANCE_RESULTS=1 go test ./benchmarks -run TestRealRelevance -v` (the test itself runs in every `go test ./...` when the shared data is present: ../shared or JOBMATCH_SHARED). Machine: %s, %d cores, shared (load average %s). Setup (read %d posts, build the engines and the bleve indexes) %s, ranking %d profiles × %d rankers %s.\n\n",
		cpuModel(), runtime.NumCPU(), loadAvg(), len(d.posts), setup.Round(100*time.Millisecond), len(d.profiles), len(rankers), rankTime.Round(10*time.Millisecond))
	b.WriteString(rep.table)
	jm, bl := rep.scores[0][splitHeldOut], rep.scores[1][splitHeldOut]
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "not met"
	}
	ratio := jm.mean(jm.ndcg) / max(bl.mean(bl.ndcg), 1e-9)
	fmt.Fprintf(&b, "\nAgainst the issue's targets on the held-out split, in this run: jobmatch P@8 %.3f (target ≥ 0.85: %s); NDCG@8 %.3f against BM25's %.3f, %.2f× (target ≥ 1.2×: %s). What changed and what is still wrong: the section after this one.\n",
		jm.mean(jm.p8), met(jm.mean(jm.p8) >= 0.85), jm.mean(jm.ndcg), bl.mean(bl.ndcg), ratio, met(ratio >= 1.2))
	b.WriteString("\nRankers:\n\n")
	for _, r := range rankers {
		fmt.Fprintf(&b, "- `%s`: %s\n", r.name, r.what)
	}
	b.WriteString(poolComposition(d, rankers, ranked))
	return b.String()
}

// poolComposition describes the judged set: its size, its grades, and
// what each ranker's top 8 (and the random picks) contribute to it.
func poolComposition(d *relData, rankers []relRanker, ranked []map[string][]string) string {
	var grades [3]int
	for _, m := range d.judged {
		for _, g := range m {
			grades[g]++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nThe judged set (`benchmarks/testdata/relevance/judgments.tsv`, judged blind by reading each post by the guide in `GUIDE.md`, whose judging record gives the self-consistency check): %d (profile, post) pairs over %d profiles; grade 2: %d, grade 1: %d, grade 0: %d. NDCG@8 uses gains 0/1/3 (2^grade − 1) and, as the ideal, the profile's judged posts in grade order; an unjudged post counts as 0.\n\n",
		d.nJudged, len(d.profiles), grades[2], grades[1], grades[0])
	b.WriteString("| source | pairs in its top 8 (all profiles) | judged | of them grade ≥ 1 | found by no other source |\n|---|---|---|---|---|\n")
	type key struct{ p, post string }
	sources := map[key]int{}
	lists := make([]map[key]bool, 0, len(rankers)+1)
	for i := range rankers {
		set := map[key]bool{}
		for _, p := range d.profiles {
			l := ranked[i][p.id]
			for _, post := range l[:min(relK, len(l))] {
				set[key{p.id, post}] = true
			}
		}
		lists = append(lists, set)
	}
	rnd := map[key]bool{}
	for _, p := range d.profiles {
		for _, post := range randomPicks(d, p, 4) {
			rnd[key{p.id, post}] = true
		}
	}
	lists = append(lists, rnd)
	for _, set := range lists {
		for k := range set {
			sources[k]++
		}
	}
	for i, set := range lists {
		name := "random (4 a profile)"
		if i < len(rankers) {
			name = rankers[i].name
		}
		var judged, rel, unique int
		for k := range set {
			g, ok := d.judged[k.p][k.post]
			if ok {
				judged++
				if g >= 1 {
					rel++
				}
			}
			if sources[k] == 1 {
				unique++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", name, len(set), judged, rel, unique)
	}
	return b.String()
}
