package engine

import (
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// FeatureVectors returns the feature vector (FeatureNames order) of each
// post for the graduate, as Recommend computes it, or nil for a post the
// rules exclude or the engine does not hold. It is the input of offline
// fitting (package fit): the same features the scan scores, read for
// chosen posts.
func (e *Engine) FeatureVectors(g *matcher.Graduate, postIDs []string) ([][]float64, error) {
	if g == nil {
		return nil, &matcher.Error{Code: matcher.EINVALID, Field: "graduate", Message: "缺少毕业生信息", MessageEN: "no graduate"}
	}
	now := e.now()
	e.mu.RLock()
	defer e.mu.RUnlock()
	gc := e.compileGraduate(g, now, false)
	out := make([][]float64, len(postIDs))
	for i, id := range postIDs {
		slot, ok := e.byID[id]
		if !ok {
			continue
		}
		pr := e.slots[slot]
		if matcher.FirstFailing(&gc.GraduateFacts, &pr.PostFacts, &pr.PostRestrictions) >= 0 {
			continue
		}
		x := make([]float64, NumFeatures)
		featureVector(gc, pr, float64(textScore(gc.eng, pr)), x)
		out[i] = x
	}
	return out, nil
}
