package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// BenchmarkCaseloadSearch measures the server time of a caseload search
// (GET /v1/graduates?q=, handler to last byte, audit commit included) over
// 50,000 graduates in the embedded store with personal data sealed: a
// counselor's district (each graduate is in two of the eight districts,
// hukou and residence: about 12,500) and an admin over the whole city,
// beside the same caseload without a search (the baseline of the ratio).
// With -short (.ci/run runs every benchmark once that way) 5,000
// graduates: the code runs, the figures are not the ones RESULTS.md quotes.
//
//	go test -run XXX -bench CaseloadSearch -benchtime 20x ./api/
func BenchmarkCaseloadSearch(b *testing.B) {
	n := 50000
	if testing.Short() {
		n = 5000
	}
	dir := b.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "jobmatch.db"), storetest.Keys())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高阿买艾热古")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰古丽江尔提")
	schools := []string{"新疆大学", "新疆师范大学", "新疆医科大学", "新疆农业大学", "新疆财经大学", "新疆职业大学", "乌鲁木齐职业大学", "新疆工程学院"}
	majors := []string{"会计学", "计算机科学与技术", "护理学", "汉语言文学", "市场营销", "电气自动化技术", "学前教育", "土木工程"}
	batch := make([]matcher.Graduate, 0, 5000)
	for i := 1; i <= n; i++ {
		g := storetest.Graduate(i)
		g.Name = string(surnames[i%len(surnames)]) + string(given[(i/7)%len(given)]) + string(given[(i/3)%len(given)])
		g.School, g.Major = schools[(i/5)%len(schools)], majors[(i/11)%len(majors)]
		body := fmt.Sprintf("650102%04d0101%04d", 1995+i%10, i%10000)[:17]
		g.NationalID = body + string(matcher.NationalIDCheckDigit(body))
		batch = append(batch, g)
		if len(batch) == cap(batch) {
			if _, err := st.UpsertGraduates(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	eng, err := engine.New(nil, nil, engine.Options{Analyzer: segmenter(b), Now: testNow})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Stores: StoresOf(st), Index: ix, Engine: eng, Now: func() time.Time { return testNow },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), RateLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	keys := map[string]string{}
	for name, spec := range map[string]KeySpec{"counselor": {Role: matcher.RoleCounselor, District: "天山区"}, "admin": {Role: matcher.RoleAdmin}} {
		if keys[name], _, err = CreateKey(ctx, st, spec, testNow); err != nil {
			b.Fatal(err)
		}
	}
	h := srv.Handler()
	for _, tc := range []struct{ name, key, q string }{
		{"counselor/no-search", "counselor", ""},
		{"counselor/name", "counselor", "王丽"},
		{"counselor/id-tail", "counselor", "0123"},
		{"counselor/school+major", "counselor", "新疆大学 会计"},
		{"admin/no-search", "admin", ""},
		{"admin/name", "admin", "王丽"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path := "/v1/graduates?limit=20"
			if tc.q != "" {
				path += "&q=" + url.QueryEscape(tc.q)
			}
			get := func() {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", "Bearer "+keys[tc.key])
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
			}
			get() // the first read loads the ledger into memory (serve does it at start)
			for b.Loop() {
				get()
			}
		})
	}
}
