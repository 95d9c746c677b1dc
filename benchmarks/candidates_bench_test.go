package benchmarks

import (
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// BenchmarkMatchCandidates: reverse matching, one post's top 20 graduates
// over the generator's 50,000 graduates (the ledger), for a post open to
// every major and for one that names majors. The first call on a fresh
// engine (every profile segmented) is logged; the benchmark times the calls
// after it.
//
//	go test ./benchmarks -run XXX -bench MatchCandidates -benchtime 5x
func BenchmarkMatchCandidates(b *testing.B) {
	d := loadMatchData(b)
	eng := d.engine(b, engine.Weights{})
	var open, named *matcher.Post
	for i := range d.posts {
		p := &d.posts[i]
		if p.Kind != matcher.KindJob || !p.Searchable(d.now) || p.HukouRequired != "" || p.PublicWelfare || p.Channel == matcher.ChannelMilitary {
			continue
		}
		if open == nil && len(p.Majors) == 0 && p.DegreeMin <= matcher.DegreeAssociate {
			open = p
		}
		if named == nil && len(p.Majors) > 0 {
			named = p
		}
	}
	if open == nil || named == nil {
		b.Fatal("no suitable posts in the generated set")
	}
	b.Logf("graduates %d; open post %s (%s), post naming majors %s (%v)", len(d.graduates), open.ID, open.Title, named.ID, named.Majors)
	for _, c := range []struct {
		name string
		post *matcher.Post
	}{{"open", open}, {"majors", named}} {
		run := func(b *testing.B, eng *engine.Engine) {
			cands, err := eng.Candidates(c.post.ID, engine.Graduates(d.graduates), 20)
			if err != nil {
				b.Fatal(err)
			}
			if len(cands) != 20 {
				b.Fatalf("%d candidates", len(cands))
			}
		}
		b.Run(c.name+"/warm", func(b *testing.B) {
			t0 := time.Now()
			run(b, eng) // the first call fills what later calls reuse
			b.Logf("%s: first call %s", c.name, time.Since(t0).Round(time.Millisecond))
			defer reportCPU(b)()
			for b.Loop() {
				run(b, eng)
			}
		})
	}
}
