package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestNoPersonalDataInClearAtRest is issue 10's check, end to end: the
// generator's posts and ledger are imported with `jobmatch ingest` into
// the embedded store and into PostgreSQL and a `jobmatch batch` run is
// published, casework notes holding IDs and phones are written, an
// account is made with `jobmatch users create` and signed in to a running
// `serve`, whose session logs a contact; then every file under the data
// directory and a pg_dump of the database are searched for every national
// ID, phone and name of the ledger, every hardship category, every note,
// the account's full name and office phone, the password and the
// session's token: none may be found. Nor may
// hardship be read from the run's stored lists: no item naming a
// 公益性岗位 (offered only to hardship graduates) is in the clear, and in
// the dump hardship graduates' lists come in the sizes others' do.
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
	hardship := map[string]bool{}
	for _, r := range recs[1:] {
		for _, c := range []string{"name", "national_id", "phone"} {
			if v := r[col[c]]; v != "" {
				secrets = append(secrets, v)
			}
		}
		if r[col["hardship"]] != "" {
			hardship[r[col["id"]]] = true
		}
		ids = append(ids, r[col["id"]])
	}
	if len(secrets) < 3*1400 || len(hardship) < 50 {
		t.Fatalf("the ledger has %d personal values and %d hardship graduates: the columns moved? %v", len(secrets), len(hardship), recs[0])
	}
	// Hardship categories, as the ledger writes them and as a store would
	// keep them (the domain's codes): none may be in the clear anywhere.
	for _, h := range matcher.Hardships {
		secrets = append(secrets, string(h), h.Chinese())
	}
	// The posts are imported too (the batch needs them), and they are
	// public: a two-character name that is also a word of a post's text
	// (许可), or a hardship category a post says it favours (优先安置脱贫家庭),
	// is found in them and proves nothing, so it is not searched for.
	postsCSV, err := os.ReadFile(filepath.Join(gen, "posts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var public []string
	secrets = slices.DeleteFunc(secrets, func(s string) bool {
		if bytes.Contains(postsCSV, []byte(s)) {
			public = append(public, s)
			return true
		}
		return false
	})
	t.Logf("not searched for, being words of the posts' public text: %q", public)
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

	// The embedded store: every file the data directory holds, after the
	// posts and the ledger are imported and a batch run is published.
	data := filepath.Join(dir, "data")
	for _, entity := range []string{"posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--data", data, "--now", "2023-06-15", "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: %s", entity, errs)
		}
	}
	welfare, listed, runID := listedWelfare(t, gen, t.TempDir(), "--data", data)
	for _, g := range listed {
		if !hardship[g] {
			t.Fatalf("graduate %s is offered a 公益性岗位 but is not in hardship: the eligibility rule this test rests on changed", g)
		}
	}
	st, err := bolt.Open(filepath.Join(data, "jobmatch.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	writeNotes(st)
	st.Close()
	ev := welfareEvent{graduate: listed[0], post: listedPost(t, gen, listed[0], "--data", data)}
	sess := signedInSession(t, ids, ev, "--data", data)
	var raw bytes.Buffer
	filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		// The segmenter's compiled dictionary is made of the embedded
		// dictionary and the catalog's words only (index.SetDictionaryCache),
		// among them words that are also names and the hardship categories.
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), index.DictionaryCacheFile) {
			b, _ := os.ReadFile(p)
			raw.Write(b)
		}
		return nil
	})
	assertNoneInClear(t, "the embedded data directory", raw.Bytes(), append(secrets, sess.secrets...), ids[len(ids)-1])
	sess.assertStored(t, "the embedded data directory", raw.Bytes())
	assertListsSealed(t, "the embedded data directory", raw.Bytes(), welfare, listed, runID, func(run, g string) []byte { return []byte(run + "\x00" + g) })
	ev.assertBoltSealed(t, filepath.Join(data, "jobmatch.db"), welfare)

	// PostgreSQL: what pg_dump writes.
	db, cfg := pgtest.SchemaURL(t)
	if code, _, errs := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	for _, entity := range []string{"posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--db", db, "--data", filepath.Join(dir, "pgdata"), "--now", "2023-06-15", "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s into PostgreSQL: %s", entity, errs)
		}
	}
	welfare, listed, runID = listedWelfare(t, gen, t.TempDir(), "--db", db, "--data", filepath.Join(dir, "pgdata"))
	pg, err := postgres.OpenConfig(context.Background(), cfg.Copy(), keys)
	if err != nil {
		t.Fatal(err)
	}
	writeNotes(pg)
	pg.Close()
	ev = welfareEvent{graduate: listed[0], post: listedPost(t, gen, listed[0], "--db", db, "--data", filepath.Join(dir, "pgdata"))}
	sess = signedInSession(t, ids, ev, "--db", db, "--data", filepath.Join(dir, "pgdata"))
	c := cfg.ConnConfig
	// Other tests create and drop schemas in the same database meanwhile,
	// which can fail pg_dump's catalogue reads: tried again, its message shown.
	var out []byte
	for try := 0; try < 3; try++ {
		dump := exec.Command("pg_dump", "--schema="+c.RuntimeParams["search_path"], "-h", c.Host, "-p", fmt.Sprint(c.Port), "-U", c.User, c.Database)
		dump.Env = append(os.Environ(), "PGPASSWORD="+c.Password)
		if out, err = dump.Output(); err == nil {
			break
		}
	}
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("pg_dump, three tries: %v: %s", err, stderr)
	}
	assertNoneInClear(t, "pg_dump", out, append(secrets, sess.secrets...), ids[len(ids)-1])
	sess.assertStored(t, "pg_dump", out)
	assertListsSealed(t, "pg_dump", out, welfare, listed, runID, func(run, g string) []byte { return []byte(run + "\t" + g + "\t") })
	assertListSizesHide(t, out, hardship, ids)
	ev.assertDumpSealed(t, out, welfare)
}

