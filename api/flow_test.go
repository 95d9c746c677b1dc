package api

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestPutPostIsSearchableAndRecommendable(t *testing.T) {
	f := newFixture(t)
	post := map[string]any{
		"title": "区块链审计专员", "employer": "新疆天山区块链审计有限公司", "channel": "国有企业",
		"district": "天山", "degree_min": "本科及以上", "salary": "6000-9000元/月", "headcount": 3,
		"majors": []string{"会计学"}, "description": "负责区块链项目的财务审计。", "deadline": "2026-09-30",
	}
	res := f.do("PUT", "/v1/posts/portal-a:CHAIN1", "portalA", post)
	if res.status != 201 {
		t.Fatalf("PUT: %d %s", res.status, res.body)
	}
	var put struct {
		ID, Outcome string
		Post        matcher.Post
	}
	json.Unmarshal(res.body, &put)
	if put.Outcome != "inserted" || put.Post.Channel != matcher.ChannelStateOwned || put.Post.District != "天山区" ||
		put.Post.DegreeMin != matcher.DegreeBachelor || put.Post.Salary.Min != 6000 || put.Post.Salary.Max != 9000 {
		t.Errorf("not normalised as an import would: %+v", put.Post)
	}
	// The same PUT again changes nothing.
	if res := f.do("PUT", "/v1/posts/portal-a:CHAIN1", "portalA", post); res.status != 200 || res.json(t)["outcome"] != "unchanged" {
		t.Errorf("second PUT: %d %s", res.status, res.body)
	}
	res = f.do("GET", "/v1/posts/search?q=区块链审计&district=天山区", "portalB", nil)
	var sr struct {
		Total int
		Hits  []struct{ ID string }
	}
	json.Unmarshal(res.body, &sr)
	if res.status != 200 || sr.Total < 1 || sr.Hits[0].ID != "portal-a:CHAIN1" {
		t.Fatalf("search after PUT: %d %s", res.status, res.body)
	}
	if res := f.do("GET", "/v1/posts/portal-a:CHAIN1", "portalB", nil); res.status != 200 {
		t.Errorf("GET post: %d", res.status)
	}
	if f.eng.Len() != len(f.posts)+1 {
		t.Errorf("engine holds %d posts, want %d", f.eng.Len(), len(f.posts)+1)
	}
	// Closing the post takes it out of search and out of the engine.
	post["status"] = "closed"
	if res := f.do("PUT", "/v1/posts/portal-a:CHAIN1", "portalA", post); res.status != 200 {
		t.Fatalf("close: %d %s", res.status, res.body)
	}
	res = f.do("GET", "/v1/posts/search?q=区块链审计", "portalB", nil)
	json.Unmarshal(res.body, &sr)
	for _, h := range sr.Hits {
		if h.ID == "portal-a:CHAIN1" {
			t.Errorf("closed post still searchable")
		}
	}
	if _, ok := f.eng.Post("portal-a:CHAIN1"); ok {
		t.Errorf("closed post still in the engine")
	}
}

func TestBatchUpsert(t *testing.T) {
	f := newFixture(t)
	var posts []any
	for _, id := range []string{"B1", "B2", "B3"} {
		posts = append(posts, map[string]any{"external_id": id, "title": "仓库管理员" + id, "employer": "米东物流", "channel": "sme", "district": "米东区", "salary": "4000元/月"})
	}
	res := f.do("POST", "/v1/posts:batchUpsert", "portalA", map[string]any{"posts": posts})
	if res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	if m := res.json(t); m["inserted"].(float64) != 3 || m["unchanged"].(float64) != 0 {
		t.Errorf("%v", m)
	}
	res = f.do("POST", "/v1/posts:batchUpsert", "portalA", map[string]any{"posts": posts})
	if m := res.json(t); m["unchanged"].(float64) != 3 {
		t.Errorf("resend: %v", m)
	}
	// A bad post names its position and nothing is written.
	bad := append(posts[:0:0], map[string]any{"external_id": "B9", "title": "x", "employer": "y", "channel": "sme"},
		map[string]any{"external_id": "B10", "title": "x", "employer": "y", "channel": "sme", "degree_min": "宇宙第一"})
	res = f.do("POST", "/v1/posts:batchUpsert", "portalA", map[string]any{"posts": bad})
	if res.status != 400 || res.json(t)["field"] != "posts[1].degree_min" {
		t.Errorf("bad batch: %d %s", res.status, res.body)
	}
	if _, err := f.st.Post(context.Background(), "portal-a:B9"); matcher.ErrorCode(err) != matcher.ENOTFOUND {
		t.Errorf("part of a refused batch was written")
	}
	dup := []any{posts[0], posts[0]}
	if res := f.do("POST", "/v1/posts:batchUpsert", "portalA", map[string]any{"posts": dup}); res.status != 400 {
		t.Errorf("duplicate ids in a batch: %d", res.status)
	}
}

