package fit

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// JudgedPosts is one graduate's judged posts, the material the weights
// are fitted on: each post's feature vector (FeatureNames order, as
// FeatureVectors returns it) and a person's grade (0 not, 1 plausible,
// 2 fits; benchmarks/testdata/relevance/GUIDE.md).
type JudgedPosts struct {
	X      [][]float64
	Grades []int
}

// Options say what Weights fits and how.
type Options struct {
	// Fit names the features whose weights are fitted; every other feature
	// keeps its weight in Base. Preferences (district, salary, channel)
	// cannot be fitted on profiles that state none and stay hand-set.
	Fit []string
	// Base gives the weights of the features not fitted.
	Base engine.Weights
	// L2 lists the regularisation strengths to choose among by
	// cross-validation over graduates; nil uses DefaultL2.
	L2 []float64
	// Folds is the number of folds of graduates for that choice (default 5).
	Folds int
}

// DefaultL2 are the regularisation strengths Weights tries.
var DefaultL2 = []float64{1e-4, 1e-3, 1e-2, 1e-1}

// Report is the outcome of Weights.
type Report struct {
	Weights map[string]float64 // every feature: fitted ones and Base's
	L2      float64            // the strength chosen
	// Pairs is the number of ordered pairs (two posts of one graduate with
	// different grades) the loss runs over.
	Pairs int
	// PairAccuracy is the pair-weighted share of those pairs the fitted
	// weights order right (ties count half), on all graduates.
	PairAccuracy float64
	// CVAccuracy is, per strength tried, the same share on graduates left
	// out of the fit (mean over folds).
	CVAccuracy map[float64]float64
	// Threshold is the fit score at which a post becomes more likely
	// plausible (grade ≥ 1) than not, from a logistic calibration of the
	// fit score against the grades: the line below which preferences may
	// not lift a post (Weights.FitThreshold).
	Threshold float64
}

// pair is one ordered pair: post a was graded above post b.
type pair struct {
	dx []float64 // x_a − x_b over the fitted features
	c  float64   // weight: the NDCG gain difference, normalised per graduate
}

