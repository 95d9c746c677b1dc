package store

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

var cst = time.FixedZone("CST", 8*3600)

func samplePost() matcher.Post {
	return matcher.Post{
		ID: "xjrc:J1763902", Source: "xjrc", ExternalID: "J1763902", Kind: matcher.KindJob, Channel: "sme",
		Title: "高薪诚聘物业电工", Employer: "新疆宏图物业集团有限公司", EmployerType: "民营企业", District: "水磨沟区",
		Address:     "新疆乌鲁木齐市水磨沟区会展大道1号",
		Description: "公司地处水磨沟区，\"团队\"年轻有活力。\n职位描述：1、负责配电室值班\t<设备> & 巡检\\ \u2028 \x01",
		Majors:      []string{"电气工程及其自动化", "机电一体化技术"}, MajorCodes: []string{"080601"}, DegreeMin: matcher.Degree(3),
		Experience: "1-3年", ExperienceMin: 1,
		Salary:    matcher.Salary{Raw: "4500-6000元/月", Min: 4500, Max: 6000.5, Period: "month", Months: 13, Negotiable: true, Inverted: true, OpenEnded: true},
		Headcount: 3, Filled: 1, AgeMax: 35, AgeMin: 18, HukouRequired: "乌鲁木齐市", PublicWelfare: true,
		PostedAt: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2023, 7, 1, 9, 30, 0, 5, cst),
		Occupation: "6-31-01-03", Skills: []string{"电工证"}, Certificates: []string{}, Status: matcher.PostOpen,
		DuplicateOf: "zhaopin:1", UpdatedAt: time.Date(2023, 6, 2, 1, 2, 3, 4, time.UTC),
	}
}

func sampleGraduate() matcher.Graduate {
	return matcher.Graduate{
		ID: "G35549927", Name: "阿依古丽", NationalID: "650102200101011234", Phone: "13800000000", Gender: "女",
		BirthDate: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), School: "新疆大学", Major: "会计学", MajorCode: "120203K",
		Degree: matcher.Degree(4), GraduationYear: 2023, HukouDistrict: "天山区", ResidenceDistrict: "沙依巴克区",
		Skills: []string{"Excel", "用友"}, Certificates: []string{"初级会计"}, PreferredChannels: []matcher.Channel{"soe", "sme"},
		PreferredDistricts: []string{"天山区"}, ExpectedSalary: 5200.75, Hardship: []matcher.Hardship{matcher.HardshipLowIncome},
		Status: "registered", RegisteredAt: time.Date(2023, 5, 1, 8, 0, 0, 0, cst), ContactedAt: time.Date(2023, 5, 2, 0, 0, 0, 0, time.UTC),
		PlacedAt: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2023, 6, 2, 0, 0, 0, 0, time.UTC),
	}
}

func samplePersonal() Personal {
	g := sampleGraduate()
	return Personal{g.Name, g.NationalID, g.Phone, g.Hardship, g.BirthDate}
}

// fastDecode decodes text as the kind of document which names, with the
// plain reader only and then as the exported decoder does, beside
// encoding/json's reading of it.
func decodeBoth(kind byte, text []byte) (fast any, fastErr error, viaAPI any, apiErr error, slow any, slowErr error) {
	switch kind % 3 {
	case 0:
		var f, a, s matcher.Post
		fastErr = readWhole(text, func(r *postRefReader) error { return r.post(&f) })
		apiErr, slowErr = UnmarshalPost(text, &a), json.Unmarshal(text, &s)
		return f, fastErr, a, apiErr, s, slowErr
	case 1:
		var f, a, s matcher.Graduate
		fastErr = readWhole(text, func(r *postRefReader) error { return r.graduate(&f) })
		apiErr, slowErr = UnmarshalGraduate(text, &a), json.Unmarshal(text, &s)
		return f, fastErr, a, apiErr, s, slowErr
	default:
		var f, a, s Personal
		fastErr = readWhole(text, func(r *postRefReader) error { return r.personal(&f) })
		apiErr, slowErr = unmarshalPersonal(text, &a), json.Unmarshal(text, &s)
		return f, fastErr, a, apiErr, s, slowErr
	}
}

