package postgres_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/seal"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

func TestOpenRefusesWrongSchemaVersion(t *testing.T) {
	cfg := pgtest.Schema(t)
	ctx := context.Background()
	open := func() error {
		s, err := postgres.OpenConfig(ctx, cfg.Copy(), pgtest.Keys(t))
		if err == nil {
			s.Close()
		}
		return err
	}
	want := postgres.SchemaVersion()
	if err := open(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("not migrated (schema version none, expected %d)", want)) {
		t.Fatalf("unmigrated: %v", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg.Copy())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(ctx, pool); err != nil { // idempotent
		t.Fatalf("second migrate: %v", err)
	}
	if err := open(); err != nil {
		t.Fatalf("migrated: %v", err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, 'future.sql')`, want+1); err != nil {
		t.Fatal(err)
	}
	if err := open(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("version %d is newer than expected %d", want+1, want)) {
		t.Fatalf("newer: %v", err)
	}
	if err := postgres.Migrate(ctx, pool); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("migrate on a newer schema: %v", err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM schema_version WHERE version >= $1`, want); err != nil {
		t.Fatal(err)
	}
	if want > 1 {
		if err := open(); err == nil || !strings.Contains(err.Error(), "older than expected") {
			t.Fatalf("older: %v", err)
		}
	}
}

func TestPersonalDataEncryptedAtRest(t *testing.T) {
	s := pgtest.Open(t)
	ctx := context.Background()
	g := storetest.Graduate(10)
	g.Name = "阿依古丽·买买提"
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	// Read every column of the row as text, as anyone with database access could.
	var row string
	if err := s.Pool().QueryRow(ctx, `SELECT g::text FROM graduates g WHERE id = $1`, g.ID).Scan(&row); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{g.NationalID, g.Phone, g.Name, string(g.Hardship[0]), hex.EncodeToString([]byte(g.Phone))} {
		if strings.Contains(row, secret) {
			t.Errorf("%q stored in the clear: %s", secret, row)
		}
	}
	if !strings.Contains(row, g.School) {
		t.Fatalf("non-personal fields should be readable: %s", row)
	}
	// A ciphertext moved onto another row does not decrypt (bound to the ID).
	h := storetest.Graduate(11)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{h}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE graduates SET pii = (SELECT pii FROM graduates WHERE id = $1) WHERE id = $2`, g.ID, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Graduate(ctx, h.ID); err == nil || !strings.Contains(err.Error(), "does not decrypt") {
		t.Fatalf("swapped ciphertext: %v", err)
	}
}

func TestOpenRefusesOtherDataKey(t *testing.T) {
	cfg := pgtest.Schema(t)
	ctx := context.Background()
	s, err := postgres.OpenAndMigrate(ctx, cfg.Copy(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	other, err := seal.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.OpenConfig(ctx, cfg.Copy(), other); err == nil || !strings.Contains(err.Error(), "not the one this database was written with") {
		t.Fatalf("other key: %v", err)
	}
	if _, err := postgres.OpenConfig(ctx, cfg.Copy(), nil); err == nil || !strings.Contains(err.Error(), "no data key") {
		t.Fatalf("no key: %v", err)
	}
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"cannot connect now", fmt.Errorf("q: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"serialization", &pgconn.PgError{Code: "40001"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax", &pgconn.PgError{Code: "42601"}, false},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"eof", io.ErrUnexpectedEOF, true},
		{"conn closed", fmt.Errorf("x: %w", pgconn.ErrConnClosed), true},
		{"canceled", context.Canceled, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{"not found", matcher.ErrNotFound("x", "y"), false},
		{"other", errors.New("boom"), false},
	}
	for _, tc := range cases {
		if got := postgres.Retryable(tc.err); got != tc.want {
			t.Errorf("%s: retryable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRounds(t *testing.T) {
	keys := []string{"a", "b", "a", "c", "a", "b"}
	got := postgres.Rounds(len(keys), func(i int) string { return keys[i] })
	want := [][]int{{0, 1, 3}, {2, 5}, {4}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rounds = %v, want %v", got, want)
	}
}

func TestMigrateURLThenOpen(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg := pgtest.Schema(t)
	q := u.Query()
	q.Set("search_path", cfg.ConnConfig.RuntimeParams["search_path"])
	u.RawQuery = q.Encode()
	ctx := context.Background()
	if _, err := postgres.Open(ctx, u.String(), pgtest.Keys(t)); err == nil || !strings.Contains(err.Error(), "not migrated") {
		t.Fatalf("open before migrate: %v", err)
	}
	if err := postgres.MigrateURL(ctx, u.String()); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, u.String(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestAuditBatchAllOrNothing: a batch the server refuses part-way (a NUL
// byte in its last entry's key ID; a detail beside a graduate is sealed,
// so its bytes never reach the server as text) writes none of its entries, and writing the same
// batch again (a retry after a lost acknowledgement) stores each entry once.
func TestAuditBatchAllOrNothing(t *testing.T) {
	s := pgtest.Open(t)
	ctx := context.Background()
	bad := []matcher.AuditEntry{
		{ID: "a1", KeyID: "k", Action: "graduate.read", GraduateID: "G1"},
		{ID: "a2", KeyID: "x\x00y", Action: "graduate.read", GraduateID: "G1", Detail: "d"},
	}
	if err := s.AuditBatch(ctx, bad); matcher.ErrorCode(err) != matcher.EINVALID {
		t.Fatalf("batch with a NUL byte: err %v, want EINVALID", err)
	}
	good := []matcher.AuditEntry{
		{ID: "b1", KeyID: "k", Action: "graduate.read", GraduateID: "G1"},
		{ID: "b2", KeyID: "k", Action: "graduate.read", GraduateID: "G1"},
	}
	for range 2 {
		if err := s.AuditBatch(ctx, good); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, "G1", 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range log {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"b2", "b1"}) {
		t.Fatalf("audit log holds %v, want [b2 b1]", ids)
	}
}

// TestListsSealed: a batch list is stored sealed (the post it names is not
// readable in the row), a box moved onto another graduate's list does not
// open, and a list written in the clear before schema version 5 is sealed
// by the data-key pass and reads back the same.
func TestListsSealed(t *testing.T) {
	s := pgtest.Open(t)
	ctx := context.Background()
	g, h := storetest.Graduate(20), storetest.Graduate(21)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g, h}); err != nil {
		t.Fatal(err)
	}
	run := &matcher.Run{}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	const post, legacy = "welfare:GY0007", "legacy-welfare:GY0008"
	list := func(p string) []matcher.StoredRecommendation {
		return []matcher.StoredRecommendation{{PostID: p, Kind: matcher.KindJob, Rank: 1, Score: 0.5}}
	}
	if err := s.SaveRecommendations(ctx, run.ID, []matcher.GraduateRecommendations{{GraduateID: g.ID, Items: list(post)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	var row string
	if err := s.Pool().QueryRow(ctx, `SELECT r::text FROM recommendations r WHERE graduate_id = $1`, g.ID).Scan(&row); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row, post) || strings.Contains(row, hex.EncodeToString([]byte(post))) {
		t.Errorf("the list is stored in the clear: %s", row)
	}
	if _, err := s.Pool().Exec(ctx, `INSERT INTO recommendations (run_id, graduate_id, items_box)
		SELECT run_id, $2, items_box FROM recommendations WHERE graduate_id = $1`, g.ID, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RecommendationsFor(ctx, h.ID); err == nil || !strings.Contains(err.Error(), "does not decrypt") {
		t.Fatalf("a box moved onto another graduate's list: %v", err)
	}
	// A list in the clear, as schema version 4 wrote it.
	if _, err := s.Pool().Exec(ctx, `UPDATE recommendations SET items_box = NULL, items = $2 WHERE graduate_id = $1`,
		h.ID, `[{"post_id":"`+legacy+`","kind":"job","rank":1,"score":0.5}]`); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.RecommendationsFor(ctx, h.ID); err != nil || len(got) != 1 || got[0].PostID != legacy {
		t.Fatalf("a list in the clear: %+v %v", got, err)
	}
	if n, err := s.RotateDataKey(ctx, nil); err != nil || n != 1 {
		t.Fatalf("the data-key pass re-sealed %d (want the one list in the clear): %v", n, err)
	}
	var clear int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM recommendations WHERE items IS NOT NULL`).Scan(&clear); err != nil || clear != 0 {
		t.Fatalf("%d lists in the clear after the pass: %v", clear, err)
	}
	for id, want := range map[string]string{g.ID: post, h.ID: legacy} {
		if _, got, err := s.RecommendationsFor(ctx, id); err != nil || len(got) != 1 || got[0].PostID != want {
			t.Fatalf("list of %s after the pass: %+v %v", id, got, err)
		}
	}
}

