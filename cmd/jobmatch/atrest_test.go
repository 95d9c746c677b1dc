package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestNoPersonalDataInClearAtRest is issue 10's check, end to end: the
// generator's ledger is imported with `jobmatch ingest` into the embedded
// store and into PostgreSQL, casework notes holding IDs and phones are
// written, and then every file under the data directory and a pg_dump of
// the database are searched for every national ID, phone and name of the
// ledger and every note: none may be found.
func TestNoPersonalDataInClearAtRest(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a generated ledger into both stores")
	}
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen")
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "100", "--graduates", "1500", "--courses", "5", "--seed", "11"); code != 0 {
		t.Fatalf("gen: %s", errs)
	}
	f, err := os.Open(filepath.Join(gen, "graduates.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) < 1001 {
		t.Fatalf("ledger: %d rows, %v", len(recs), err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var secrets, ids []string
	for _, r := range recs[1:] {
		for _, c := range []string{"name", "national_id", "phone"} {
			if v := r[col[c]]; v != "" {
				secrets = append(secrets, v)
			}
		}
		ids = append(ids, r[col["id"]])
	}
	if len(secrets) < 3*1400 {
		t.Fatalf("the ledger has %d personal values: the columns moved? %v", len(secrets), recs[0])
	}
	notes := []string{fmt.Sprintf("本人身份证 %s，母亲电话 13955556666", recs[1][col["national_id"]]), "家庭住址：水磨沟区南湖路 88 号 3 单元"}
	secrets = append(secrets, notes...)
	keys, err := dataKeys()
	if err != nil {
		t.Fatal(err)
	}
	writeNotes := func(st matcher.FullStore) {
		ctx := context.Background()
		if err := st.LogContact(ctx, matcher.ContactEntry{GraduateID: ids[0], KeyID: "k", Method: "phone", Outcome: "reached", Note: notes[0]}); err != nil {
			t.Fatal(err)
		}
		if err := st.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: ids[1], PostID: "x:1", Action: "add", KeyID: "k", Note: notes[1]}); err != nil {
			t.Fatal(err)
		}
	}

	// The embedded store: every file the data directory holds.
	data := filepath.Join(dir, "data")
	if code, _, errs := run(t, "", "ingest", "--data", data, "--quiet", "graduates", filepath.Join(gen, "graduates.csv")); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}
	st, err := bolt.Open(filepath.Join(data, "jobmatch.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	writeNotes(st)
	st.Close()
	var raw bytes.Buffer
	filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			raw.Write(b)
		}
		return nil
	})
	assertNoneInClear(t, "the embedded data directory", raw.Bytes(), secrets, ids[len(ids)-1])

	// PostgreSQL: what pg_dump writes.
	cfg := pgtest.Schema(t)
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", cfg.ConnConfig.RuntimeParams["search_path"])
	u.RawQuery = q.Encode()
	if code, _, errs := run(t, "", "migrate", "--db", u.String()); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := run(t, "", "ingest", "--db", u.String(), "--data", filepath.Join(dir, "pgdata"), "--quiet", "graduates", filepath.Join(gen, "graduates.csv")); code != 0 {
		t.Fatalf("ingest into PostgreSQL: %s", errs)
	}
	pg, err := postgres.OpenConfig(context.Background(), cfg.Copy(), keys)
	if err != nil {
		t.Fatal(err)
	}
	writeNotes(pg)
	pg.Close()
	c := cfg.ConnConfig
	dump := exec.Command("pg_dump", "--schema="+c.RuntimeParams["search_path"], "-h", c.Host, "-p", fmt.Sprint(c.Port), "-U", c.User, c.Database)
	dump.Env = append(os.Environ(), "PGPASSWORD="+c.Password)
	out, err := dump.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	assertNoneInClear(t, "pg_dump", out, secrets, ids[len(ids)-1])
}

func assertNoneInClear(t *testing.T, where string, raw []byte, secrets []string, mustHold string) {
	t.Helper()
	if !bytes.Contains(raw, []byte(mustHold)) {
		t.Fatalf("%s does not hold the ledger at all (no %s): the search would prove nothing", where, mustHold)
	}
	var found []string
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			found = append(found, s)
		}
	}
	if len(found) > 0 {
		t.Errorf("%s: %d of %d personal values in the clear, e.g. %q", where, len(found), len(secrets), strings.Join(found[:min(3, len(found))], ", "))
	} else {
		t.Logf("%s (%d bytes): 0 of %d names, national IDs, phones and notes in the clear", where, len(raw), len(secrets))
	}
}
