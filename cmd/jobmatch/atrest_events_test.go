package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"
)

// Feedback events and audit entries at rest (issue 10, fifth audit): a
// 公益性岗位 named beside a hardship graduate in a feedback event, or in
// the audit entries of a plan edit or of a post's candidates read, says
// the graduate is in hardship as the lists did; so does the action of the
// audit entries a district's 一人一策 handouts write (handout.list names
// every hardship graduate still looking).

// sealedActions are the audit actions that name a graduate in what
// welfareEvent.write does: none may be readable at rest.
var sealedActions = []string{"feedback.write", "shortlist.edit", "post.candidates", "handout.list"}

// welfareEvent is a hardship graduate and a 公益性岗位 their list names.
type welfareEvent struct{ graduate, post string }

// listedPost returns a 公益性岗位 the published run lists for graduate
// (read back with `jobmatch runs export`).
func listedPost(t *testing.T, gen, graduate string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export.csv")
	if code, _, errs := run(t, "", append([]string{"runs", "export", "--out", out}, args...)...); code != 0 {
		t.Fatalf("runs export: %s", errs)
	}
	welfare := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(gen, "posts.csv")) {
		if r["public_welfare"] == "true" {
			welfare[r["source"]+":"+r["external_id"]] = true
		}
	}
	for _, r := range readCSV(t, out) {
		if r["graduate_id"] == graduate && welfare[r["post_id"]] {
			return r["post_id"]
		}
	}
	t.Fatalf("the run lists no 公益性岗位 for %s", graduate)
	return ""
}

// write sends, through a signed-in admin's session, what names the
// graduate beside the post: a feedback event, the post added to the
// graduate's plan, and the post's candidates read (an audit entry per
// candidate).
func (ev welfareEvent) write(t *testing.T, c *http.Client, addr, csrf string) {
	t.Helper()
	do := func(method, path string, body any, want int) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, "http://"+addr+path, rd)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out)
		}
		if (strings.Contains(path, "candidates") || strings.Contains(path, "handouts")) && !strings.Contains(string(out), ev.graduate) {
			t.Fatalf("%s does not hold %s: the audit entries would prove nothing: %.300s", path, ev.graduate, out)
		}
	}
	do("POST", "/v1/feedback", map[string]string{"id": "atrest-fb-1", "graduate_id": ev.graduate, "post_id": ev.post, "type": "apply"}, http.StatusAccepted)
	do("POST", "/v1/graduates/"+ev.graduate+"/shortlist", map[string]string{"action": "add", "post_id": ev.post}, http.StatusOK)
	do("GET", "/v1/posts/"+ev.post+"/candidates?limit=200", nil, http.StatusOK)
	do("GET", "/v1/caseload/handouts?limit=2000", nil, http.StatusOK)
}

// assertBoltSealed reads the embedded store's feedback and audit buckets
// (the server stopped): their entries about the graduate must be there,
// and no 公益性岗位 in the clear in any of them.
func (ev welfareEvent) assertBoltSealed(t *testing.T, path string, welfare []string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var fb, audit bytes.Buffer
	db.View(func(tx *bbolt.Tx) error {
		for name, buf := range map[string]*bytes.Buffer{"feedback": &fb, "audit": &audit} {
			b := tx.Bucket([]byte(name))
			if b == nil {
				t.Fatalf("the embedded store has no %s bucket", name)
			}
			b.ForEach(func(k, v []byte) error { buf.Write(k); buf.Write(v); buf.WriteByte('\n'); return nil })
		}
		return nil
	})
	if fb.Len() == 0 || bytes.Count(audit.Bytes(), []byte(`"graduate_id":"`+ev.graduate+`"`)) < len(sealedActions) {
		t.Fatalf("the embedded store holds no feedback (%d bytes) or fewer audit entries naming %s than the requests made", fb.Len(), ev.graduate)
	}
	for _, a := range sealedActions {
		if bytes.Contains(audit.Bytes(), []byte(a)) {
			t.Errorf("the embedded store's audit log holds the action %s in the clear", a)
		}
	}
	assertNoWelfare(t, "the embedded store's feedback", fb.Bytes(), welfare)
	assertNoWelfare(t, "the embedded store's audit log", audit.Bytes(), welfare)
}

// assertDumpSealed reads the feedback and audit_log tables of a pg_dump.
func (ev welfareEvent) assertDumpSealed(t *testing.T, dump []byte, welfare []string) {
	t.Helper()
	fb, _ := copyBlock(t, dump, "feedback")
	audit, cols := copyBlock(t, dump, "audit_log")
	fbText, auditText := []byte(fmt.Sprint(fb)), []byte(fmt.Sprint(audit))
	gi, ai := slices.Index(cols, "graduate_id"), slices.Index(cols, "action")
	if gi < 0 || ai < 0 {
		t.Fatalf("pg_dump's audit_log has columns %v", cols)
	}
	naming := 0
	for _, row := range audit {
		if row[gi] == ev.graduate {
			naming++
		}
		if row[gi] != "" && row[ai] != "" {
			t.Errorf("pg_dump's audit_log: an entry naming %s holds its action %s in the clear", row[gi], row[ai])
			break
		}
	}
	if !bytes.Contains(fbText, []byte(ev.graduate)) || naming < len(sealedActions) {
		t.Fatalf("pg_dump holds no feedback of %s or fewer audit entries naming it (%d) than the requests made", ev.graduate, naming)
	}
	assertNoWelfare(t, "pg_dump's feedback", fbText, welfare)
	assertNoWelfare(t, "pg_dump's audit_log", auditText, welfare)
}

func assertNoWelfare(t *testing.T, where string, raw []byte, welfare []string) {
	t.Helper()
	for _, p := range welfare {
		if bytes.Contains(raw, []byte(p)) {
			t.Errorf("%s names the 公益性岗位 %s in the clear", where, p)
			return
		}
	}
	t.Logf("%s (%d bytes): none of the %d 公益性岗位 in the clear", where, len(raw), len(welfare))
}
