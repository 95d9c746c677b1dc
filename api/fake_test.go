package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// memStores are in-memory fakes of the parts an HTTP-only test touches:
// keys, the audit log and posts. The other parts are interfaces with no
// implementation behind them (a call would panic, which the server turns
// into a 500 the tests would see): the tests below never reach them,
// which is the point of Config taking one narrow interface a part.
type memStores struct {
	mu    sync.Mutex
	keys  map[string]*matcher.APIKey
	audit []matcher.AuditEntry
	posts map[string]matcher.Post
}

func (m *memStores) CreateKey(_ context.Context, k *matcher.APIKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k.ID == "" {
		k.ID = "K" + string(rune('A'+len(m.keys)))
	}
	for _, o := range m.keys {
		if o.ID == k.ID || bytes.Equal(o.Hash, k.Hash) {
			return matcher.Errorf(matcher.ECONFLICT, "密钥重复", "duplicate key")
		}
	}
	c := *k
	m.keys[k.ID] = &c
	return nil
}

func (m *memStores) KeyByHash(_ context.Context, hash []byte) (*matcher.APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if bytes.Equal(k.Hash, hash) {
			c := *k
			return &c, nil
		}
	}
	return nil, matcher.Errorf(matcher.ENOTFOUND, "无此密钥", "no such key")
}

func (m *memStores) RevokeKey(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return matcher.Errorf(matcher.ENOTFOUND, "无此密钥", "no key %s", id)
	}
	if k.RevokedAt.IsZero() {
		k.RevokedAt = time.Now()
	}
	return nil
}

func (m *memStores) ListKeys(context.Context) ([]matcher.APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []matcher.APIKey
	for _, k := range m.keys {
		out = append(out, *k)
	}
	slices.SortFunc(out, func(a, b matcher.APIKey) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (m *memStores) AuditBatch(_ context.Context, es []matcher.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audit = append(m.audit, es...)
	return nil
}

func (m *memStores) UpsertPosts(_ context.Context, ps []matcher.Post) ([]matcher.UpsertOutcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]matcher.UpsertOutcome, len(ps))
	for i, p := range ps {
		old, ok := m.posts[p.ID]
		switch {
		case !ok:
			out[i] = matcher.Inserted
		case sameJSON(old, p):
			out[i] = matcher.Unchanged
			continue
		default:
			out[i] = matcher.Updated
		}
		m.posts[p.ID] = p
	}
	return out, nil
}