// Weights chooses weights for the fitted features by minimising a
// pairwise logistic loss over the judged pairs — for two posts of one
// graduate graded differently, log(1 + e^−(w·(x_a − x_b))) — weighted by
// the difference of their NDCG gains (2^grade − 1) and normalised so that
// every graduate counts the same, plus an L2 penalty whose strength is
// chosen by cross-validation over graduates. Weights stay non-negative
// (w = softplus(θ)), as ParseWeights demands: every feature is oriented
// so that more is better. The optimiser is gonum's L-BFGS; the fit is
// deterministic for the same input.
func Weights(lists []JudgedPosts, o Options) (Report, error) {
	idx, err := fitIndexes(o.Fit)
	if err != nil {
		return Report{}, err
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	l2s := o.L2
	if l2s == nil {
		l2s = DefaultL2
	}
	per := make([][]pair, len(lists))
	n := 0
	for i, l := range lists {
		if len(l.X) != len(l.Grades) {
			return Report{}, fmt.Errorf("fit: graduate %d: %d vectors, %d grades", i, len(l.X), len(l.Grades))
		}
		per[i] = pairsOf(l, idx)
		n += len(per[i])
	}
	if n == 0 {
		return Report{}, errors.New("fit: no pair of posts with different grades")
	}
	rep := Report{Pairs: n, CVAccuracy: map[float64]float64{}}
	bestAcc := -1.0
	for _, l2 := range l2s {
		var acc float64
		for f := 0; f < o.Folds; f++ {
			var train, test []pair
			for i, ps := range per {
				if i%o.Folds == f {
					test = append(test, ps...)
				} else {
					train = append(train, ps...)
				}
			}
			w, err := minimisePairs(train, len(idx), l2)
			if err != nil {
				return Report{}, err
			}
			acc += pairAccuracy(test, w)
		}
		acc /= float64(o.Folds)
		rep.CVAccuracy[l2] = acc
		if acc > bestAcc+1e-12 {
			bestAcc, rep.L2 = acc, l2
		}
	}
	var all []pair
	for _, ps := range per {
		all = append(all, ps...)
	}
	w, err := minimisePairs(all, len(idx), rep.L2)
	if err != nil {
		return Report{}, err
	}
	rep.PairAccuracy = pairAccuracy(all, w)
	rep.Weights = map[string]float64{}
	for k, v := range o.Base.Weights {
		rep.Weights[k] = v
	}
	for j, i := range idx {
		rep.Weights[engine.FeatureNames[i]] = round4(w[j])
	}
	rep.Threshold = calibrateThreshold(lists, idx, w)
	return rep, nil
}

func fitIndexes(names []string) ([]int, error) {
	if len(names) == 0 {
		return nil, errors.New("fit: no feature to fit")
	}
	var idx []int
	for _, n := range names {
		i := slices.Index(engine.FeatureNames[:], n)
		if i < 0 {
			return nil, fmt.Errorf("fit: unknown feature %q", n)
		}
		if !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	return idx, nil
}

func pairsOf(l JudgedPosts, idx []int) []pair {
	var ps []pair
	var total float64
	for a := range l.X {
		for b := range l.X {
			if l.Grades[a] <= l.Grades[b] {
				continue
			}
			dx := make([]float64, len(idx))
			for j, i := range idx {
				dx[j] = l.X[a][i] - l.X[b][i]
			}
			c := gainOf(l.Grades[a]) - gainOf(l.Grades[b])
			ps = append(ps, pair{dx, c})
			total += c
		}
	}
	for i := range ps {
		ps[i].c /= total
	}
	return ps
}

func gainOf(grade int) float64 { return math.Exp2(float64(grade)) - 1 }

// softplus keeps a weight non-negative: w = log(1 + e^θ).
func softplus(t float64) float64 {
	if t > 30 {
		return t
	}
	return math.Log1p(math.Exp(t))
}

func sigmoid(t float64) float64 { return 1 / (1 + math.Exp(-t)) }

// minimisePairs returns the non-negative weights minimising the mean
// weighted pairwise logistic loss plus l2·|w|².
func minimisePairs(ps []pair, dim int, l2 float64) ([]float64, error) {
	var total float64
	for _, p := range ps {
		total += p.c
	}
	w := make([]float64, dim)
	weights := func(theta []float64) []float64 {
		for i, t := range theta {
			w[i] = softplus(t)
		}
		return w
	}
	prob := optimize.Problem{
		Func: func(theta []float64) float64 {
			w := weights(theta)
			var loss float64
			for _, p := range ps {
				d := floats.Dot(w, p.dx)
				// log(1 + e^−d), stable for large |d|
				loss += p.c * (math.Max(-d, 0) + math.Log1p(math.Exp(-math.Abs(d))))
			}
			return loss/total + l2*floats.Dot(w, w)
		},
		Grad: func(grad, theta []float64) {
			w := weights(theta)
			clear(grad)
			for _, p := range ps {
				s := -p.c * sigmoid(-floats.Dot(w, p.dx)) / total
				floats.AddScaled(grad, s, p.dx)
			}
			for i := range grad {
				grad[i] = (grad[i] + 2*l2*w[i]) * sigmoid(theta[i])
			}
		},
	}
	init := make([]float64, dim) // softplus(0) = log 2 for every weight
	res, err := optimize.Minimize(prob, init, &optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 2000}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	out := make([]float64, dim)
	for i, t := range res.X {
		out[i] = softplus(t)
	}
	return out, nil
}

// pairAccuracy is the weighted share of pairs w orders right; ties half.
func pairAccuracy(ps []pair, w []float64) float64 {
	var right, total float64
	for _, p := range ps {
		d := floats.Dot(w, p.dx)
		switch {
		case d > 1e-12:
			right += p.c
		case d >= -1e-12:
			right += p.c / 2
		}
		total += p.c
	}
	if total == 0 {
		return 0
	}
	return right / total
}

// calibrateThreshold fits P(grade ≥ 1 | F) = σ(a·F + b) over every judged
// post, F the fit score under w, and returns −b/a: the fit score at which
// a post is as likely plausible as not. It returns 0 when the grades do
// not rise with F (a ≤ 0), so that no post is held back.
func calibrateThreshold(lists []JudgedPosts, idx []int, w []float64) float64 {
	var fs, ys []float64
	for _, l := range lists {
		for k, x := range l.X {
			var f float64
			for j, i := range idx {
				f += w[j] * x[i]
			}
			fs = append(fs, f)
			ys = append(ys, map[bool]float64{true: 1, false: 0}[l.Grades[k] >= 1])
		}
	}
	prob := optimize.Problem{
		Func: func(ab []float64) float64 {
			var loss float64
			for i, f := range fs {
				z := ab[0]*f + ab[1]
				// cross-entropy, stable
				loss += math.Max(z, 0) - z*ys[i] + math.Log1p(math.Exp(-math.Abs(z)))
			}
			return loss / float64(len(fs))
		},
		Grad: func(g, ab []float64) {
			clear(g)
			for i, f := range fs {
				r := sigmoid(ab[0]*f+ab[1]) - ys[i]
				g[0] += r * f
				g[1] += r
			}
			g[0] /= float64(len(fs))
			g[1] /= float64(len(fs))
		},
	}
	res, err := optimize.Minimize(prob, []float64{1, 0}, &optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 1000}, &optimize.LBFGS{})
	if (err != nil && res == nil) || res.X[0] <= 0 {
		return 0
	}
	return round4(-res.X[1] / res.X[0])
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
