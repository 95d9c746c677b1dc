package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// The sizes of `jobmatch gen`: 25,000 posts and 50,000 graduates, written
// in the chunks ingest uses.
const (
	benchPosts     = 25000
	benchGraduates = 50000
	benchChunk     = 1000
)

func benchData() ([]matcher.Post, []matcher.Graduate) {
	desc := strings.Repeat("岗位职责：负责客户接待与订单跟进，熟悉办公软件，有良好的沟通能力。", 4)
	posts := make([]matcher.Post, benchPosts)
	for i := range posts {
		posts[i] = storetest.Post(fmt.Sprint("portal", i%6), i)
		posts[i].Description = desc + fmt.Sprint(i)
	}
	gs := make([]matcher.Graduate, benchGraduates)
	for i := range gs {
		gs[i] = storetest.Graduate(i)
	}
	return posts, gs
}

func ingest(b *testing.B, s matcher.Store, posts []matcher.Post, gs []matcher.Graduate) (postsTook, gradsTook time.Duration) {
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < len(posts); i += benchChunk {
		if _, err := s.UpsertPosts(ctx, posts[i:min(i+benchChunk, len(posts))]); err != nil {
			b.Fatal(err)
		}
	}
	mid := time.Now()
	for i := 0; i < len(gs); i += benchChunk {
		if _, err := s.UpsertGraduates(ctx, gs[i:min(i+benchChunk, len(gs))]); err != nil {
			b.Fatal(err)
		}
	}
	return mid.Sub(start), time.Since(mid)
}

// BenchmarkIngest writes 25,000 posts and 50,000 graduates into a fresh
// embedded store and a fresh PostgreSQL schema, in the same run:
//
//	JOBMATCH_TEST_DATABASE=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench Ingest -benchtime 1x ./store/
func BenchmarkIngest(b *testing.B) {
	posts, gs := benchData()
	report := func(b *testing.B, p, g, again time.Duration) {
		b.ReportMetric(again.Seconds(), "reimport_s") // the same records again: all unchanged
		b.ReportMetric(p.Seconds(), "posts_s")
		b.ReportMetric(g.Seconds(), "graduates_s")
		b.ReportMetric((p + g).Seconds(), "total_s")
		b.ReportMetric(float64(len(posts)+len(gs))/(p+g).Seconds(), "records/s")
	}
	b.Run("bolt", func(b *testing.B) {
		var p, g, again time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := bolt.Open(filepath.Join(b.TempDir(), "jobmatch.db"), storetest.Keys())
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			dp, dg := ingest(b, s, posts, gs)
			p, g = p+dp, g+dg
			b.StopTimer()
			ap, ag := ingest(b, s, posts, gs)
			again += ap + ag
			s.Close()
		}
		n := time.Duration(b.N)
		report(b, p/n, g/n, again/n)
	})
	b.Run("postgres", func(b *testing.B) {
		var p, g, again time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cfg := pgtest.Schema(b)
			// Measure with durable commits, as in production (TestSchema
			// turns them off to speed tests up).
			delete(cfg.ConnConfig.RuntimeParams, "synchronous_commit")
			s, err := postgres.OpenAndMigrate(context.Background(), cfg, pgtest.Keys(b))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			dp, dg := ingest(b, s, posts, gs)
			p, g = p+dp, g+dg
			b.StopTimer()
			ap, ag := ingest(b, s, posts, gs)
			again += ap + ag
			s.Close()
		}
		n := time.Duration(b.N)
		report(b, p/n, g/n, again/n)
	})
}

// BenchmarkAuditPage writes the audit entries of one caseload page (50
// graduates) on PostgreSQL with durable commits: one AuditBatch against
// one Audit per entry (what the API did before the store had AuditBatch).
//
//	JOBMATCH_TEST_DATABASE=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench AuditPage ./store/
func BenchmarkAuditPage(b *testing.B) {
	const page = 50
	cfg := pgtest.Schema(b)
	delete(cfg.ConnConfig.RuntimeParams, "synchronous_commit")
	s, err := postgres.OpenAndMigrate(context.Background(), cfg, pgtest.Keys(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	entries := func() []matcher.AuditEntry {
		es := make([]matcher.AuditEntry, page)
		for i := range es {
			es[i] = matcher.AuditEntry{KeyID: "k", Role: matcher.RoleCounselor, Action: "graduate.list", GraduateID: fmt.Sprint("G", i)}
		}
		return es
	}
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if err := s.AuditBatch(ctx, entries()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-by-one", func(b *testing.B) {
		for b.Loop() {
			for _, e := range entries() {
				if err := s.Audit(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