// atRestSession is what signedInSession left in the store: secrets that
// must not be found, and the account's name and the token's SHA-256 that
// must be (else the search did not reach the accounts and sessions).
type atRestSession struct {
	secrets []string
	user    string
	hash    [32]byte
}

func (a atRestSession) assertStored(t *testing.T, where string, raw []byte) {
	t.Helper()
	if !bytes.Contains(raw, []byte(a.user)) {
		t.Errorf("%s holds no account %s: the search did not reach the accounts", where, a.user)
	}
	// bbolt keeps the hash as a key's raw bytes (and base64 in the JSON
	// value); pg_dump writes a bytea in hex.
	forms := [][]byte{a.hash[:], []byte(base64.StdEncoding.EncodeToString(a.hash[:])), []byte(hex.EncodeToString(a.hash[:]))}
	for _, f := range forms {
		if bytes.Contains(raw, f) {
			return
		}
	}
	t.Errorf("%s holds no session under the token's SHA-256: the search did not reach the sessions", where)
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
		t.Logf("%s (%d bytes): 0 of %d names, national IDs, phones, hardship categories, notes, passwords and session tokens in the clear", where, len(raw), len(secrets))
	}
}

// signedInSession makes an account with `jobmatch users create`, serves
// the store (store names it), signs in over HTTP as the workspace does
// and logs a contact with a note through the session, writes ev (a
// 公益性岗位's feedback, plan edit and candidates read), and stops the
// server with the session still open (its row stays in the store). It
// returns what must not be found at rest (the password, the session's
// token, the note) and what must (the account, the token's hash).
func signedInSession(t *testing.T, ids []string, ev welfareEvent, store ...string) atRestSession {
	t.Helper()
	const pw = "Ürümqi-atrest-passwort-7731"
	args := append([]string{"users", "create"}, store...)
	args = append(args, "--name", "atrest.wang", "--role", "admin", "--full-name", "热依拉·阿不都热合曼", "--contact", "0991-4446666", "--password-stdin")
	if code, _, errs := run(t, pw+"\n", args...); code != 0 {
		t.Fatalf("users create: %s", errs)
	}
	addr := freeAddr(t)
	m := NewMain()
	serving := newLogSignal("serving the API")
	m.Stdout, m.Stderr = io.Discard, serving
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, append(append([]string{"serve"}, store...), "--addr", addr, "--log-level", "info", "--now", "2023-06-15"))
	}()
	defer func() { cancel(); <-done; m.Close() }()
	serving.wait(t, done)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	post := func(path, csrf string, body any) (*http.Response, []byte) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", "http://"+addr+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res, out
	}
	res, body := post("/v1/session", "", map[string]string{"name": "atrest.wang", "password": pw})
	if res.StatusCode != 200 {
		t.Fatalf("sign-in: %d %s", res.StatusCode, body)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(body, &me)
	var token string
	for _, ck := range res.Cookies() {
		if ck.Name == "jm_session" {
			token = ck.Value
		}
	}
	if token == "" || me.CSRF == "" {
		t.Fatalf("sign-in gave no session: %v %s", res.Header, body)
	}
	note := "会话记录：家长手机 13722224444，低保（低收入）家庭"
	if res, body := post("/v1/graduates/"+ids[2]+"/contacts", me.CSRF, map[string]string{"method": "phone", "outcome": "reached", "note": note}); res.StatusCode != 201 {
		t.Fatalf("contact through the session: %d %s", res.StatusCode, body)
	}
	ev.write(t, c, addr, me.CSRF)
	return atRestSession{secrets: []string{pw, token, note, "13722224444", "热依拉·阿不都热合曼", "0991-4446666"}, user: "atrest.wang", hash: sha256.Sum256([]byte(token))}
}
