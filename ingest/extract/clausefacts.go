package extract

import (
	"strings"
	"sync"
)

// clauseFacts is what the degree, experience and majors readers take from
// one clause. Each reads its clauses one at a time and folds what each
// says in order, so a clause's facts are a function of its text alone, and
// posts repeat their clauses (the generated 25,000 descriptions have about
// 400,000 clauses, 67,000 of them different; real exports repeat a
// portal's and an employer's boilerplate): the extractor keeps them
// (factMemo) instead of running the literal scans and regular expressions
// over every clause again.
type clauseFacts struct {
	degrees      []degreeFind
	noExperience string
	years        []yearsFind
	majorsAny    bool
	majors       [][2]string // name, code
}

// noFacts is the facts of a clause that says none of these (most).
var noFacts = &clauseFacts{}

// factsOf reads one clause.
func factsOf(c string) *clauseFacts {
	f := clauseFacts{degrees: degreeIn(c)}
	f.noExperience, f.years = experienceIn(c)
	f.majorsAny, f.majors = majorsIn(c)
	if f.degrees == nil && f.noExperience == "" && f.years == nil && !f.majorsAny && f.majors == nil {
		return noFacts
	}
	return &f
}

// factMemoSize bounds the memo: when it holds this many clauses it is
// emptied and fills again. It holds every different clause of the
// generated set (65,582 of 401,882): at 32,768 it was emptied three times
// during that import and read 86,000 clauses instead of 66,000 (the
// regular expressions of majorsIn are most of reading one). About 10 MiB
// when full; a small import fills a small map.
const factMemoSize = 131072

// factMemo keeps the facts of the clauses read recently; safe for
// concurrent use (an import derives posts on every core). The facts are
// never changed once kept.
type factMemo struct {
	mu sync.Mutex
	m  map[string]*clauseFacts
}

// facts returns the facts of each clause of cls, in order.
func (fm *factMemo) facts(cls []string) []*clauseFacts {
	out := make([]*clauseFacts, len(cls))
	if fm == nil {
		for i, c := range cls {
			out[i] = factsOf(c)
		}
		return out
	}
	var miss []int
	fm.mu.Lock()
	for i, c := range cls {
		if f, ok := fm.m[c]; ok {
			out[i] = f
		} else {
			miss = append(miss, i)
		}
	}
	fm.mu.Unlock()
	if len(miss) == 0 {
		return out
	}
	for _, i := range miss {
		out[i] = factsOf(cls[i])
	}
	fm.mu.Lock()
	if fm.m == nil || len(fm.m)+len(miss) > factMemoSize {
		fm.m = make(map[string]*clauseFacts, 4096)
	}
	for _, i := range miss {
		// A copy: the clause is a slice of the post's whole description.
		fm.m[strings.Clone(cls[i])] = out[i]
	}
	fm.mu.Unlock()
	return out
}