func TestRecommendations(t *testing.T) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	res := f.do("GET", "/v1/graduates/"+g.ID+"/recommendations?limit=5&channel=sme", "counselor", nil)
	if res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	var raw struct {
		GraduateID string           `json:"graduate_id"`
		Items      []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(res.body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.GraduateID != g.ID || len(raw.Items) == 0 || len(raw.Items) > 5 {
		t.Fatalf("graduate %q, %d items: %s", raw.GraduateID, len(raw.Items), res.body)
	}
	for _, it := range raw.Items {
		for _, k := range []string{"post_id", "title", "employer", "channel", "kind", "district", "salary", "score", "rank", "reasons", "contributions"} {
			if _, ok := it[k]; !ok {
				t.Errorf("item lacks %q: %v", k, it)
			}
		}
		if it["channel"] != "sme" {
			t.Errorf("channel filter ignored: %v", it["channel"])
		}
		sal := it["salary"].(map[string]any)
		if _, ok := sal["min"]; !ok {
			t.Errorf("salary lacks min: %v", sal)
		}
	}
	// The same list for the same graduate is the same (no hidden state).
	again := f.do("GET", "/v1/graduates/"+g.ID+"/recommendations?limit=5&channel=sme", "counselor", nil)
	if string(again.body) != string(res.body) {
		t.Errorf("recommendations not reproducible")
	}

	// A portal's profile: no stored graduate, no personal data.
	prof := map[string]any{"profile": map[string]any{
		"major": "会计学", "degree": "本科", "age": 22, "graduation_year": 2026, "hukou_district": "天山区",
		"skills": []string{"Excel"}, "preferred_channels": []string{"中小微企业"},
	}, "limit": 4}
	res = f.do("POST", "/v1/recommendations", "portalA", prof)
	if res.status != 200 {
		t.Fatalf("profile: %d %s", res.status, res.body)
	}
	var pr matcher.Result
	json.Unmarshal(res.body, &pr)
	if len(pr.Items) == 0 || len(pr.Items) > 4 || pr.Items[0].Rank != 1 || len(pr.Items[0].Reasons) == 0 {
		t.Errorf("profile result: %s", res.body)
	}
	// Recommendation reads are measured.
	m := f.do("GET", "/metrics", "admin", nil)
	if !strings.Contains(string(m.body), `jobmatch_matcher_duration_seconds_count{op="profile"} 1`) {
		t.Errorf("matcher timing not exported")
	}
}

// TestFeedback: the item must exist (a post or a course); a portal's
// graduate_id is its own opaque id, stored as given; a counselor's or an
// admin's must be a stored graduate, a counselor's of their district.
func TestFeedback(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	course := matcher.Course{Source: "hrss", ExternalID: "C1", Title: "电子商务师培训", Provider: "乌鲁木齐职业技能培训中心", Category: matcher.CourseSkills, District: "天山区", Places: 40}
	if _, err := f.st.UpsertCourses(ctx, []matcher.Course{course}); err != nil {
		t.Fatal(err)
	}
	in, out := f.graduateIn("天山区")
	postA, postB := f.posts[0].ID, f.posts[len(f.posts)-1].ID
	for _, tc := range []struct {
		name, key string
		body      map[string]any
		want      int
		field     string
	}{
		{"portal click", "portalA", map[string]any{"graduate_id": "u-123", "post_id": postA, "type": "click"}, 202, ""},
		{"portal hire in the past", "portalA", map[string]any{"graduate_id": "u-123", "post_id": postA, "type": "hire", "at": testNow.Add(-time.Hour)}, 202, ""},
		{"portal on another portal's post", "portalA", map[string]any{"graduate_id": "u-123", "post_id": postB, "type": "impression"}, 202, ""},
		{"portal on a course", "portalA", map[string]any{"graduate_id": "u-9", "post_id": course.Source + ":" + course.ExternalID, "type": "click"}, 202, ""},
		{"unknown type", "portalA", map[string]any{"graduate_id": "u-123", "post_id": postA, "type": "like"}, 400, "type"},
		{"no graduate", "portalA", map[string]any{"post_id": postA, "type": "click"}, 400, "graduate_id"},
		{"in the future", "portalA", map[string]any{"graduate_id": "u", "post_id": postA, "type": "click", "at": testNow.Add(48 * time.Hour)}, 400, "at"},
		{"unknown post", "portalA", map[string]any{"graduate_id": "u-123", "post_id": "portal-a:NOPE", "type": "click"}, 404, "post_id"},
		{"unknown post, not an id", "admin", map[string]any{"graduate_id": in.ID, "post_id": "p", "type": "click"}, 404, "post_id"},
		{"counselor, own district", "counselor", map[string]any{"graduate_id": in.ID, "post_id": postA, "type": "apply"}, 202, ""},
		{"counselor, another district", "counselor", map[string]any{"graduate_id": out.ID, "post_id": postA, "type": "apply"}, 404, "graduate_id"},
		{"counselor, unknown graduate", "counselor", map[string]any{"graduate_id": "u-123", "post_id": postA, "type": "apply"}, 404, "graduate_id"},
		{"admin, any stored graduate", "admin", map[string]any{"graduate_id": out.ID, "post_id": postB, "type": "interview"}, 202, ""},
		{"admin, unknown graduate", "admin", map[string]any{"graduate_id": "G9999999", "post_id": postB, "type": "interview"}, 404, "graduate_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("POST", "/v1/feedback", tc.key, tc.body)
			if res.status != tc.want {
				t.Fatalf("%d, want %d: %s", res.status, tc.want, res.body)
			}
			if tc.field != "" {
				if got := res.json(t)["field"]; got != tc.field {
					t.Errorf("field %v, want %s: %s", got, tc.field, res.body)
				}
			}
		})
	}
	var got []matcher.FeedbackEvent
	if err := f.st.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for _, e := range got {
		bySource[e.Source]++
	}
	if len(got) != 6 || bySource["portal-a"] != 4 || bySource["key:"+f.keyID["counselor"]] != 1 || bySource["key:"+f.keyID["admin"]] != 1 {
		t.Errorf("stored feedback by source %v: %+v", bySource, got)
	}
	// A counselor's feedback about a graduate is a person acting on the
	// graduate's record: audited.
	log, err := f.st.AuditLog(ctx, in.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(log, func(e matcher.AuditEntry) bool {
		return e.Action == "feedback.write" && e.KeyID == f.keyID["counselor"]
	}) {
		t.Errorf("counselor feedback not audited: %+v", log)
	}
}

// TestProfileIsTheSharedProfile: POST /v1/recommendations reads
// convert.Profile, so it accepts the CLI's sample profile file as is and
// refuses what the CLI refuses, naming the field from the body's root.
func TestProfileIsTheSharedProfile(t *testing.T) {
	f := newFixture(t)
	sample, err := os.ReadFile("../docs/samples/profile.json")
	if err != nil {
		t.Fatalf("the CLI's sample profile: %v", err)
	}
	res := f.do("POST", "/v1/recommendations", "portalA", map[string]any{"profile": json.RawMessage(sample), "limit": 3})
	if res.status != 200 {
		t.Fatalf("the CLI's sample profile through the API: %d %s", res.status, res.body)
	}
	var pr matcher.Result
	if err := json.Unmarshal(res.body, &pr); err != nil || len(pr.Items) == 0 || pr.GraduateID != "profile" {
		t.Fatalf("result %s (%v)", res.body, err)
	}
	for _, tc := range []struct {
		name, profile string
		want          int
		field         string
	}{
		{"major alias", `{"major":"计科","degree":"本科"}`, 200, ""},
		{"major group", `{"major":"计算机类"}`, 200, ""},
		{"empty profile", `{}`, 200, ""},
		{"major not in the catalogues is never refused", `{"major":"烹饪与营养教育","degree":"本科"}`, 200, ""},
		{"unknown major, 专业类 inferred", `{"major":"智能烹饪技术","degree":"大专"}`, 200, ""},
		{"unknown major code", `{"major_code":"999999"}`, 400, "profile.major_code"},
		{"major and code disagree", `{"major":"会计学","major_code":"080901"}`, 400, "profile.major"},
		{"postdoc is no degree", `{"major":"会计学","degree":"博士后"}`, 400, "profile.degree"},
		{"primary school is no degree", `{"degree":"小学"}`, 400, "profile.degree"},
		{"bad gender", `{"gender":"x"}`, 400, "profile.gender"},
		{"bad status", `{"status":"retired"}`, 400, "profile.status"},
		{"age out of range", `{"age":9}`, 400, "profile.age"},
		{"bad graduation year", `{"graduation_year":202}`, 400, "profile.graduation_year"},
		{"negative salary", `{"expected_salary":-1}`, 400, "profile.expected_salary"},
		{"unknown channel", `{"preferred_channels":["moon"]}`, 400, "profile.preferred_channels"},
		{"misspelt field", `{"degre":"本科"}`, 400, "profile.degre"},
		{"wrong type", `{"skills":"Excel"}`, 400, "profile.skills"},
		{"birth date", `{"birth_date":"2003-01-01"}`, 400, "profile.birth_date"},
		{"hardship", `{"hardship":["disability"]}`, 400, "profile.hardship"},
		{"name", `{"name":"张三"}`, 400, "profile.name"},
		{"not an object", `[1]`, 400, "profile"},
		{"null", `null`, 400, "profile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("POST", "/v1/recommendations", "portalA", map[string]any{"profile": json.RawMessage(tc.profile), "limit": 2})
			if res.status != tc.want {
				t.Fatalf("%d, want %d: %s", res.status, tc.want, res.body)
			}
			if tc.field != "" {
				p := res.json(t)
				if p["field"] != tc.field {
					t.Errorf("field %v, want %s: %s", p["field"], tc.field, res.body)
				}
				if p["message"] == "" || p["message_en"] == "" {
					t.Errorf("messages missing: %s", res.body)
				}
			}
		})
	}
	if strings.Contains(f.logs.String(), "张三") {
		t.Error("a refused name reached the log")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	f := newFixture(t)
	if res := f.do("GET", "/healthz", "", nil); res.status != 200 {
		t.Errorf("healthz %d", res.status)
	}
	res := f.do("GET", "/readyz", "", nil)
	if res.status != 200 || res.json(t)["index_documents"].(float64) != float64(len(f.posts)) {
		t.Errorf("readyz %d %s", res.status, res.body)
	}
	f.do("GET", "/v1/posts/portal-a:P000001", "portalA", nil)
	f.do("GET", "/v1/posts/nope:1", "portalA", nil)
	m := string(f.do("GET", "/metrics", "admin", nil).body)
	for _, want := range []string{
		`jobmatch_http_requests_total{method="GET",route="/v1/posts/{id}",status="200"} 1`,
		`jobmatch_http_requests_total{method="GET",route="/v1/posts/{id}",status="404"} 1`,
		`jobmatch_http_request_duration_seconds_bucket{method="GET",route="/v1/posts/{id}",le="0.05"}`,
		`jobmatch_index_documents 60`,
		`jobmatch_engine_posts 60`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Readiness follows the index: a closed index is not ready.
	f.ix.Close()
	if res := f.do("GET", "/readyz", "", nil); res.status != 503 {
		t.Errorf("readyz with a closed index: %d", res.status)
	}
}

func TestNoPersonalDataInLogs(t *testing.T) {
	f := newFixture(t)
	g, _ := f.graduateIn("天山区")
	f.do("GET", "/v1/graduates/"+g.ID, "admin", nil)
	f.do("GET", "/v1/graduates/"+g.ID+"/recommendations", "counselor", nil)
	f.do("PUT", "/v1/graduates/"+g.ID, "admin", map[string]any{"id": g.ID, "name": g.Name, "national_id": "12345", "phone": g.Phone})
	f.do("GET", "/v1/posts/search?q="+g.Name, "portalA", nil)
	logs := f.logs.String()
	if !strings.Contains(logs, "route=/v1/graduates/{id}") {
		t.Fatalf("no access log lines: %s", logs)
	}
	for _, secret := range []string{g.NationalID, g.Phone, g.Name, f.keys["admin"], "12345"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains personal data or a secret %q", secret)
		}
	}
}

// TestGracefulShutdown starts a request, begins shutting down while the
// request is still being read, and checks that the request completes and
// that new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sl := newSignalListener(ln)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- f.srv.Serve(ctx, sl) }()
	url := "http://" + ln.Addr().String()

	body := `{"title":"安全员","employer":"新疆某建设公司","channel":"sme","salary":"5000元/月"}`
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", url+"/v1/posts/portal-a:SLOW1", pr)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.keys["portalA"])
	req.ContentLength = int64(len(body))
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{0, err}
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		done <- result{res.StatusCode, nil}
	}()
	pw.Write([]byte(body[:20]))
	waitFor(t, sl.reading, "the server to read the request") // the request is in flight
	cancel()                                                 // SIGTERM
	waitFor(t, sl.closed, "Shutdown to close the listener")
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	default:
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Errorf("new connections still accepted while draining")
	}
	pw.Write([]byte(body[20:]))
	pw.Close()
	r := <-done
	if r.err != nil || r.status != 201 {
		t.Fatalf("in-flight request: status %d, err %v", r.status, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request finished")
	}
	if _, err := f.st.Post(context.Background(), "portal-a:SLOW1"); err != nil {
		t.Errorf("the in-flight write was lost: %v", err)
	}
}

