package api

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// follow runs f's change-feed follower from the store's current position
// until the test ends; f.applied hears of every sequence number it applies.
func (f *fixture) follow(interval time.Duration) {
	f.t.Helper()
	seq, err := f.st.PostSeq(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	f.applied = make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.srv.Follow(ctx, seq, interval, func(int64) error { notify(f.applied); return nil })
	}()
	f.t.Cleanup(func() { cancel(); <-done })
}

// searchable reports whether a search on f finds post id.
func (f *fixture) searchable(q, id string) bool {
	f.t.Helper()
	res := f.do("GET", "/v1/posts/search?limit=100&q="+q, "portalB", nil)
	var sr struct{ Hits []struct{ ID string } }
	json.Unmarshal(res.body, &sr)
	for _, h := range sr.Hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

// notify tells whoever waits on ch (a channel of capacity 1) that
// something changed, without blocking: one pending notice is enough, as
// the waiter re-checks its condition.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// eventually checks cond now and again after each notice on changed (see
// notify) until it holds, and returns how long that took. It fails the
// test when cond still does not hold within (a bound for a hung server,
// never a sleep).
func eventually(t *testing.T, changed <-chan struct{}, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("%s: not within %s", what, within)
		}
	}
	return time.Since(start)
}

// TestReplicasSharePostgres runs two API servers (pgReplicas) and proves
// that a post written through one is searchable and recommendable on the
// other within seconds, and that closing it there takes it away again.
func TestReplicasSharePostgres(t *testing.T) {
	r1, r2 := pgReplicas(t)
	r1.follow(200 * time.Millisecond)
	r2.follow(200 * time.Millisecond)

	testReplication(t, r1, r2)
}

// TestReplicaGraduateWrittenElsewhere: replica 2 holds the graduate it
// read for the online path (recommend.go); a write through replica 1 is
// seen by replica 2's next request — moved out of the counselor's
// district, the graduate is refused there, not served from the copy.
func TestReplicaGraduateWrittenElsewhere(t *testing.T) {
	r1, r2 := pgReplicas(t)
	g, _ := r1.graduateIn("天山区")
	path := "/v1/graduates/" + g.ID + "/recommendations?limit=8"
	for range 2 {
		if res := r2.do("GET", path, "counselor", nil); res.status != 200 {
			t.Fatalf("replica 2, counselor of 天山区: %d %s", res.status, res.body)
		}
	}
	if !containsMetric(string(r2.do("GET", "/metrics", "admin", nil).body), `jobmatch_online_graduates_total{from="held"}`) {
		t.Fatal("replica 2 did not answer the second request from the graduate it held")
	}
	res := r1.do("GET", "/v1/graduates/"+g.ID, "admin", nil)
	var moved matcher.Graduate
	if err := json.Unmarshal(res.body, &moved); err != nil || res.status != 200 {
		t.Fatalf("GET on replica 1: %d %s %v", res.status, res.body, err)
	}
	moved.HukouDistrict, moved.ResidenceDistrict, moved.UpdatedAt = "米东区", "米东区", time.Time{}
	if res := r1.do("PUT", "/v1/graduates/"+g.ID, "admin", moved); res.status != 200 {
		t.Fatalf("PUT on replica 1: %d %s", res.status, res.body)
	}
	if res := r2.do("GET", path, "counselor", nil); res.status != 404 {
		t.Fatalf("replica 2 after the graduate moved to 米东区: %d (want 404), served from the copy it held", res.status)
	}
	if !containsMetric(string(r2.do("GET", "/metrics", "admin", nil).body), `jobmatch_online_graduates_total{from="stale"}`) {
		t.Error("replica 2 did not count its copy stale")
	}
	if res := r2.do("GET", path, "counselor2", nil); res.status != 200 {
		t.Fatalf("replica 2, counselor of 米东区: %d %s", res.status, res.body)
	}
}