func sampleDocs(t testing.TB) [][]byte {
	var out [][]byte
	for _, v := range []any{samplePost(), sampleGraduate(), samplePersonal()} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestDocsPlainPath: what json.Marshal writes of each kind is read by the
// plain reader (not handed to encoding/json), exactly as encoding/json
// reads it.
func TestDocsPlainPath(t *testing.T) {
	empty := []any{matcher.Post{}, matcher.Graduate{}, Personal{}}
	for i, text := range sampleDocs(t) {
		e, _ := json.Marshal(empty[i])
		for _, b := range [][]byte{text, e} {
			fast, ferr, _, _, slow, serr := decodeBoth(byte(i), b)
			if ferr != nil || serr != nil {
				t.Fatalf("kind %d %s: plain reader %v, encoding/json %v", i, b, ferr, serr)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("kind %d: plain reader\n%+v\nencoding/json\n%+v", i, fast, slow)
			}
		}
	}
}

// TestDocFieldsCoverStructs: every JSON key of the structs is in the
// plain reader's tables (a field added to a struct and not to its table
// would send every record to encoding/json), and no other.
func TestDocFieldsCoverStructs(t *testing.T) {
	check := func(typ reflect.Type, index map[string]int) {
		keys := map[string]bool{}
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			keys[name] = true
			if _, ok := index[name]; !ok {
				t.Errorf("%s: key %q not read by the plain reader", typ, name)
			}
		}
		if len(keys) != len(index) {
			t.Errorf("%s: %d keys, the plain reader's table has %d", typ, len(keys), len(index))
		}
	}
	check(reflect.TypeFor[matcher.Post](), postFields.index)
	check(reflect.TypeFor[matcher.Salary](), salaryFields.index)
	check(reflect.TypeFor[matcher.Graduate](), graduateFields.index)
	check(reflect.TypeFor[Personal](), personalFields.index)
}

// FuzzDecodeDocs: on any text, the plain reader either gives up or reads
// what encoding/json reads, and the exported decoders answer as
// encoding/json does.
func FuzzDecodeDocs(f *testing.F) {
	for i, text := range sampleDocs(f) {
		f.Add(text, byte(i))
	}
	f.Add([]byte(`{"id":"a","ID":"b"}`), byte(0))
	f.Add([]byte(`{"id":"a","id":"b"}`), byte(1))
	f.Add([]byte(` {"h":[],"b":"2001-01-01T00:00:00Z","n":"\ud83d\ude00"} `), byte(2))
	f.Add([]byte(`{"salary":{"min":1e400},"headcount":1.0}`), byte(0))
	f.Add([]byte(`{"expected_salary":-0.5E+2,"degree":07}`), byte(1))
	f.Fuzz(func(t *testing.T, text []byte, kind byte) {
		fast, ferr, api, aerr, slow, serr := decodeBoth(kind, text)
		if ferr == nil && (serr != nil || !reflect.DeepEqual(fast, slow)) {
			t.Fatalf("%q: plain reader %+v, encoding/json %+v (%v)", text, fast, slow, serr)
		}
		if (aerr == nil) != (serr == nil) || (serr == nil && !reflect.DeepEqual(api, slow)) {
			t.Fatalf("%q: decoder %+v (%v), encoding/json %+v (%v)", text, api, aerr, slow, serr)
		}
	})
}

// BenchmarkDecodeDocs: the plain reader against encoding/json on the
// sample post and graduate document.
func BenchmarkDecodeDocs(b *testing.B) {
	docs := sampleDocs(b)
	b.Run("post/plain", func(b *testing.B) {
		for b.Loop() {
			var p matcher.Post
			if err := UnmarshalPost(docs[0], &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("post/encoding-json", func(b *testing.B) {
		for b.Loop() {
			var p matcher.Post
			if err := json.Unmarshal(docs[0], &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("graduate/plain", func(b *testing.B) {
		for b.Loop() {
			var g matcher.Graduate
			if err := UnmarshalGraduate(docs[1], &g); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("graduate/encoding-json", func(b *testing.B) {
		for b.Loop() {
			var g matcher.Graduate
			if err := json.Unmarshal(docs[1], &g); err != nil {
				b.Fatal(err)
			}
		}
	})
}
