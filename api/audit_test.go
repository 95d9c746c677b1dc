package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// gatedStore is the real bolt store with its AuditBatch observed: it
// records each commit's size, can hold the first commits (one per slot)
// until released, and refuses any batch holding an entry whose Detail is
// "refuse". It takes slots commits at once (AuditConcurrent; 0 is 1).
type gatedStore struct {
	*bolt.Store
	slots   int
	mu      sync.Mutex
	sizes   []int
	hold    chan struct{} // the first slots commits wait for it, when non-nil
	entered chan struct{} // closed when the first slots commits have begun
}

func (s *gatedStore) AuditConcurrency() int { return max(s.slots, 1) }

func (s *gatedStore) AuditBatch(ctx context.Context, es []matcher.AuditEntry) error {
	s.mu.Lock()
	held := len(s.sizes) < s.AuditConcurrency()
	s.sizes = append(s.sizes, len(es))
	last := len(s.sizes) == s.AuditConcurrency()
	s.mu.Unlock()
	if held && s.hold != nil {
		if last {
			close(s.entered)
		}
		<-s.hold
	}
	for _, e := range es {
		if e.Detail == "refuse" {
			return errors.New("refused")
		}
	}
	return s.Store.AuditBatch(ctx, es)
}

func TestAuditGroupCommit(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		refuse  int // index of the entry the store refuses, -1 for none
		wantErr []int
	}{
		{"one entry", 1, -1, nil},
		{"entries arriving during a commit share the next", 40, -1, nil},
		{"a refused entry fails alone", 40, 7, []int{7}},
		{"the refused entry is the one committing", 5, 0, []int{0}},
	}
	for _, slots := range []int{1, 2} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%d slots/%s", slots, tc.name), func(t *testing.T) { testGroupCommit(t, slots, tc.n, tc.refuse, tc.wantErr) })
		}
	}
}

// testGroupCommit: the first slots entries each start a commit, held
// until every other entry has joined the batch collecting meanwhile,
// which is then committed as one.
func testGroupCommit(t *testing.T, slots, n, refuse int, wantErr []int) {
	if n < slots {
		slots = n
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gs := &gatedStore{Store: st, slots: slots, hold: make(chan struct{}), entered: make(chan struct{})}
	a := newAuditLog(gs)
	if a.slots != slots {
		t.Fatalf("%d slots, want %d", a.slots, slots)
	}
	if a.batcher == nil {
		t.Fatal("bolt store not recognised as an auditBatcher")
	}
	joined := make(chan struct{}, 1)
	a.enqueued = func() { notify(joined) }
	entry := func(i int) matcher.AuditEntry {
		e := matcher.AuditEntry{At: time.Now(), KeyID: "k", Role: matcher.RoleAdmin, Action: "graduate.read", GraduateID: fmt.Sprintf("g%03d", i)}
		if i == refuse {
			e.Detail = "refuse"
		}
		return e
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	// Entries 0..slots-1 start a commit each, held until every
	// other entry has joined the collecting batch.
	for i := range slots {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = a.write(context.Background(), entry(i)) }()
	}
	<-gs.entered
	for i := slots; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = a.write(context.Background(), entry(i)) }()
	}
	eventually(t, joined, time.Minute, "every entry joined the collecting batch", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return n == slots || a.collecting != nil && len(a.collecting.entries) == n-slots
	})
	close(gs.hold)
	wg.Wait()

	bad := map[int]bool{}
	for _, i := range wantErr {
		bad[i] = true
	}
	for i, err := range errs {
		if (err != nil) != bad[i] {
			t.Errorf("entry %d: err %v, want error %v", i, err, bad[i])
		}
	}
	// Each write that returned nil is in the log.
	log, err := st.AuditLog(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != n-len(wantErr) {
		t.Errorf("audit log holds %d entries, want %d", len(log), n-len(wantErr))
	}
	// slots+1 group commits, not one per entry: the first entries
	// alone, then everyone who arrived while they were on disk
	// (plus one retry per entry when that batch held a refused
	// entry).
	gs.mu.Lock()
	sizes := gs.sizes
	gs.mu.Unlock()
	want := append(slices.Repeat([]int{1}, slots), n-slots)
	if n > slots && (len(sizes) < slots+1 || !slices.Equal(sizes[:slots+1], want)) {
		t.Errorf("commit sizes %v, want %v ...", sizes, want)
	}
	if refuse < slots && n > slots && len(sizes) != slots+1 {
		t.Errorf("commit sizes %v: want exactly %d commits", sizes, slots+1)
	}
}

