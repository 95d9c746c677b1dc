package engine

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

//go:embed weights.json
var defaultWeightsJSON []byte

// Weights is the linear scoring model: score = w · x over the features in
// FeatureNames. Weights live in a JSON file (weights.json is embedded as
// the default) so that they can be re-learned from outcomes (clicks,
// applications, hires) without a code change.
type Weights struct {
	Doc     string             `json:"doc,omitempty"`
	Version string             `json:"version,omitempty"`
	Weights map[string]float64 `json:"weights"`
	// FitThreshold is the fit score (the weighted sum of every feature but
	// the preferences, see PreferenceFeatures) from which a post counts as
	// fitting: only fitting posts get the preferences' share of the score,
	// so a preference reorders fitting posts and never lifts one that does
	// not fit above one that does. 0: every post fits.
	FitThreshold float64 `json:"fit_threshold,omitempty"`
	// CourseWeights weigh the course features (CourseFeatureNames).
	CourseWeights map[string]float64 `json:"course_weights,omitempty"`
	// Fit says how the weights were chosen, Figures what they measured
	// (written by the fitting command, benchmarks/relevance_fit_test.go).
	Fit     string             `json:"fit,omitempty"`
	Figures map[string]float64 `json:"figures,omitempty"`
}

// PreferenceFeatures are the features that say what the graduate would
// like rather than whether the post fits them: the district, salary and
// channel they prefer, and freshness and places left, which only separate
// near-equals. They count only for posts whose fit score reaches
// Weights.FitThreshold.
var PreferenceFeatures = [...]int{FDistrict, FSalary, FChannel, FFresh, FPlaces}

// DefaultWeights returns the embedded weights.json.
func DefaultWeights() Weights {
	w, err := ParseWeights(defaultWeightsJSON)
	if err != nil {
		// The file is embedded at build time; TestDefaultWeights keeps it valid.
		panic(fmt.Sprintf("matcher: embedded weights.json: %v", err))
	}
	return w
}

// LoadWeights reads a weights file.
func LoadWeights(path string) (Weights, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Weights{}, fmt.Errorf("weights: %w", err)
	}
	w, err := ParseWeights(b)
	if err != nil {
		return Weights{}, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

// ParseWeights parses and validates a weights document: every key must be a
// known feature, every value finite and non-negative; features left out
// weigh 0.
func ParseWeights(b []byte) (Weights, error) {
	var w Weights
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Weights{}, fmt.Errorf("weights: %w", err)
	}
	if len(w.Weights) == 0 {
		return Weights{}, matcher.Errorf(matcher.EINVALID, "权重文件缺少 weights", "weights: no \"weights\" object")
	}
	return w, w.validate()
}

func (w Weights) validate() error {
	if err := validateMap("weights", w.Weights, FeatureNames[:]); err != nil {
		return err
	}
	if t := w.FitThreshold; math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
		return &matcher.Error{Code: matcher.EINVALID, Field: "fit_threshold",
			Message:   fmt.Sprintf("fit_threshold 须为非负有限数，得到 %v", t),
			MessageEN: fmt.Sprintf("fit_threshold must be a finite non-negative number, got %v", t)}
	}
	return validateMap("course_weights", w.CourseWeights, CourseFeatureNames[:])
}

func validateMap(field string, m map[string]float64, known []string) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		if !slices.Contains(known, k) {
			return &matcher.Error{Code: matcher.EINVALID, Field: field + "." + k,
				Message:   fmt.Sprintf("%s：未知特征 %q（可用：%s）", field, k, strings.Join(known, ", ")),
				MessageEN: fmt.Sprintf("%s: unknown feature %q (known: %s)", field, k, strings.Join(known, ", "))}
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return &matcher.Error{Code: matcher.EINVALID, Field: field + "." + k,
				Message:   fmt.Sprintf("%s：特征 %s 的权重须为非负有限数，得到 %v", field, k, v),
				MessageEN: fmt.Sprintf("%s: %s must be a finite non-negative number, got %v", field, k, v)}
		}
	}
	return nil
}

func featureIndex(name string) int {
	for i, n := range FeatureNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Vector returns the weights as a gonum vector in FeatureNames order.
func (w Weights) Vector() *mat.VecDense {
	v := mat.NewVecDense(NumFeatures, nil)
	for k, x := range w.Weights {
		if i := featureIndex(k); i >= 0 {
			v.SetVec(i, x)
		}
	}
	return v
}

// scorer holds the weight vector in the form the hot loop reads it, split
// into the fit part and the preference part (PreferenceFeatures).
type scorer struct {
	vec  *mat.VecDense
	w    []float64 // vec's backing data, len NumFeatures
	fit  []float64 // w with the preferences zeroed
	pref []float64 // w with everything but the preferences zeroed
	thr  float64   // Weights.FitThreshold
}

func newScorer(w Weights) scorer {
	v := w.Vector()
	s := scorer{vec: v, w: v.RawVector().Data, fit: make([]float64, NumFeatures), pref: make([]float64, NumFeatures), thr: w.FitThreshold}
	copy(s.fit, s.w)
	for _, f := range PreferenceFeatures {
		s.pref[f], s.fit[f] = s.w[f], 0
	}
	return s
}

// score is the fit score, plus the preferences' share when the fit score
// reaches the threshold. A post below it scores its fit alone, so it can
// never pass a fitting post (whose score is at least the threshold).
func (s scorer) score(x []float64) float64 {
	f := floats.Dot(s.fit, x)
	if f >= s.thr {
		f += floats.Dot(s.pref, x)
	}
	return f
}

// Fits reports whether a score the engine gave (Item.Score) belongs to a
// post that fits: one whose fit score reaches Weights.FitThreshold. The
// nightly batch marks the others for MixChannels (MixCandidate.Unfit).
func (e *Engine) Fits(score float64) bool { return e.sc.fits(score) }

// fits reports whether a score belongs to a fitting post.
func (s scorer) fits(score float64) bool { return score >= s.thr }

// contributions writes into c (NumFeatures long) each feature's share of
// the score, w_i·x_i (0 for the preferences of a post that does not fit).
func (s scorer) contributions(c, x []float64) {
	if floats.Dot(s.fit, x) >= s.thr {
		floats.MulTo(c, s.w, x)
	} else {
		floats.MulTo(c, s.fit, x)
	}
}

// ScoreMatrix scores many feature vectors at once (rows of X) as the
// engine does, fit score plus the preferences' share where the fit score
// reaches FitThreshold: the form used to evaluate the weights offline.
func (w Weights) ScoreMatrix(X *mat.Dense) *mat.VecDense {
	r, _ := X.Dims()
	out := mat.NewVecDense(r, nil)
	sc := newScorer(w)
	for i := range r {
		out.SetVec(i, sc.score(X.RawRowView(i)))
	}
	return out
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
