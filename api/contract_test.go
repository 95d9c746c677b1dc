package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestProfileSchemaMatchesIngest: the OpenAPI Profile is convert.Profile,
// field for field, and refuses what DecodeProfile refuses (unknown fields).
func TestProfileSchemaMatchesIngest(t *testing.T) {
	var want []string
	rt := reflect.TypeFor[convert.Profile]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		want = append(want, name)
	}
	schema := profileSchema()
	var got []string
	for k := range schema["properties"].(map[string]any) {
		got = append(got, k)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("OpenAPI Profile properties %v, convert.Profile fields %v", got, want)
	}
	if schema["additionalProperties"] != false {
		t.Error("the Profile schema allows unknown fields; DecodeProfile refuses them")
	}
}

// TestPostInputRequiredMatchesHandler: what the OpenAPI document marks
// required for PUT and batchUpsert is exactly what the handler refuses
// when absent, and the two agree on everything but the batch's
// external_id (PUT takes it from the path).
func TestPostInputRequiredMatchesHandler(t *testing.T) {
	f := newFixture(t)
	doc := f.do("GET", "/v1/openapi.json", "", nil).json(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	required := func(s map[string]any) []string {
		var out []string
		for _, v := range s["required"].([]any) {
			out = append(out, v.(string))
		}
		slices.Sort(out)
		return out
	}
	put := required(schemas["PostInput"].(map[string]any))
	batchItems := schemas["BatchUpsertRequest"].(map[string]any)["properties"].(map[string]any)["posts"].(map[string]any)["items"].(map[string]any)
	batch := required(batchItems)
	if !slices.Equal(put, []string{"employer", "title"}) || !slices.Equal(batch, []string{"employer", "external_id", "title"}) {
		t.Fatalf("required: PUT %v, batch %v", put, batch)
	}
	full := map[string]any{"title": "出纳", "employer": "新疆某公司", "external_id": "R0", "salary": "4000-6000元/月"}
	// Every field the document marks required is refused when absent, by
	// both doors, naming it.
	for _, field := range batch {
		body := map[string]any{}
		for k, v := range full {
			if k != field {
				body[k] = v
			}
		}
		res := f.do("POST", "/v1/posts:batchUpsert", "portalA", map[string]any{"posts": []any{body}})
		if res.status != 400 || res.json(t)["field"] != "posts[0]."+field {
			t.Errorf("batch without %s: %d %s", field, res.status, res.body)
		}
		if field == "external_id" {
			continue
		}
		res = f.do("PUT", "/v1/posts/portal-a:R1", "portalA", body)
		if res.status != 400 || res.json(t)["field"] != field {
			t.Errorf("PUT without %s: %d %s", field, res.status, res.body)
		}
	}
	// channel is optional in both: derived from employer_type.
	for _, tc := range []struct {
		employerType string
		want         matcher.Channel
	}{{"", matcher.ChannelSME}, {"国有企业", matcher.ChannelStateOwned}, {"事业单位", matcher.ChannelPublicSector}} {
		body := map[string]any{"title": "出纳", "employer": "新疆某公司", "employer_type": tc.employerType}
		id := "portal-a:CH" + string(tc.want)
		if res := f.do("PUT", "/v1/posts/"+id, "portalA", body); res.status != 201 {
			t.Fatalf("PUT without channel: %d %s", res.status, res.body)
		}
		body["external_id"] = "CB" + string(tc.want)
		if res := f.do("POST", "/v1/posts:batchUpsert", "portalA", map[string]any{"posts": []any{body}}); res.status != 200 {
			t.Fatalf("batch without channel: %d %s", res.status, res.body)
		}
		for _, pid := range []string{id, "portal-a:CB" + string(tc.want)} {
			p := f.do("GET", "/v1/posts/"+pid, "portalA", nil).json(t)
			if p["channel"] != string(tc.want) {
				t.Errorf("%s (employer_type %q): channel %v, want %s", pid, tc.employerType, p["channel"], tc.want)
			}
		}
	}
}

// TestNoZeroTimesInResponses: a time that is not known is absent from the
// JSON, never Go's zero time 0001-01-01T00:00:00Z.
func TestNoZeroTimesInResponses(t *testing.T) {
	f := newFixture(t)
	// A post with no dates, a graduate with none.
	if res := f.do("PUT", "/v1/posts/portal-a:ND1", "portalA", map[string]any{"title": "出纳", "employer": "新疆某公司"}); res.status != 201 {
		t.Fatalf("put post: %d %s", res.status, res.body)
	}
	g := map[string]any{"name": "测试", "hukou_district": "天山区", "status": "unregistered"}
	if res := f.do("PUT", "/v1/graduates/GZ1", "admin", g); res.status != 201 {
		t.Fatalf("put graduate: %d %s", res.status, res.body)
	}
	for _, tc := range []struct {
		path, key string
		absent    []string
	}{
		{"/v1/posts/portal-a:ND1", "portalA", []string{"posted_at", "deadline"}},
		{"/v1/graduates/GZ1", "counselor", []string{"birth_date", "registered_at", "contacted_at", "placed_at"}},
		{"/v1/graduates?limit=100", "counselor", []string{"registered_at", "contacted_at", "placed_at"}},
		{"/v1/graduates/GZ1/shortlist", "counselor", nil},
		{"/v1/graduates/GZ1/contacts", "counselor", nil},
		{"/v1/posts/search?q=出纳", "portalA", nil},
	} {
		res := f.do("GET", tc.path, tc.key, nil)
		if res.status != 200 {
			t.Fatalf("%s: %d %s", tc.path, res.status, res.body)
		}
		if strings.Contains(string(res.body), "0001-01-01") {
			t.Errorf("%s holds a zero time: %s", tc.path, res.body)
		}
		body := res.json(t)
		obj := body
		if items, ok := body["items"].([]any); ok && strings.HasPrefix(tc.path, "/v1/graduates?") {
			i := slices.IndexFunc(items, func(it any) bool { return it.(map[string]any)["id"] == "GZ1" })
			if i < 0 {
				t.Fatalf("%s: GZ1 not listed", tc.path)
			}
			obj = items[i].(map[string]any)
		}
		for _, k := range tc.absent {
			if v, ok := obj[k]; ok {
				t.Errorf("%s: %s = %v, want it absent", tc.path, k, v)
			}
		}
	}
}
