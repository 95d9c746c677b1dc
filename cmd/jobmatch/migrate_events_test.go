package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestMigrateSealsLegacyEvents: feedback events and audit entries that a
// jobmatch before schema version 6 wrote in PostgreSQL — a feedback
// event's post, an audit entry's action and detail beside a graduate, in
// the clear — are sealed by `jobmatch migrate` and read back the same.
func TestMigrateSealsLegacyEvents(t *testing.T) {
	ctx := context.Background()
	db, cfg := pgtest.SchemaURL(t)
	if code, _, errs := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	keys, err := dataKeys()
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.OpenConfig(ctx, cfg.Copy(), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const post, detail = "legacy-welfare:GY0071", "post legacy-welfare:GY0071"
	if err := st.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "m1", GraduateID: "G7", PostID: post, Type: matcher.FeedbackApply, Source: "key:k1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Audit(ctx, matcher.AuditEntry{ID: "m2", KeyID: "k1", Role: matcher.RoleCounselor, Action: "post.candidates", GraduateID: "G7", Detail: detail}); err != nil {
		t.Fatal(err)
	}
	// As an older jobmatch left them.
	for _, sql := range []string{`UPDATE feedback SET post_id = $1, post_box = NULL`, `UPDATE audit_log SET action = 'post.candidates', detail = $1, box = NULL`} {
		arg := post
		if strings.Contains(sql, "audit") {
			arg = detail
		}
		if _, err := st.Pool().Exec(ctx, sql, arg); err != nil {
			t.Fatal(err)
		}
	}
	clear := func() int {
		var n int
		err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM feedback WHERE post_id <> '') + (SELECT count(*) FROM audit_log WHERE action <> '' OR detail <> '')`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := clear(); n != 2 {
		t.Fatalf("%d rows in the clear before migrate, want the 2 written so", n)
	}
	if code, _, errs := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if n := clear(); n != 0 {
		t.Fatalf("%d rows still in the clear after migrate", n)
	}
	var got []string
	if err := st.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error { got = append(got, e.PostID); return nil }); err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, "G7", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != post || len(log) != 1 || log[0].Action != "post.candidates" || log[0].Detail != detail {
		t.Fatalf("after migrate: feedback %q, audit %+v", got, log)
	}
}
