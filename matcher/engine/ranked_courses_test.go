package engine

import (
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestRankedRecommenderIsRecommend: a 一人一策 proposal's queries through
// the list's RankedRecommender — the graduate as the list compiled them,
// the skill gaps read from the list's first scan, the posts ranked by the
// list's Ranker — are Recommend's, item for item (reasons, the posts a
// course opens, scores, exclusion counts), for the batch's ranker
// (SetHeadroom(8), its query) and a default one. It also checks that
// every query was answered from the list (not passed through to
// Recommend) and that the course and post lists were not all empty.
func TestRankedRecommenderIsRecommend(t *testing.T) {
	e, _ := engine5k(t)
	batch := e.NewRanker()
	batch.SetHeadroom(8)
	rankers := []*Ranker{batch, e.NewRanker()}
	gs := rankGraduates()
	// A 一人一策 proposal's queries (casework.Propose, casework.Alternates)
	// and a few others.
	queries := []matcher.Query{{Kind: matcher.KindCourse, Limit: 6}, {Kind: matcher.KindCourse}, {Kind: matcher.KindInternship, Limit: 6},
		{Kind: matcher.KindJob, Limit: 16}, {Limit: 8, PerEmployer: 1}}
	for _, ch := range matcher.Channels {
		queries = append(queries, matcher.Query{Kind: matcher.KindJob, Channel: ch, Limit: 1})
	}
	reused, items, posts := 0, 0, 0
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
				// Answered from the list, not passed through.
				var ok bool
				if q.Kind == matcher.KindCourse {
					items += len(got.Items)
					_, ok, err = rr.courses(g, q)
				} else {
					posts += len(got.Items)
					_, ok, err = rr.posts(g, q)
				}
				if !ok || err != nil {
					t.Fatalf("%s, %+v: not answered from the list (%v)", g.ID, q, err)
				}
			}
		}
	}
	if reused < len(gs) || items == 0 || posts == 0 {
		t.Fatalf("%d of %d lists reused their ranking, %d course items, %d posts: the test does not exercise the reuse", reused, 2*len(gs), items, posts)
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