// pgReplicas is two API servers, each with its own index directory,
// engine and store handle, on one PostgreSQL schema and one key table.
func pgReplicas(t *testing.T) (r1, r2 *fixture) {
	t.Helper()
	cfg := pgtest.Schema(t)
	ctx := context.Background()
	st1, err := postgres.OpenAndMigrate(ctx, cfg, pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st1.Close() })
	st2, err := postgres.OpenConfig(ctx, cfg.Copy(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })

	r1 = newFixtureOn(t, st1, filepath.Join(t.TempDir(), "r1"), true)
	r2 = newFixtureOn(t, st2, filepath.Join(t.TempDir(), "r2"), false)
	r2.keys = r1.keys // one key table, shared
	return r1, r2
}

// TestFollowerOnEmbeddedStore checks the same follower against bolt's
// change feed: a post written to the store by another writer (an import)
// reaches the server's index and engine.
func TestFollowerOnEmbeddedStore(t *testing.T) {
	f := newFixture(t)
	f.follow(50 * time.Millisecond)
	p := f.posts[0]
	p.ID, p.ExternalID, p.Title = "portal-a:IMPORTED", "IMPORTED", "冷链仓储调度员"
	if _, err := f.st.UpsertPosts(context.Background(), []matcher.Post{p}); err != nil {
		t.Fatal(err)
	}
	eventually(t, f.applied, 5*time.Second, "imported post searchable", func() bool { return f.searchable("冷链仓储调度员", p.ID) })
	if _, ok := f.eng.Post(p.ID); !ok {
		t.Errorf("imported post not in the engine")
	}
	if err := f.st.DeletePost(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, f.applied, 5*time.Second, "deleted post leaves the index", func() bool { return !f.searchable("冷链仓储调度员", p.ID) })
	if _, ok := f.eng.Post(p.ID); ok {
		t.Errorf("deleted post still in the engine")
	}
}

func testReplication(t *testing.T, r1, r2 *fixture) {
	t.Helper()
	const id = "portal-a:REPL1"
	post := map[string]any{"title": "无人机巡检飞手", "employer": "新疆电网巡检中心", "channel": "state_owned",
		"district": "天山区", "salary": "7000-9000元/月", "headcount": 2, "deadline": "2026-09-30"}
	if r2.searchable("无人机巡检飞手", id) {
		t.Fatal("post searchable before it was written")
	}
	res := r1.do("PUT", "/v1/posts/"+id, "portalA", post)
	if res.status != 201 {
		t.Fatalf("PUT on replica 1: %d %s", res.status, res.body)
	}
	took := eventually(t, r2.applied, 5*time.Second, "post written on replica 1 searchable on replica 2", func() bool {
		return r2.searchable("无人机巡检飞手", id)
	})
	t.Logf("replica 2 saw the post after %s", took.Round(time.Millisecond))
	if _, ok := r2.eng.Post(id); !ok {
		t.Errorf("replica 2's engine lacks the post")
	}
	if res := r2.do("GET", "/v1/posts/"+id, "portalB", nil); res.status != 200 {
		t.Errorf("GET on replica 2: %d", res.status)
	}
	// Closing it through replica 2 takes it out of replica 1's index.
	post["status"] = "closed"
	if res := r2.do("PUT", "/v1/posts/"+id, "portalA", post); res.status != 200 {
		t.Fatalf("close on replica 2: %d %s", res.status, res.body)
	}
	eventually(t, r1.applied, 5*time.Second, "closed post leaves replica 1's index", func() bool { return !r1.searchable("无人机巡检飞手", id) })
	if _, ok := r1.eng.Post(id); ok {
		t.Errorf("replica 1's engine still holds the closed post")
	}
	m := string(r2.do("GET", "/metrics", "admin", nil).body)
	if !containsMetric(m, "jobmatch_feed_changes_applied_total") {
		t.Errorf("feed metrics missing")
	}
}

func containsMetric(m, name string) bool {
	var v float64
	for _, line := range strings.Split(m, "\n") {
		if n, _ := fmt.Sscanf(line, name+" %g", &v); n == 1 && v > 0 {
			return true
		}
	}
	return false
}
