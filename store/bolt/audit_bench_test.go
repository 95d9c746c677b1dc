package bolt

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// BenchmarkAuditBatch: one group of entries at a time, each call waiting
// for its group to be durable, as the API's group commit does when
// requests come one by one. It reports the wall time a call's
// percentiles (mostly the disk's sync) beside ns/op. On this file's
// tree: the journal's one fdatasync; copied into an older tree: bbolt's
// commit (two).
func BenchmarkAuditBatch(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run(map[int]string{1: "1_entry", 16: "16_entries"}[n], func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "jobmatch.db"), storetest.Keys())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			es := make([]matcher.AuditEntry, n)
			for i := range es {
				es[i] = matcher.AuditEntry{KeyID: "k1", Role: matcher.RoleAdmin, Action: "graduate.read", GraduateID: "G35549927", Client: "192.0.2.1"}
			}
			ctx := context.Background()
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if err := s.AuditBatch(ctx, es); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
