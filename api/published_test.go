package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// publishRun stores g's engine list (limit items) as a published run.
func (f *fixture) publishRun(g matcher.Graduate, limit int) string {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.eng.Recommend(&g, matcher.Query{Limit: limit})
	if err != nil {
		f.t.Fatal(err)
	}
	run := &matcher.Run{Status: matcher.RunRunning}
	if err := f.st.CreateRun(ctx, run); err != nil {
		f.t.Fatal(err)
	}
	gr := matcher.GraduateRecommendations{GraduateID: g.ID}
	for _, it := range res.Items {
		b, _ := json.Marshal(it)
		gr.Items = append(gr.Items, matcher.StoredRecommendation{PostID: it.PostID, Kind: it.Kind, Rank: it.Rank, Score: it.Score, Item: b})
	}
	if err := f.st.SaveRecommendations(ctx, run.ID, []matcher.GraduateRecommendations{gr}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.st.PublishRun(ctx, run.ID); err != nil {
		f.t.Fatal(err)
	}
	return run.ID
}

// TestRecommendationsFromPublishedRun moves the server's wall clock
// (Config.Clock) past the published-run cache instead of waiting for it.
func TestRecommendationsFromPublishedRun(t *testing.T) {
	var wall atomic.Int64
	wall.Store(testNow.UnixNano())
	f := newFixture(t, func(c *Config) { c.Clock = func() time.Time { return time.Unix(0, wall.Load()) } })
	g, _ := f.graduateIn("天山区")
	path := "/v1/graduates/" + g.ID + "/recommendations?limit=4"
	online := f.do("GET", path, "counselor", nil)
	if online.header.Get("X-Recommendation-Source") != "online" {
		t.Fatalf("no run yet, source %q", online.header.Get("X-Recommendation-Source"))
	}
	runID := f.publishRun(g, 8)
	// Within the cache's time the server still knows no run.
	wall.Add(int64(runCacheTTL - time.Millisecond))
	if src := f.do("GET", path, "counselor", nil).header.Get("X-Recommendation-Source"); src != "online" {
		t.Fatalf("run published %v ago on the wall clock, inside the cache: source %q, want online", runCacheTTL-time.Millisecond, src)
	}
	wall.Add(int64(2 * time.Millisecond))
	fromRun := f.do("GET", path, "counselor", nil)
	if got := fromRun.header.Get("X-Recommendation-Source"); got != "run:"+runID {
		t.Fatalf("source %q, want run:%s", got, runID)
	}
	var a, b matcher.Result
	json.Unmarshal(online.body, &a)
	json.Unmarshal(fromRun.body, &b)
	if len(a.Items) != 4 || len(b.Items) != 4 {
		t.Fatalf("items: online %d, run %d", len(a.Items), len(b.Items))
	}
	for i := range a.Items {
		if a.Items[i].PostID != b.Items[i].PostID || b.Items[i].Rank != i+1 {
			t.Errorf("item %d: online %s, run %s (rank %d)", i, a.Items[i].PostID, b.Items[i].PostID, b.Items[i].Rank)
		}
	}
	// A post closed since the run is dropped, and the list still has 4.
	closed := b.Items[0].PostID
	p, err := f.st.Post(context.Background(), closed)
	if err != nil {
		t.Fatal(err)
	}
	p.Status = matcher.PostClosed
	if _, err := f.st.UpsertPosts(context.Background(), []matcher.Post{*p}); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.applyPosts([]matcher.Post{*p}, nil); err != nil {
		t.Fatal(err)
	}
	res := f.do("GET", path, "counselor", nil)
	var c matcher.Result
	json.Unmarshal(res.body, &c)
	if len(c.Items) != 4 {
		t.Errorf("%d items after a post closed, want 4", len(c.Items))
	}
	for _, it := range c.Items {
		if it.PostID == closed {
			t.Errorf("closed post %s still recommended (source %s)", closed, res.header.Get("X-Recommendation-Source"))
		}
	}
	// What the run cannot answer is computed online.
	for _, q := range []string{"?limit=4&channel=sme", "?limit=50"} {
		res := f.do("GET", "/v1/graduates/"+g.ID+"/recommendations"+q, "counselor", nil)
		if src := res.header.Get("X-Recommendation-Source"); src != "online" {
			t.Errorf("%s: source %q, want online", q, src)
		}
	}
}

func TestOverloadSheds(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxConcurrentMatches = 1 })
	// Hold the only slot, as a long engine call would.
	f.srv.slots <- struct{}{}
	g, _ := f.graduateIn("天山区")
	f.srv.cfg.MatchQueueWait = 50 * time.Millisecond
	res := f.do("GET", "/v1/graduates/"+g.ID+"/recommendations", "counselor", nil)
	if res.status != 503 || res.header.Get("Retry-After") == "" {
		t.Errorf("saturated engine: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	<-f.srv.slots
	if res := f.do("GET", "/v1/graduates/"+g.ID+"/recommendations", "counselor", nil); res.status != 200 {
		t.Errorf("after the slot freed: %d", res.status)
	}
}

// TestOverloadShedsAtOnce: when every slot is taken and MaxQueuedMatches
// requests already wait, the next request is refused at once (503 with
// Retry-After) — it does not join the queue — while the waiting one is
// still waiting, and is served when the slot frees.
func TestOverloadShedsAtOnce(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.MaxConcurrentMatches, c.MaxQueuedMatches, c.MatchQueueWait = 1, 1, time.Minute
	})
	f.srv.slots <- struct{}{} // a long request holds the only slot
	g, _ := f.graduateIn("天山区")
	path := "/v1/graduates/" + g.ID + "/recommendations"
	req, err := http.NewRequest("GET", f.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.keys["counselor"])
	waited := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			waited <- -1
			return
		}
		res.Body.Close()
		waited <- res.StatusCode
	}()
	for f.srv.queued.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	res := f.do("GET", path, "counselor", nil)
	if res.status != 503 || res.header.Get("Retry-After") != "1" {
		t.Errorf("queue full: %d, Retry-After %q, want 503 and 1", res.status, res.header.Get("Retry-After"))
	}
	select {
	case st := <-waited:
		t.Fatalf("the waiting request was answered (%d) before its slot freed", st)
	default:
	}
	if n := f.srv.queued.Load(); n != 1 {
		t.Errorf("%d requests waiting, want the first one still", n)
	}
	<-f.srv.slots
	if st := <-waited; st != 200 {
		t.Errorf("the waiting request after the slot freed: %d, want 200", st)
	}
}
