package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestRunsEndpoints: GET /v1/runs lists runs newest first with the served
// one marked and each report's summary; GET /v1/runs/{id} (and latest)
// gives a run with its report, null for a run still running; only people
// read them; an unknown run is a 404.
func TestRunsEndpoints(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g, _ := f.graduateIn("天山区")
	first := f.publishRun(g, 8)
	rep := &matcher.RunReport{RunID: first, Summary: []string{"本批次为 1 名仍在找工作的毕业生各生成了一份推荐名单。"}, Graduates: 1, Limit: 8,
		Channels: []matcher.RunCoverage{{Key: "sme", Name: "中小微企业", Graduates: 1, Slots: 8}},
		Diff:     matcher.RunDiff{Previous: "batch-20230614", Compared: 1, NewPosts: 1, NewItems: 2}}
	if err := f.st.SaveRunReport(ctx, rep); err != nil {
		t.Fatal(err)
	}
	running := &matcher.Run{}
	if err := f.st.CreateRun(ctx, running); err != nil {
		t.Fatal(err)
	}

	res := f.do("GET", "/v1/runs", "counselor", nil)
	if res.status != http.StatusOK {
		t.Fatalf("list: %d %s", res.status, res.body)
	}
	var list struct {
		Runs []struct {
			matcher.Run
			Current bool     `json:"current"`
			Summary []string `json:"summary"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(res.body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Runs) != 2 || list.Runs[0].ID != running.ID || list.Runs[0].Current || list.Runs[0].Summary != nil ||
		list.Runs[1].ID != first || !list.Runs[1].Current || !slices.Equal(list.Runs[1].Summary, rep.Summary) || list.Runs[1].Graduates != 1 {
		t.Fatalf("list: %s", res.body)
	}
	if res := f.do("GET", "/v1/runs?limit=1", "admin", nil); res.status != http.StatusOK || len(res.json(t)["runs"].([]any)) != 1 {
		t.Fatalf("limit=1: %d %s", res.status, res.body)
	}
	if res := f.do("GET", "/v1/runs?limit=x", "admin", nil); res.status != http.StatusBadRequest {
		t.Fatalf("limit=x: %d", res.status)
	}

	for _, id := range []string{first, "latest"} {
		res := f.do("GET", "/v1/runs/"+id, "counselor", nil)
		var got struct {
			Run    matcher.Run        `json:"run"`
			Report *matcher.RunReport `json:"report"`
		}
		if err := json.Unmarshal(res.body, &got); err != nil || res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", id, res.status, res.body)
		}
		if got.Run.ID != first || got.Run.Status != matcher.RunPublished || got.Report == nil || got.Report.Diff != rep.Diff || got.Report.Channels[0].Slots != 8 {
			t.Fatalf("%s: %s", id, res.body)
		}
	}
	res = f.do("GET", "/v1/runs/"+running.ID, "admin", nil)
	if m := res.json(t); res.status != http.StatusOK || m["report"] != nil || m["run"].(map[string]any)["status"] != "running" {
		t.Fatalf("running run: %d %s", res.status, res.body)
	}
	if res := f.do("GET", "/v1/runs/batch-19990101", "admin", nil); res.status != http.StatusNotFound {
		t.Fatalf("unknown run: %d %s", res.status, res.body)
	}
	if res := f.do("GET", "/v1/runs", "portalA", nil); res.status != http.StatusForbidden {
		t.Fatalf("portal key: %d", res.status)
	}
	if res := f.do("GET", "/v1/runs", "", nil); res.status != http.StatusUnauthorized {
		t.Fatalf("no key: %d", res.status)
	}
}

// TestRunsEndpointsPrunedRun: a run whose lists the retention policy
// pruned is still listed and shown with its report, saying so
// (lists_pruned, pruned_at); the served run's lists still serve.
func TestRunsEndpointsPrunedRun(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g, _ := f.graduateIn("天山区")
	old := f.publishRun(g, 8)
	if err := f.st.SaveRunReport(ctx, &matcher.RunReport{RunID: old, Summary: []string{"最早的批次。"}, Graduates: 1}); err != nil {
		t.Fatal(err)
	}
	f.publishRun(g, 8)
	served := f.publishRun(g, 8)
	res, err := f.st.PruneRuns(ctx, 2, false)
	if err != nil || len(res.Pruned) != 1 || res.Pruned[0].ID != old {
		t.Fatalf("prune: %+v %v", res, err)
	}

	r := f.do("GET", "/v1/runs/"+old, "counselor", nil)
	var got struct {
		Run         matcher.Run        `json:"run"`
		Report      *matcher.RunReport `json:"report"`
		ListsPruned bool               `json:"lists_pruned"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil || r.status != http.StatusOK {
		t.Fatalf("pruned run: %d %s", r.status, r.body)
	}
	if !got.ListsPruned || got.Run.PrunedAt.IsZero() || got.Run.Graduates != 1 || got.Report == nil || got.Report.Summary[0] != "最早的批次。" {
		t.Fatalf("pruned run: %s", r.body)
	}
	r = f.do("GET", "/v1/runs/latest", "counselor", nil)
	if m := r.json(t); r.status != http.StatusOK || m["lists_pruned"] != false || m["run"].(map[string]any)["id"] != served {
		t.Fatalf("served run: %d %s", r.status, r.body)
	}
	r = f.do("GET", "/v1/runs", "admin", nil)
	var list struct {
		Runs []struct {
			ID          string `json:"id"`
			PrunedAt    string `json:"pruned_at"`
			ListsPruned bool   `json:"lists_pruned"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil || len(list.Runs) != 3 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	for _, run := range list.Runs {
		if pruned := run.ID == old; run.ListsPruned != pruned || (run.PrunedAt != "") != pruned {
			t.Fatalf("list: run %s: %s", run.ID, r.body)
		}
	}
	r = f.do("GET", "/v1/graduates/"+g.ID+"/recommendations", "admin", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"items":[{`) {
		t.Fatalf("the served run's list after the prune: %d %s", r.status, r.body)
	}
}
