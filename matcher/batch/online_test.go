package batch_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
)

// TestPublishedListIsTheOnlineList: with the capacity pass off, every
// published list is, item for item (post, rank, score, reasons,
// contributions), what the API computes online for the same graduate and
// data — the batch ranks through engine.Ranker, the online path through
// Recommend.
func TestPublishedListIsTheOnlineList(t *testing.T) {
	ctx := context.Background()
	st := openBolt(t)
	fill(t, st)
	in := load(t, st)
	off := batch.DefaultConfig()
	off.Capacity.K = 0
	if _, err := batch.Run(ctx, st, in, batch.Options{Config: off, Chunk: 1000, Log: quiet()}); err != nil {
		t.Fatal(err)
	}
	active, _ := activeGraduates(t, st)
	_, lists := runLists(t, st, ids(active))
	pol := in.Engine.Policy().Shortlist
	items := 0
	for i := range active {
		g := &active[i]
		n := 8
		if g.IsHardship() {
			n = min(max(n, pol.PostsMin), pol.PostsMax)
		}
		want, err := in.Engine.Recommend(g, matcher.Query{Limit: n, PerEmployer: 2})
		if err != nil {
			t.Fatal(err)
		}
		var got []matcher.Item
		for _, sr := range lists[g.ID] {
			if sr.Plan || sr.Kind == matcher.KindCourse {
				continue
			}
			var it matcher.Item
			if err := json.Unmarshal(sr.Item, &it); err != nil {
				t.Fatal(err)
			}
			got = append(got, it)
		}
		// Compare as the API serves them: through JSON.
		b, _ := json.Marshal(want.Items)
		var wantItems []matcher.Item
		if err := json.Unmarshal(b, &wantItems); err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 && len(wantItems) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, wantItems) {
			t.Fatalf("graduate %s: published list differs from the online list:\n%+v\n%+v", g.ID, got, wantItems)
		}
		items += len(got)
	}
	t.Logf("%d graduates, %d published items equal to the online items", len(active), items)
	if items < len(active)*4 {
		t.Fatalf("only %d items over %d graduates", items, len(active))
	}
}
