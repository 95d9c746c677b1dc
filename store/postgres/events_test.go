package postgres_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestEventsSealed: a feedback event's post and an audit entry's action
// and detail beside a graduate are not readable in their rows (a 公益性岗位 named
// beside a graduate says they are in hardship); rows written in the clear
// before schema version 6 read back and are sealed by the data-key pass
// (which `jobmatch migrate` and `keys rotate-data-key` run); an entry
// naming no graduate keeps its detail readable.
func TestEventsSealed(t *testing.T) {
	s := pgtest.Open(t)
	ctx := context.Background()
	const post, detail = "welfare-fb:GY0061", "add welfare-plan:GY0062"
	const oldPost, oldDetail = "legacy-fb:GY0063", "post legacy-cand:GY0064"
	if err := s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "e1", GraduateID: "G1", PostID: post, Type: matcher.FeedbackClick, Source: "key:k1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "e0", GraduateID: "G2", PostID: oldPost, Type: matcher.FeedbackApply, Source: "zhaopin"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, matcher.AuditEntry{ID: "a0", KeyID: "k1", Action: "post.candidates", GraduateID: "G2", Detail: oldDetail}); err != nil {
		t.Fatal(err)
	}
	if err := s.AuditBatch(ctx, []matcher.AuditEntry{{ID: "a1", KeyID: "k1", Action: "shortlist.write", GraduateID: "G1", Detail: detail},
		{ID: "a2", KeyID: "k1", Action: "key.revoke", Detail: "revoked-k7"}}); err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		var rows string
		err := s.Pool().QueryRow(ctx, `SELECT (SELECT string_agg(f::text, ' ') FROM feedback f) || ' ' || (SELECT string_agg(a::text, ' ') FROM audit_log a)`).Scan(&rows)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	for _, sec := range []string{post, detail, oldPost, oldDetail, "shortlist.write", "post.candidates"} {
		if rows := dump(); strings.Contains(rows, sec) || strings.Contains(rows, hex.EncodeToString([]byte(sec))) {
			t.Fatalf("%q is stored in the clear: %s", sec, rows)
		}
	}
	if !strings.Contains(dump(), "revoked-k7") || !strings.Contains(dump(), "key.revoke") {
		t.Fatal("an entry naming no graduate is not readable")
	}
	// What jobmatch before schema version 6 wrote: the post and the detail in the clear.
	for _, q := range []string{`UPDATE feedback SET post_id = $1, post_box = NULL WHERE id = 'e0'`,
		`UPDATE audit_log SET action = 'post.candidates', detail = $1, box = NULL WHERE id = 'a0'`} {
		arg := oldPost
		if strings.Contains(q, "audit") {
			arg = oldDetail
		}
		if _, err := s.Pool().Exec(ctx, q, arg); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		var fb []string
		if err := s.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error {
			fb = append(fb, e.Source+"/"+e.ID+"/"+e.GraduateID+"/"+e.PostID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(fb) != 2 || fb[0] != "key:k1/e1/G1/"+post || fb[1] != "zhaopin/e0/G2/"+oldPost {
			t.Fatalf("%s: feedback %q", when, fb)
		}
		log, err := s.AuditLog(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			got = append(got, e.ID+"|"+e.Action+"|"+e.Detail)
		}
		if len(got) != 3 || got[0] != "a2|key.revoke|revoked-k7" || got[1] != "a1|shortlist.write|"+detail || got[2] != "a0|post.candidates|"+oldDetail {
			t.Fatalf("%s: audit log %q", when, got)
		}
	}
	check("with a post and a detail in the clear")
	if n, err := s.RotateDataKey(ctx, nil); err != nil || n != 2 {
		t.Fatalf("the data-key pass re-sealed %d (want the post and the detail in the clear): %v", n, err)
	}
	check("after the pass")
	for _, sec := range []string{oldPost, oldDetail, "post.candidates"} {
		if strings.Contains(dump(), sec) {
			t.Fatalf("%q in the clear after the pass", sec)
		}
	}
}
