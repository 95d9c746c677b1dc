package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/itemjson"
)

// A stored graduate's default list (no channel or kind filter) is served
// from the published nightly run when that run is recent and still right:
// the batch scored every graduate with the same engine code and then
// re-ranked the lists to spread graduates over posts in proportion to their
// places (matcher/batch), so a portal and the nightly shortlist agree, minus
// the posts filled or closed since (dropped here). Anything the run cannot
// answer in full — a filter, a graduate edited after the run began or not
// in the run at all (placed graduates are left out of runs), more items than
// the run kept — is computed online. The response says which in the
// X-Recommendation-Source header.

// runCacheTTL is how long the published run is kept before it is read
// again, on the wall clock (Config.Clock), so a test moves the clock
// instead of waiting.
const runCacheTTL = 5 * time.Second

// runInfo caches the published run for a few seconds: every request would
// otherwise read it.
type runInfo struct {
	mu      sync.Mutex
	run     *matcher.Run
	fetched time.Time
}

func (s *Server) publishedRun(ctx context.Context) *matcher.Run {
	s.runs.mu.Lock()
	defer s.runs.mu.Unlock()
	now := s.wall()
	if !s.runs.fetched.IsZero() && now.Sub(s.runs.fetched) < runCacheTTL {
		return s.runs.run
	}
	r, err := s.stores.Runs.LatestRun(ctx)
	if err != nil {
		r = nil // none published, or the store is unwell: compute online
	}
	s.runs.run, s.runs.fetched = r, now
	return r
}

// fromRun appends g's list from the published run to dst as the JSON
// body of a matcher.Result, or returns false when the run cannot answer q
// exactly.
func (s *Server) fromRun(ctx context.Context, g *matcher.Graduate, q matcher.Query, dst []byte) ([]byte, string, bool) {
	if s.cfg.MaxRunAge < 0 || q.Channel != "" || q.Kind != "" {
		return nil, "", false
	}
	run := s.publishedRun(ctx)
	if run == nil || s.wall().Sub(run.StartedAt) > s.cfg.MaxRunAge || g.UpdatedAt.After(run.StartedAt) {
		return nil, "", false
	}
	runID, stored, err := s.stores.Runs.DefaultListFor(ctx, g.ID)
	if err != nil || runID != run.ID || len(stored) == 0 {
		return nil, "", false
	}
	var keep []matcher.StoredRecommendation
	for _, sr := range stored {
		if sr.Plan || (sr.Kind != matcher.KindJob && sr.Kind != matcher.KindInternship) {
			continue // courses are asked for with kind=course; plan items (not read here) are the 一人一策 proposal's
		}
		if !s.engine.HasPost(sr.PostID) {
			continue
		}
		if len(keep) < q.Limit {
			keep = append(keep, sr)
		}
	}
	// Too few left (posts dropped since, or more asked for than the run
	// kept): the posts that would fill the list are not in the run, so
	// only the engine knows them.
	if len(keep) < q.Limit {
		return nil, "", false
	}
	// The stored items are the engine's JSON; they are passed through as
	// they are unless a rank has to change, which saves decoding and
	// re-encoding on the hottest path of the API.
	body := append(dst, `{"graduate_id":`...)
	body = itemjson.AppendString(body, g.ID) // as json.Marshal writes it
	body = append(body, `,"items":[`...)
	for i, sr := range keep {
		if i > 0 {
			body = append(body, ',')
		}
		raw := []byte(sr.Item)
		if sr.Rank != i+1 {
			var it matcher.Item
			if err := json.Unmarshal(sr.Item, &it); err != nil {
				return nil, "", false
			}
			it.Rank = i + 1
			if raw, err = json.Marshal(it); err != nil {
				return nil, "", false
			}
		}
		body = append(body, raw...)
	}
	body = append(body, `],"excluded":{}}`...)
	body = append(body, '\n')
	return body, runID, true
}

// errBusy is the answer when the engine is saturated: a quick 503 the
// client can retry, instead of a queue that turns every request slow.
func errBusy() error {
	return matcher.Errorf(matcher.EUNAVAILABLE, "服务繁忙，请稍后重试", "the service is busy; retry shortly")
}

// matchSlot takes one of the slots of the work that reads graduates and
// runs the engine, waiting at most Config.MatchQueueWait, and not at all
// when Config.MaxQueuedMatches requests already wait: past capacity a
// request is refused at once (503 with Retry-After) instead of joining a
// queue that turns every request slow. Without that bound an open-loop
// load above capacity on PostgreSQL waited in the connection pool until
// the clients gave up, and the server answered almost nothing (44 of
// 1,000 req/s; benchmarks/RESULTS.md, "Served load"). The returned
// function gives the slot back.
func (s *Server) matchSlot(w http.ResponseWriter, r *http.Request) (func(), error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
	}
	if s.queued.Add(1) > int32(s.cfg.MaxQueuedMatches) {
		s.queued.Add(-1)
		return nil, s.busy(w)
	}
	defer s.queued.Add(-1)
	t := time.NewTimer(s.cfg.MatchQueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-t.C:
		return nil, s.busy(w)
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

// busy is the 503 of a request shed for lack of a slot.
func (s *Server) busy(w http.ResponseWriter) error {
	s.metrics.shed.Inc()
	w.Header().Set("Retry-After", "1")
	return errBusy()
}