// TestSlowClientsAreCutOff: a client that trickles its headers in, or
// sends headers and then never the body, loses its connection instead of
// holding it (slowloris).
func TestSlowClientsAreCutOff(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ReadHeaderTimeout, c.ReadTimeout = 200*time.Millisecond, 400*time.Millisecond })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- f.srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()
	for name, send := range map[string]string{
		"headers trickled": "GET /healthz HTTP/1.1\r\nHost: x\r\n",
		"body never comes": "PUT /v1/posts/portal-a:X HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nAuthorization: Bearer " + f.keys["portalA"] + "\r\n\r\n{",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write([]byte(send))
			start := time.Now()
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.Copy(io.Discard, c) // returns when the server closes the connection
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("connection held for %s", el)
			}
		})
	}
}

// signalListener tells a test when the server has read the first bytes of
// a request (reading) and when it has closed the listener (closed, which
// Shutdown does first): the events a test would otherwise sleep for.
type signalListener struct {
	net.Listener
	reading, closed     chan struct{}
	readOnce, closeOnce sync.Once
}

func newSignalListener(ln net.Listener) *signalListener {
	return &signalListener{Listener: ln, reading: make(chan struct{}), closed: make(chan struct{})}
}

func (l *signalListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &signalConn{Conn: c, l: l}, nil
}

func (l *signalListener) Close() error {
	// closed is signalled once the socket is closed, not before: a test
	// that dials on the signal raced the close and found it still open.
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.closed) })
	return err
}

type signalConn struct {
	net.Conn
	l *signalListener
}

func (c *signalConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.l.readOnce.Do(func() { close(c.l.reading) })
	}
	return n, err
}

// waitFor waits for ch to be closed, failing the test after a minute (a
// bound for a hung server, not a measure of speed).
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("waited a minute for %s", what)
	}
}
