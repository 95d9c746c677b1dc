package fit

import (
	"math/rand/v2"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// TestWeightsRecoversOrder: grades drawn from a known linear rule over
// two features (the others noise) are ordered by the fitted weights far
// better than by chance, the noise features weigh little, a feature not
// fitted keeps its base weight, and the fit is deterministic.
func TestWeightsRecoversOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var lists []JudgedPosts
	for g := 0; g < 30; g++ {
		var l JudgedPosts
		for p := 0; p < 25; p++ {
			x := make([]float64, engine.NumFeatures)
			for i := range x {
				x[i] = r.Float64()
			}
			s := 3*x[engine.FOccupation] + 1*x[engine.FText] + 0.3*r.NormFloat64()
			grade := 0
			if s > 2.2 {
				grade = 2
			} else if s > 1.5 {
				grade = 1
			}
			l.X = append(l.X, x)
			l.Grades = append(l.Grades, grade)
		}
		lists = append(lists, l)
	}
	o := Options{Fit: []string{"text", "occupation", "skills", "degree"},
		Base: engine.Weights{Weights: map[string]float64{"district": 0.4}}}
	rep, err := Weights(lists, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PairAccuracy < 0.85 {
		t.Errorf("pair accuracy %.3f, want ≥ 0.85 on data a linear rule made", rep.PairAccuracy)
	}
	w := rep.Weights
	t.Logf("weights %v, l2 %v, cv %v, threshold %v", w, rep.L2, rep.CVAccuracy, rep.Threshold)
	if !(w["occupation"] > w["text"] && w["text"] > 2*w["skills"] && w["text"] > 2*w["degree"]) {
		t.Errorf("weights %v: want occupation > text ≫ skills, degree (noise)", w)
	}
	if w["district"] != 0.4 {
		t.Errorf("district %v: a feature not fitted must keep its base weight 0.4", w["district"])
	}
	if len(rep.CVAccuracy) != len(DefaultL2) {
		t.Errorf("cross-validated %d strengths, want %d", len(rep.CVAccuracy), len(DefaultL2))
	}
	// The threshold sits between the fit scores of the grades.
	if rep.Threshold <= 0 || rep.Threshold >= w["occupation"]+w["text"] {
		t.Errorf("threshold %v outside (0, %v)", rep.Threshold, w["occupation"]+w["text"])
	}
	again, err := Weights(lists, o)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range rep.Weights {
		if again.Weights[k] != v {
			t.Errorf("%s: %v then %v: the fit must be deterministic", k, v, again.Weights[k])
		}
	}
}

func TestWeightsRefusesBadInput(t *testing.T) {
	if _, err := Weights(nil, Options{Fit: []string{"nope"}}); err == nil {
		t.Error("an unknown feature must be refused")
	}
	if _, err := Weights([]JudgedPosts{{X: [][]float64{make([]float64, engine.NumFeatures)}, Grades: []int{1}}}, Options{Fit: []string{"text"}}); err == nil {
		t.Error("no pair with different grades must be refused")
	}
	if _, err := Weights([]JudgedPosts{{X: [][]float64{make([]float64, engine.NumFeatures)}}}, Options{Fit: []string{"text"}}); err == nil {
		t.Error("vectors without grades must be refused")
	}
}