// failingAudit is the real bolt store whose audit log refuses writes
// while failing is set (a full disk, a read-only file).
type failingAudit struct {
	*bolt.Store
	failing atomic.Bool
}

func (s *failingAudit) AuditBatch(ctx context.Context, es []matcher.AuditEntry) error {
	if s.failing.Load() {
		return errors.New("disk full")
	}
	return s.Store.AuditBatch(ctx, es)
}

// TestAuditFailureRefusesRead: when the audit entry cannot be written, the
// graduate's data is not served — on every path that reads a graduate,
// including recommendations, whose list is computed while the entry is on
// its way to disk.
func TestAuditFailureRefusesRead(t *testing.T) {
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fs := &failingAudit{Store: st}
	f := newFixtureOn(t, fs, dir, true)
	g, _ := f.graduateIn("天山区")
	paths := []struct{ name, path, key string }{
		{"profile", "/v1/graduates/" + g.ID, "counselor"},
		{"recommendations", "/v1/graduates/" + g.ID + "/recommendations", "admin"},
		{"recommendations by a counselor", "/v1/graduates/" + g.ID + "/recommendations?limit=3", "counselor"},
		{"caseload", "/v1/graduates", "counselor"},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			fs.failing.Store(false)
			if res := f.do("GET", p.path, p.key, nil); res.status != http.StatusOK {
				t.Fatalf("audit working: %d %s", res.status, res.body)
			}
			fs.failing.Store(true)
			res := f.do("GET", p.path, p.key, nil)
			if res.status != http.StatusServiceUnavailable {
				t.Fatalf("audit failing: status %d, want 503: %s", res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q", ct)
			}
			if strings.Contains(string(res.body), g.ID) || strings.Contains(string(res.body), `"items"`) {
				t.Errorf("refused response carries data: %s", res.body)
			}
		})
	}
}

// panickyAudit panics on its first commit.
type panickyAudit struct {
	*bolt.Store
	calls atomic.Int32
}

func (s *panickyAudit) AuditBatch(ctx context.Context, es []matcher.AuditEntry) error {
	if s.calls.Add(1) == 1 {
		panic("store bug")
	}
	return s.Store.AuditBatch(ctx, es)
}

// TestAuditCommitPanic: a store that panics refuses that commit's reads
// and leaves the log working for the next.
func TestAuditCommitPanic(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := newAuditLog(&panickyAudit{Store: st})
	e := matcher.AuditEntry{At: time.Now(), KeyID: "k", Role: matcher.RoleAdmin, Action: "graduate.read", GraduateID: "g1"}
	if err := a.write(context.Background(), e); err == nil {
		t.Fatal("the panicking commit reported success")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := a.write(ctx, e); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
	if log, _ := st.AuditLog(context.Background(), "g1", 10); len(log) != 1 {
		t.Errorf("audit log holds %d entries, want 1", len(log))
	}
}

// TestAuditCommitOnDemand: entries handed in are not committed until a
// request waits for them; then every entry handed in so far goes to disk
// in that one commit, and each ticket gets the outcome.
func TestAuditCommitOnDemand(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gs := &gatedStore{Store: st}
	a := newAuditLog(gs)
	var tickets []*auditTicket
	for i := range 3 {
		e := matcher.AuditEntry{At: time.Now(), KeyID: "k", Role: matcher.RoleAdmin, Action: "graduate.read", GraduateID: fmt.Sprintf("g%d", i)}
		tickets = append(tickets, a.enqueue([]matcher.AuditEntry{e}))
	}
	if log, _ := st.AuditLog(context.Background(), "", 10); len(log) != 0 || len(gs.sizes) != 0 {
		t.Fatalf("committed before anyone waited: %d entries, commits %v", len(log), gs.sizes)
	}
	if err := a.wait(context.Background(), tickets[1]); err != nil {
		t.Fatal(err)
	}
	for i, tk := range tickets {
		if err := a.wait(context.Background(), tk); err != nil {
			t.Errorf("ticket %d: %v", i, err)
		}
	}
	if log, _ := st.AuditLog(context.Background(), "", 10); len(log) != 3 {
		t.Errorf("audit log holds %d entries, want 3", len(log))
	}
	if len(gs.sizes) != 1 || gs.sizes[0] != 3 {
		t.Errorf("commit sizes %v, want one commit of 3", gs.sizes)
	}
}
