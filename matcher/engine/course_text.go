package engine

import "sync"

// The course text feature through an inverted index of the courses'
// vectors: a ranking scores every course, and a merge of the profile's few
// terms with each course's many (sparseDot per course) was a third of
// scoring them.

// coursePosting is one course's weight for a term (courseRec.idx).
type coursePosting struct {
	idx int32
	w   float32
}

// indexCourseText puts cr's vector into e.coursePostings, after taking out
// the vector of the record it replaces (old, nil for a new course).
func (e *Engine) indexCourseText(old, cr *courseRec) {
	if e.coursePostings == nil {
		e.coursePostings = map[uint32][]coursePosting{}
	}
	if old != nil {
		for _, id := range old.terms {
			ps := e.coursePostings[id]
			for k := range ps {
				if ps[k].idx == int32(old.idx) {
					ps = append(ps[:k:k], ps[k+1:]...)
					break
				}
			}
			if len(ps) == 0 {
				delete(e.coursePostings, id)
			} else {
				e.coursePostings[id] = ps
			}
		}
	}
	for i, id := range cr.terms {
		e.coursePostings[id] = append(e.coursePostings[id], coursePosting{int32(cr.idx), cr.tw[i]})
	}
}

// courseTextScores returns, by courseRec.idx, sparseDot of the profile
// vector with each course's: the terms are visited in id order, as
// sparseDot's merge visits them, and each course sums its own products in
// that order, so the values are sparseDot's to the bit. The caller holds
// e.mu and puts the slice back with putCourseText.
func (e *Engine) courseTextScores(ge *gradEngine) *[]float64 {
	accp, _ := courseTextPool.Get().(*[]float64)
	if accp == nil {
		accp = new([]float64)
	}
	acc := append((*accp)[:0], make([]float64, len(e.courses))...)
	for i, id := range ge.qIDs {
		qw := float64(ge.qW[i])
		for _, p := range e.coursePostings[id] {
			acc[p.idx] += qw * float64(p.w)
		}
	}
	*accp = acc
	return accp
}

var courseTextPool sync.Pool

func putCourseText(accp *[]float64) { courseTextPool.Put(accp) }
