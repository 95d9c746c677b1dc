package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestRecommendAsksTheRunningServer: with `serve` running on the data
// directory, `jobmatch recommend` asks it (the server's metrics count the
// request) and prints the list the engine built in-process gives (--local,
// before the server started); --server URL works with an API key and is
// refused without one or with --explain-exclusions.
func TestRecommendAsksTheRunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves a data set")
	}
	dir := t.TempDir()
	gen, data := filepath.Join(dir, "gen"), filepath.Join(dir, "data")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "600", "--graduates", "20", "--courses", "10", "--seed", "5"); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	for _, entity := range []string{"posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", entity, code, errs)
		}
	}
	b, err := os.ReadFile(filepath.Join(gen, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gid := strings.SplitN(strings.Split(string(b), "\n")[1], ",", 2)[0]
	list := func(out string) []string {
		t.Helper()
		var res matcher.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("recommend --json: %v\n%s", err, out)
		}
		var ids []string
		for _, it := range res.Items {
			ids = append(ids, it.PostID)
		}
		return ids
	}
	code, out, errs := run(t, "", "recommend", "--data", data, day, "--local", "--graduate", gid, "--json")
	if code != 0 {
		t.Fatalf("recommend --local: exit %d: %s", code, errs)
	}
	local := list(out)
	if len(local) == 0 {
		t.Fatalf("recommend --local: an empty list")
	}
	// The first build kept the posts' term counts in the data directory;
	// the second reads them instead of cutting the texts, and answers the
	// same, reasons and scores included.
	if _, err := os.Stat(filepath.Join(data, termCacheFile)); err != nil {
		t.Fatalf("recommend --local kept no term cache: %v", err)
	}
	code, again, errs := run(t, "", "recommend", "--data", data, day, "--local", "--graduate", gid, "--json")
	if code != 0 || again != out {
		t.Fatalf("recommend --local from the term cache: exit %d, %s\nwant the first build's answer\n%s", code, again+errs, out)
	}

	addr, metrics := freeAddr(t), freeAddr(t)
	serveInProcess(t, "--data", data, day, "--addr", addr, "--metrics-addr", metrics, "--log-level", "info")
	asked := func() string {
		t.Helper()
		res, err := http.Get("http://" + metrics + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		for _, line := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(line, "jobmatch_http_request_duration_seconds_count") && strings.Contains(line, `route="/v1/graduates/{id}/recommendations"`) {
				return line
			}
		}
		return ""
	}
	before := asked()
	code, out, errs = run(t, "", "recommend", "--data", data, day, "--graduate", gid, "--json")
	if code != 0 {
		t.Fatalf("recommend while serving: exit %d: %s", code, errs)
	}
	if got := list(out); strings.Join(got, ",") != strings.Join(local, ",") {
		t.Errorf("through the server %v, built here %v", got, local)
	}
	if after := asked(); after == "" || after == before {
		t.Errorf("the server did not answer the recommendation (metrics %q → %q)", before, after)
	}

	code, out, errs = run(t, "", "keys", "create", "--data", data, "--role", "admin", "--name", "script")
	if code != 0 {
		t.Fatalf("keys create: exit %d: %s", code, errs)
	}
	t.Setenv("JOBMATCH_API_KEY", strings.TrimSpace(out))
	code, out, errs = run(t, "", "recommend", "--server", "http://"+addr, "--graduate", gid)
	if code != 0 || !strings.Contains(out, "毕业生 "+gid) || !strings.Contains(out, "1. [") {
		t.Fatalf("recommend --server: exit %d: %s %s", code, out, errs)
	}
	if code, _, errs := run(t, "", "recommend", "--server", "http://"+addr, "--graduate", gid, "--explain-exclusions"); code != 2 || !strings.Contains(errs, "--explain-exclusions") {
		t.Errorf("--server with --explain-exclusions: exit %d: %s", code, errs)
	}
	t.Setenv("JOBMATCH_API_KEY", "")
	t.Setenv("JOBMATCH_ADMIN_KEY", "")
	if code, _, errs := run(t, "", "recommend", "--server", "http://"+addr, "--graduate", gid); code != 2 || !strings.Contains(errs, "JOBMATCH_API_KEY") {
		t.Errorf("--server without a key: exit %d: %s", code, errs)
	}
}
