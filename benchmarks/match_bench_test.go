package benchmarks

import (
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// BenchmarkMatchRecommend: one graduate's top 8 over the generated 25,000
// posts, the fast path and the exhaustive exact baseline.
//
//	go test ./benchmarks -run XXX -bench MatchRecommend
func BenchmarkMatchRecommend(b *testing.B) {
	d := loadMatchData(b)
	eng := d.engine(b, engine.Weights{})
	for _, c := range []struct {
		name       string
		exhaustive bool
	}{{"fast", false}, {"exhaustive", true}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				g := &d.graduates[(i*7919)%len(d.graduates)]
				var err error
				if c.exhaustive {
					_, err = eng.RecommendExhaustive(g, matcher.Query{})
				} else {
					_, err = eng.Recommend(g, matcher.Query{})
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
