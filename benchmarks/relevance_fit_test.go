package benchmarks

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/matcher/engine/fit"
)

// fitFeatures are the features whose weights are fitted on the judged
// pairs: what makes a post fit a graduate. The graduate's preferences
// (district, salary, channel) cannot be fitted on profiles that state
// none, and freshness, places and the military priority say nothing about
// fit: they keep their hand-set weights and only reorder fitting posts
// (engine.Weights.FitThreshold).
var fitFeatures = []string{"text", "major", "occupation", "skills", "certificates", "degree", "experience", "entry", "licence"}

const weightsFile = "../matcher/engine/weights.json"

// fitPresumedZero is how many unjudged random posts a dev profile adds to
// the fit as presumed not relevant; relRandomSeedOffset skips the first
// draws of the profile's random sequence, which are its judged
// calibration posts.
const (
	fitPresumedZero     = 150
	relRandomSeedOffset = 4
)

// TestRelevanceFitWeights fits the engine's weights on the judged pairs of
// the DEV profiles only (package fit: pairwise logistic loss, L-BFGS, L2
// chosen by cross-validation over dev profiles), measures the fitted
// weights on both splits with the same harness as TestRealRelevance, and
// writes them with those figures to matcher/engine/weights.json:
//
//	JOBMATCH_RELEVANCE_FIT=1 go test ./benchmarks -run TestRelevanceFitWeights -v
//
// The held-out profiles are never read by the fit: their figures are
// measured after it and written beside the weights.
func TestRelevanceFitWeights(t *testing.T) {
	if os.Getenv("JOBMATCH_RELEVANCE_FIT") != "1" {
		t.Skip("set JOBMATCH_RELEVANCE_FIT=1 to fit matcher/engine/weights.json on the development set")
	}
	d := loadRelData(t)
	eng := relEngine(t, engine.Weights{})
	var lists []fit.JudgedPosts
	nPosts, nIneligible, nPresumed := 0, 0, 0
	for _, p := range d.profiles {
		if p.split != splitDev {
			continue // held out: never fitted on
		}
		var ids []string
		var grades []int
		for ext, g := range d.judged[p.id] {
			ids = append(ids, d.posts[d.byExt[ext]].ID)
			grades = append(grades, g)
		}
		// The judged posts were pooled from rankers' top lists, so they are
		// mostly posts some ranker thought fit; the collection is mostly
		// posts that do not. Posts drawn at random and not judged stand for
		// the rest, presumed 0: of the 132 random calibration posts judged,
		// 3 were plausible and none fitted.
		for _, ext := range randomPicks(d, p, fitPresumedZero+relRandomSeedOffset)[relRandomSeedOffset:] {
			if _, ok := d.judged[p.id][ext]; ok {
				continue
			}
			ids = append(ids, d.posts[d.byExt[ext]].ID)
			grades = append(grades, 0)
			nPresumed++
		}
		xs, err := eng.FeatureVectors(&p.grad, ids)
		if err != nil {
			t.Fatal(err)
		}
		var l fit.JudgedPosts
		for i, x := range xs {
			nPosts++
			if x == nil {
				nIneligible++ // the rules exclude it: no list can hold it
				continue
			}
			l.X = append(l.X, x)
			l.Grades = append(l.Grades, grades[i])
		}
		lists = append(lists, l)
	}
	base := engine.DefaultWeights()
	rep, err := fit.Weights(lists, fit.Options{Fit: fitFeatures, Base: base})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fitted on %d dev profiles, %d posts (%d of them unjudged random posts presumed 0; %d excluded by the rules), %d pairs: L2 %g (cross-validated pair accuracy %v), pair accuracy %.3f, threshold %.4f\nweights %v",
		len(lists), nPosts, nPresumed, nIneligible, rep.Pairs, rep.L2, rep.CVAccuracy, rep.PairAccuracy, rep.Threshold, rep.Weights)

	w := base
	w.Weights = rep.Weights
	w.FitThreshold = rep.Threshold
	fitted := relEngine(t, w)
	bm25 := bm25Ranker(t, d, "bm25", "", plainPosts(d.posts, false))
	rankers := []relRanker{engineRanker(d, "jobmatch", "", fitted), bm25}
	ranked := make([]map[string][]string, len(rankers))
	for i, r := range rankers {
		ranked[i] = map[string][]string{}
		for _, p := range d.profiles {
			l, err := r.rank(p, relK)
			if err != nil {
				t.Fatal(err)
			}
			ranked[i][p.id] = l
		}
	}
	res := relReport(d, rankers, ranked)
	t.Log("\n" + res.table)
	fig := map[string]float64{
		"dev_profiles": float64(len(lists)), "dev_posts": float64(nPosts), "dev_presumed_zero": float64(nPresumed), "dev_pairs": float64(rep.Pairs),
		"l2": rep.L2, "dev_pair_accuracy": round3(rep.PairAccuracy), "dev_cv_pair_accuracy": round3(rep.CVAccuracy[rep.L2]),
	}
	for i, name := range []string{"jobmatch", "bm25"} {
		for _, split := range []string{splitDev, splitHeldOut} {
			s := res.scores[i][split]
			fig[fmt.Sprintf("%s_%s_p8", split, name)] = round3(s.mean(s.p8))
			fig[fmt.Sprintf("%s_%s_ndcg8", split, name)] = round3(s.mean(s.ndcg))
			if name == "jobmatch" {
				fig[fmt.Sprintf("%s_%s_unjudged", split, name)] = float64(s.unjudged)
			}
		}
	}
	w.Figures = fig
	w.Version = "fit-dev-" + fmt.Sprint(d.nJudged)
	w.Doc = "Linear scoring weights for matcher/engine: fit score = sum(weight[f] * feature[f]) over every feature but the preferences (district, salary, channel, fresh, places), every feature in [0,1]; a post whose fit score reaches fit_threshold adds the preferences' share, so preferences reorder fitting posts and never lift one that does not fit. Unknown keys are rejected, missing keys weigh 0. To re-learn from outcomes (applications, hires), fit the same way on (graduate, post, outcome) pairs."
	w.Fit = fmt.Sprintf("Fitted by `JOBMATCH_RELEVANCE_FIT=1 go test ./benchmarks -run TestRelevanceFitWeights -v` (package matcher/engine/fit): weights of %s chosen on the judged pairs of the dev profiles of benchmarks/testdata/relevance only, plus 150 unjudged random posts per dev profile presumed not relevant (pairwise logistic loss weighted by NDCG gain differences, every profile counting the same, L2 chosen by 5-fold cross-validation over profiles, gonum L-BFGS); the others hand-set. fit_threshold: the fit score at which a post is as likely plausible as not (logistic calibration on the same pairs); preferences reorder only posts above it. figures: measured after the fit with TestRealRelevance's harness (held-out profiles never used for fitting; unjudged items count as 0).",
		strings.Join(fitFeatures, ", "))
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.ParseWeights(b); err != nil {
		t.Fatalf("fitted weights do not parse: %v", err)
	}
	if err := os.WriteFile(weightsFile, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", weightsFile)
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// relEngine builds a jobmatch engine over the real posts with weights w
// (the zero value: the embedded defaults), as TestRealRelevance does.
func relEngine(tb testing.TB, w engine.Weights) *engine.Engine {
	tb.Helper()
	d := loadRelData(tb)
	seg, err := index.DefaultSegmenter()
	if err != nil {
		tb.Fatal(err)
	}
	e, err := engine.New(d.posts, nil, engine.Options{Analyzer: seg, Now: relNow, Weights: w})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
