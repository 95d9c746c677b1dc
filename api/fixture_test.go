package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
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
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// testNow is the fixture's clock: inside the storetest posts' window
// (posted 2026-06-01, deadline 2026-09-30).
var testNow = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// syncBuffer is a log sink tests can read while the server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	t     *testing.T
	st    matcher.FullStore
	ix    *index.Index
	eng   *engine.Engine
	srv   *Server
	ts    *httptest.Server
	logs  *syncBuffer
	keys  map[string]string           // fixture key name → secret
	keyID map[string]string           // fixture key name → key id
	grads map[string]matcher.Graduate // by id, as stored
	posts []matcher.Post
	// applied hears of each change the feed follower applies (see follow).
	applied chan struct{}
}

// fixture keys: name → spec.
var fixtureKeys = map[string]KeySpec{
	"admin":      {Role: matcher.RoleAdmin, Name: "ops"},
	"counselor":  {Role: matcher.RoleCounselor, District: "天山区", Name: "counselor of 天山区"},
	"counselor2": {Role: matcher.RoleCounselor, District: "米东区"},
	"portalA":    {Role: matcher.RolePortal, Source: "portal-a"},
	"portalB":    {Role: matcher.RolePortal, Source: "portal-b"},
	"expired":    {Role: matcher.RoleAdmin, TTL: time.Hour},
	"revoked":    {Role: matcher.RoleAdmin},
}

var (
	segOnce sync.Once
	seg     *index.Segmenter
	segErr  error
)

func segmenter(t testing.TB) *index.Segmenter {
	segOnce.Do(func() { seg, segErr = index.DefaultSegmenter() })
	if segErr != nil {
		t.Fatal(segErr)
	}
	return seg
}

// newFixture builds a real server over a bolt store and a bleve index in
// t.TempDir(), with 60 posts from two portals and 40 graduates.
func newFixture(t *testing.T, tweak ...func(*Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newFixtureOn(t, st, dir, true, tweak...)
}

// newFixtureOn builds a server over st with its own index under dir. seed
// loads the fixture data into the store first.
func newFixtureOn(t *testing.T, st matcher.FullStore, dir string, seed bool, tweak ...func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, st: st, logs: &syncBuffer{}, keys: map[string]string{}, keyID: map[string]string{}, grads: map[string]matcher.Graduate{}}
	if seed {
		for n := 1; n <= 60; n++ {
			src := "portal-a"
			if n > 40 {
				src = "portal-b"
			}
			f.posts = append(f.posts, storetest.Post(src, n))
		}
		if _, err := st.UpsertPosts(ctx, f.posts); err != nil {
			t.Fatal(err)
		}
		var gs []matcher.Graduate
		for n := 1; n <= 40; n++ {
			g := storetest.Graduate(n)
			// storetest's IDs do not carry a valid check digit; the API
			// validates IDs it is sent, so give the fixture real-looking ones.
			body := g.NationalID[:17]
			g.NationalID = body + string(matcher.NationalIDCheckDigit(body))
			gs = append(gs, g)
		}
		if _, err := st.UpsertGraduates(ctx, gs); err != nil {
			t.Fatal(err)
		}
		for name, spec := range fixtureKeys {
			created := testNow
			if name == "expired" {
				created = testNow.Add(-2 * time.Hour)
			}
			secret, k, err := CreateKey(ctx, st, spec, created)
			if err != nil {
				t.Fatalf("create key %s: %v", name, err)
			}
			f.keys[name], f.keyID[name] = secret, k.ID
			if name == "revoked" {
				if err := st.RevokeKey(ctx, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	} else {
		if err := st.EachPost(ctx, matcher.PostFilter{}, func(p *matcher.Post) error { f.posts = append(f.posts, *p); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.EachGraduate(ctx, matcher.GraduateFilter{}, func(g *matcher.Graduate) error { f.grads[g.ID] = *g; return nil }); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ix.Now = func() time.Time { return testNow }
	if err := ix.IndexPosts(f.posts); err != nil {
		t.Fatal(err)
	}
	f.ix = ix
	f.eng, err = engine.New(f.posts, nil, engine.Options{Analyzer: segmenter(t), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's data is of testNow's year: the plan it is judged by is
	// that year's (the embedded plan with its year moved, as a --policy
	// file for another year would).
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	pol.Year = testNow.Year()
	cfg := Config{
		Stores: StoresOf(st), Index: ix, Engine: f.eng, Policy: pol, Now: func() time.Time { return testNow },
		// Records are stamped on the wall clock; the tests pin it to the
		// same day as the data so that "in the future" is testable.
		Clock:     func() time.Time { return testNow },
		Log:       slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RateLimit: -1,
	}
	for _, fn := range tweak {
		fn(&cfg)
	}
	f.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// do sends a request as the named fixture key ("" for none). body is sent
// as application/json when not nil: a string as is, anything else encoded.
func (f *fixture) do(method, path, key string, body any) resp {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		case []byte:
			rd = bytes.NewReader(b)
		default:
			j, err := json.Marshal(b)
			if err != nil {
				f.t.Fatal(err)
			}
			rd = bytes.NewReader(j)
		}
	}
	req, err := http.NewRequest(method, f.ts.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		secret, ok := f.keys[key]
		if !ok {
			secret = key // a raw secret
		}
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	return f.send(req)
}

func (f *fixture) send(req *http.Request) resp {
	f.t.Helper()
	res, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp{res.StatusCode, res.Header, b}
}

// graduateIn returns a fixture graduate whose hukou or residence is in
// district, and one with neither.
func (f *fixture) graduateIn(district string) (in, out matcher.Graduate) {
	f.t.Helper()
	var okIn, okOut bool
	for _, id := range slices.Sorted(maps.Keys(f.grads)) {
		g := f.grads[id]
		if g.HukouDistrict == district || g.ResidenceDistrict == district {
			if !okIn || (g.IsHardship() && !in.IsHardship()) {
				in, okIn = g, true
			}
		} else if !okOut {
			out, okOut = g, true
		}
	}
	if !okIn || !okOut {
		f.t.Fatalf("fixture has no graduates in and out of %s", district)
	}
	return in, out
}