// TestShortlistPostSealed: the post of a shortlist edit is not readable in
// its row; one written in the clear before schema version 5 reads back and
// is sealed by the data-key pass.
func TestShortlistPostSealed(t *testing.T) {
	s := pgtest.Open(t)
	ctx := context.Background()
	g := storetest.Graduate(30)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	const post, legacy = "welfare:GY0031", "legacy-welfare:GY0032"
	for _, p := range []string{post, legacy} {
		if err := s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: g.ID, PostID: p, Action: "add", KeyID: "k"}); err != nil {
			t.Fatal(err)
		}
	}
	var rows string
	if err := s.Pool().QueryRow(ctx, `SELECT string_agg(e::text, ' ') FROM shortlist_edits e`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rows, post) || strings.Contains(rows, hex.EncodeToString([]byte(post))) {
		t.Fatalf("the edit's post is stored in the clear: %s", rows)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE shortlist_edits SET post_id = $1, post_box = NULL WHERE n = (SELECT max(n) FROM shortlist_edits)`, legacy); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		es, err := s.ShortlistEdits(ctx, g.ID)
		if err != nil || len(es) != 2 || es[0].PostID != post || es[1].PostID != legacy {
			t.Fatalf("%s: %+v %v", when, es, err)
		}
	}
	check("with one post in the clear")
	if n, err := s.RotateDataKey(ctx, nil); err != nil || n != 1 {
		t.Fatalf("the data-key pass re-sealed %d (want the one post in the clear): %v", n, err)
	}
	check("after the pass")
	var clear int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM shortlist_edits WHERE post_id <> ''`).Scan(&clear); err != nil || clear != 0 {
		t.Fatalf("%d posts in the clear after the pass: %v", clear, err)
	}
}
