package engine

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestRankedRecommenderIsRecommend: a 一人一策 proposal's course ranking
// through the list's RankedRecommender — the skill gaps read from the
// list's first scan — is Recommend's, item for item (reasons, the posts a
// course opens, scores), for the batch's ranker (SetHeadroom(8), its query)
// and a default one; other queries pass through to Recommend. It also
// checks that the reuse happened for most graduates (the military-first
// lists scan the conscription posts first and do not reuse) and that the
// course lists were not all empty.
func TestRankedRecommenderIsRecommend(t *testing.T) {
	e, _ := engine5k(t)
	batch := e.NewRanker()
	batch.SetHeadroom(8)
	rankers := []*Ranker{batch, e.NewRanker()}
	gs := rankGraduates()
	queries := []matcher.Query{{Kind: matcher.KindCourse, Limit: 6}, {Kind: matcher.KindCourse}, {Kind: matcher.KindInternship, Limit: 6}}
	reused, items := 0, 0
	for i := range gs {
		g := &gs[i]
		for _, r := range rankers {
			rk, err := r.Rank(g, matcher.Query{Limit: 24, PerEmployer: 2})
			if err != nil {
				t.Fatal(err)
			}
			rr := rk.Recommender(g)
			if rr.rk != nil {
				reused++
			}
			for _, q := range queries {
				want, err := e.Recommend(g, q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := rr.Recommend(g, q)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, %+v: through the list\n%+v\nRecommend\n%+v", g.ID, q, got, want)
				}
				if q.Kind == matcher.KindCourse {
					items += len(got.Items)
				}
			}
		}
	}
	if reused < len(gs) || items == 0 {
		t.Fatalf("%d of %d lists reused their scan, %d course items: the test does not exercise the reuse", reused, 2*len(gs), items)
	}
	// Another graduate than the list's is Recommend's own.
	rk, err := batch.Rank(&gs[0], matcher.Query{Limit: 24, PerEmployer: 2})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := e.Recommend(&gs[1], queries[0])
	if got, _ := rk.Recommender(&gs[0]).Recommend(&gs[1], queries[0]); !reflect.DeepEqual(got, want) {
		t.Fatalf("another graduate's courses through the list differ from Recommend's")
	}
}