func (m *memStores) Post(_ context.Context, id string) (*matcher.Post, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.posts[id]
	if !ok {
		return nil, matcher.Errorf(matcher.ENOTFOUND, "无此岗位", "no post %s", id)
	}
	return &p, nil
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// newMemServer is a Server over memStores, with a real (empty) engine and
// bleve index, and a key of each role it names.
func newMemServer(t *testing.T, tweak func(*Config)) (*memStores, *httptest.Server, map[string]string) {
	t.Helper()
	m := &memStores{keys: map[string]*matcher.APIKey{}, posts: map[string]matcher.Post{}}
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	eng, err := engine.New(nil, nil, engine.Options{Analyzer: segmenter(t), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Stores: Stores{
			Keys: m, Audit: m, Posts: m,
			Graduates: struct{ matcher.GraduateStore }{}, Feedback: struct{ FeedbackStore }{},
			Feed: struct{ matcher.ChangeFeed }{}, Runs: struct{ RunReader }{}, Retention: struct{ matcher.RunPruner }{}, Casework: struct{ casework.Store }{}, Users: struct{ matcher.UserStore }{},
		},
		Index: ix, Engine: eng, Now: func() time.Time { return testNow }, Clock: func() time.Time { return testNow },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), RateLimit: -1, AuthFailRate: 1, AuthFailBurst: 5,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	keys := map[string]string{}
	for name, spec := range map[string]KeySpec{"admin": fixtureKeys["admin"], "portalA": fixtureKeys["portalA"]} {
		secret, _, err := CreateKey(context.Background(), m, spec, testNow)
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = secret
	}
	return m, ts, keys
}

func memDo(t *testing.T, ts *httptest.Server, method, path, secret, body string) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(res.Body)
	if len(b) > 0 && json.Unmarshal(b, &out) != nil {
		t.Fatalf("%s %s: %d, body not a JSON object: %.200s", method, path, res.StatusCode, b)
	}
	return res.StatusCode, res.Header, out
}

// TestHTTPOverFakeStores: the HTTP layer — authentication, roles, the
// security headers, strict decoding with server-managed fields refused,
// a portal kept to its own source with the refusal audited with the
// client's address, revocation through the key route, failed-auth
// throttling — over in-memory stores, no database.
func TestHTTPOverFakeStores(t *testing.T) {
	m, ts, keys := newMemServer(t, nil)
	post := `{"title":"会计","employer":"天山会计师事务所","district":"天山区","description":"负责账务处理","channel":"sme"}`

	st, h, _ := memDo(t, ts, "PUT", "/v1/posts/portal-a:P1", keys["portalA"], post)
	if st != http.StatusCreated || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Strict-Transport-Security") != "" {
		t.Fatalf("PUT own post: %d, headers %v", st, h)
	}
	if p, ok := m.posts["portal-a:P1"]; !ok || p.Title != "会计" {
		t.Fatalf("post not in the store: %+v", m.posts)
	}
	if st, _, body := memDo(t, ts, "GET", "/v1/posts/portal-a:P1", keys["portalA"], ""); st != 200 || body["title"] != "会计" {
		t.Errorf("GET own post: %d %v", st, body)
	}
	if st, _, body := memDo(t, ts, "PUT", "/v1/posts/portal-a:P2", keys["portalA"], `{"title":"x","employer":"y","updated_at":"2024-01-01T00:00:00Z"}`); st != 400 || !strings.Contains(body["message_en"].(string), "updated_at") {
		t.Errorf("server-managed field: %d %v", st, body)
	}
	if st, _, _ := memDo(t, ts, "PUT", "/v1/posts/portal-b:P1", keys["portalA"], post); st != 404 {
		t.Errorf("another source's post: %d, want 404", st)
	}
	m.mu.Lock()
	refused := slices.IndexFunc(m.audit, func(e matcher.AuditEntry) bool { return e.Action == "post.refused" && e.Client == "127.0.0.1" })
	m.mu.Unlock()
	if refused < 0 {
		t.Errorf("refusal not audited with the client address: %+v", m.audit)
	}
	if st, _, body := memDo(t, ts, "GET", "/v1/keys", keys["portalA"], ""); st != 403 || body["code"] != "forbidden" {
		t.Errorf("portal listing keys: %d %v", st, body)
	}

	// Revocation through the route bites at once on this server.
	_, _, list := memDo(t, ts, "GET", "/v1/keys", keys["admin"], "")
	var portalID string
	for _, k := range list["keys"].([]any) {
		if k := k.(map[string]any); k["role"] == "portal" {
			portalID = k["id"].(string)
		}
	}
	if st, _, _ := memDo(t, ts, "DELETE", "/v1/keys/"+portalID, keys["admin"], ""); st/100 != 2 {
		t.Fatalf("revoke %s: %d", portalID, st)
	}
	if st, _, _ := memDo(t, ts, "GET", "/v1/posts/portal-a:P1", keys["portalA"], ""); st != 401 {
		t.Errorf("revoked key: %d, want 401", st)
	}

	// Wrong keys: 401 up to the burst (5 here, the revoked one counted),
	// then 429 with Retry-After, a right key from that address too.
	var got []int
	for range 6 {
		st, h, _ := memDo(t, ts, "GET", "/v1/posts/portal-a:P1", "wrong", "")
		got = append(got, st)
		if st == 429 && h.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	if got[0] != 401 || got[len(got)-1] != 429 {
		t.Errorf("wrong keys answered %v", got)
	}
	if st, _, _ := memDo(t, ts, "GET", "/v1/keys", keys["admin"], ""); st != 429 {
		t.Errorf("a right key from a throttled address: %d, want 429", st)
	}
}
