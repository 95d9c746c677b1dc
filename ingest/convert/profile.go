package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/major"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Profile is a graduate described for matching only: what a portal knows
// of one of its users, or what a counselor types in for someone not in the
// ledger. Values are written as people write them (degree "本科", districts
// "天山区", channels "国企") and go through the same normalisers as the
// ledger's columns. Nothing in it identifies a person: age stands in for
// the birth date, and name, national ID, phone and hardship are refused.
//
// It is the one form of a profile: `jobmatch recommend --profile FILE`
// reads it (docs/profile.md), and the REST API's profile recommendations
// take the same fields.
type Profile struct {
	School             string   `json:"school,omitempty"`
	Major              string   `json:"major,omitempty"`
	MajorCode          string   `json:"major_code,omitempty"`
	Degree             string   `json:"degree,omitempty"`
	GraduationYear     int      `json:"graduation_year,omitempty"`
	Age                int      `json:"age,omitempty"`
	Gender             string   `json:"gender,omitempty"`
	HukouDistrict      string   `json:"hukou_district,omitempty"`
	ResidenceDistrict  string   `json:"residence_district,omitempty"`
	Skills             []string `json:"skills,omitempty"`
	Certificates       []string `json:"certificates,omitempty"`
	PreferredChannels  []string `json:"preferred_channels,omitempty"`
	PreferredDistricts []string `json:"preferred_districts,omitempty"`
	ExpectedSalary     float64  `json:"expected_salary,omitempty"` // yuan a month
	Status             string   `json:"status,omitempty"`
}

// ProfileID is the ID a graduate built from a profile carries.
const ProfileID = "profile"

// PersonalProfileFields are the ledger's personal fields: a profile that
// names one is refused with a message saying why, not as a mere unknown
// field (a profile is sent to portals and logged; personal data stays in
// the ledger).
var PersonalProfileFields = []string{"id", "name", "national_id", "phone", "birth_date", "hardship"}

func profileError(field, zh, en string, args ...any) *matcher.Error {
	e := matcher.Errorf(matcher.EINVALID, field+"："+zh, field+": "+en, args...)
	e.Field = field
	return e
}

// fieldError names field in a normaliser's error, keeping its message.
func fieldError(field string, err error) error {
	var me *matcher.Error
	if errors.As(err, &me) {
		c := *me
		c.Field = field
		c.Message = field + "：" + me.Message
		if me.MessageEN != "" {
			c.MessageEN = field + ": " + me.MessageEN
		}
		return &c
	}
	return profileError(field, "值无效（%v）", "invalid value (%v)", err)
}

// DecodeProfile reads a profile from JSON (one object). Personal fields,
// unknown fields and values of the wrong JSON type are refused with an
// error naming the field.
func DecodeProfile(b []byte) (Profile, error) {
	var p Profile
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return p, &matcher.Error{Code: matcher.EINVALID,
			Message:   `画像应为一个 JSON 对象，如 {"major": "会计学", "degree": "本科"}` + jsonDetail(err),
			MessageEN: `a profile must be one JSON object, such as {"major": "会计学", "degree": "本科"}` + jsonDetail(err)}
	}
	var personal, unknown []string
	known := profileFields()
	for k := range raw {
		switch {
		case slices.Contains(PersonalProfileFields, k):
			personal = append(personal, k)
		case !known[k]:
			unknown = append(unknown, k)
		}
	}
	sort.Strings(personal)
	sort.Strings(unknown)
	if len(personal) > 0 {
		e := matcher.Errorf(matcher.EINVALID,
			"画像不接受个人信息：%s（姓名、身份证号、手机号、出生日期、困难类别只在毕业生台账中导入；年龄用 age）",
			"personal data is not accepted in a profile: %s (name, national ID, phone, birth date and hardship belong in the graduate ledger; give age instead of birth_date)",
			strings.Join(personal, ", "))
		e.Field = personal[0]
		return p, e
	}
	if len(unknown) > 0 {
		e := matcher.Errorf(matcher.EINVALID, "画像中有未知字段：%s（可用字段见 docs/profile.md）",
			"unknown field in the profile: %s (see docs/profile.md for the fields)", strings.Join(unknown, ", "))
		e.Field = unknown[0]
		return p, e
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			kind := te.Type.Kind().String()
			e := &matcher.Error{Code: matcher.EINVALID}
			e.Message = fmt.Sprintf("%s：应为%s，不是 JSON %s", te.Field, jsonTypeZH(kind), jsonValueZH(te.Value))
			e.MessageEN = fmt.Sprintf("%s: must be %s, not a JSON %s", te.Field, jsonTypeEN(kind), te.Value)
			e.Field = te.Field
			return p, e
		}
		return p, matcher.Errorf(matcher.EINVALID, "画像无法解析：%v", "the profile cannot be read: %v", err)
	}
	if dec.More() {
		return p, matcher.Errorf(matcher.EINVALID, "画像文件只能有一个 JSON 对象", "a profile file holds exactly one JSON object")
	}
	return p, nil
}

func jsonDetail(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

func jsonTypeEN(kind string) string {
	switch kind {
	case "string":
		return `a string (such as "本科")`
	case "int", "int64":
		return "a whole number"
	case "float64":
		return "a number"
	case "slice":
		return `a list of strings (such as ["Excel", "CAD"])`
	}
	return kind
}

func jsonValueZH(v string) string {
	switch v {
	case "string":
		return "字符串"
	case "number":
		return "数字"
	case "bool":
		return "布尔值"
	case "array":
		return "数组"
	case "object":
		return "对象"
	}
	return v
}

func jsonTypeZH(kind string) string {
	switch kind {
	case "string":
		return "文本（字符串，如 \"本科\"）"
	case "int", "int64":
		return "整数"
	case "float64":
		return "数字"
	case "slice":
		return "文本列表（如 [\"Excel\", \"CAD\"]）"
	}
	return kind
}

// profileFields are the JSON names of Profile's fields.
func profileFields() map[string]bool {
	known := map[string]bool{}
	t := reflect.TypeFor[Profile]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	return known
}

// Graduate turns the profile into the graduate the matcher scores, as of
// now (for the age). Every value goes through the ledger's normaliser; a
// value that cannot be read is an error naming its field. A major the
// catalogues do not know is not one: see GraduateNotes.
func (p Profile) Graduate(now time.Time) (matcher.Graduate, error) {
	g, _, err := p.GraduateNotes(now)
	return g, err
}

// GraduateNotes is Graduate with notes for a person to read: how a major
// the catalogues do not name was placed (its 专业类 inferred from its
// words, or not placed at all). The major is resolved at the level of the
// profile's degree (会计 is 会计学 for 本科, 大数据与会计 for 大专) and
// stored with the code posts use for its name (major.PostCode).
func (p Profile) GraduateNotes(now time.Time) (matcher.Graduate, []string, error) {
	g := matcher.Graduate{
		ID:                ProfileID,
		School:            normalize.Text(p.School),
		GraduationYear:    p.GraduationYear,
		HukouDistrict:     normalize.District(p.HukouDistrict),
		ResidenceDistrict: normalize.District(p.ResidenceDistrict),
		Skills:            cleanList(p.Skills),
		Certificates:      cleanList(p.Certificates),
		ExpectedSalary:    p.ExpectedSalary,
		Status:            matcher.StatusSeeking,
	}
	var notes []string
	var err error
	if p.Degree != "" {
		if g.Degree, err = profileDegree(p.Degree); err != nil {
			return g, nil, err
		}
	}
	if notes, err = p.setMajor(&g); err != nil {
		return g, nil, err
	}
	if p.Gender != "" {
		if g.Gender, err = normalize.Gender(p.Gender); err != nil {
			return g, nil, fieldError("gender", err)
		}
	}
	if p.Status != "" {
		if g.Status, err = normalize.GraduateStatus(p.Status); err != nil {
			return g, nil, fieldError("status", err)
		}
	}
	if p.Age != 0 {
		if p.Age < 14 || p.Age > 80 {
			return g, nil, profileError("age", "年龄应在 14–80 之间", "age must be between 14 and 80")
		}
		// The day before the birthday that makes them Age today.
		g.BirthDate = now.UTC().AddDate(-p.Age, 0, -1)
	}
	if p.GraduationYear != 0 && (p.GraduationYear < 1950 || p.GraduationYear > 2100) {
		return g, nil, profileError("graduation_year", "毕业年份 %d 无效，应为如 2024 的四位年份", "invalid graduation year %d: want a year such as 2024", p.GraduationYear)
	}
	if p.ExpectedSalary < 0 || p.ExpectedSalary > 1e6 {
		return g, nil, profileError("expected_salary", "期望薪资应在 0–1000000 元/月之间", "expected_salary must be between 0 and 1,000,000 yuan a month")
	}
	for _, c := range p.PreferredChannels {
		ch, err := normalize.Channel(c)
		if err != nil {
			return g, nil, fieldError("preferred_channels", err)
		}
		if !slices.Contains(g.PreferredChannels, ch) {
			g.PreferredChannels = append(g.PreferredChannels, ch)
		}
	}
	for _, d := range p.PreferredDistricts {
		if d = normalize.District(d); d != "" {
			g.PreferredDistricts = mergeUnique(g.PreferredDistricts, d)
		}
	}
	return g, notes, nil
}

// setMajor sets the graduate's major and its code from major_code and
// major, which must agree when both are given; the notes say how a name the
// catalogues lack was placed.
func (p Profile) setMajor(g *matcher.Graduate) ([]string, error) {
	var notes []string
	if code := strings.TrimSpace(p.MajorCode); code != "" {
		if m, ok := catalog.MajorByCode(code); ok {
			g.Major, g.MajorCode = m.Name, m.Code
		} else if c, ok := catalog.MajorClassByCode(code); ok {
			g.Major, g.MajorCode = c.Name, c.Code
		} else {
			return nil, profileError("major_code", "专业代码 %s 不在专业目录中", "major code %q is not in the catalogue of majors", code)
		}
	}
	if v := normalize.Text(p.Major); v != "" {
		res := major.Resolve(v, g.Degree)
		if res.Major.Code != "" && g.MajorCode != "" && res.Major.Code != g.MajorCode {
			return nil, profileError("major", "专业 %s 与 major_code %s 不一致", "major %q does not match major_code %s", v, g.MajorCode)
		}
		if n := majorNote(res); n != "" {
			notes = append(notes, fmt.Sprintf("专业「%s」%s", v, n))
		}
		g.Major = v
		if res.Major.Name != "" {
			g.Major = res.Major.Name
		}
		if g.MajorCode == "" {
			g.MajorCode = major.PostCode(res)
		}
	}
	return notes, nil
}

// profileDegreeNames are the spellings of a person's degree a profile
// takes (docs/profile.md), folded; the codes of matcher.Degree.String are
// taken too. normalize.Degree also reads what posts write as a requirement
// ("本科及以上", "学历不限", "初中", and "博士后", a post-doctoral post it
// reads as 博士): none of these is a graduate's degree, and a profile naming
// one is refused with an error naming the field rather than guessed.
var profileDegreeNames = map[string]bool{
	"中专": true, "高中": true, "中专/高中": true, "中技": true, "中职": true, "职高": true, "技校": true,
	"大专": true, "专科": true, "大专/专科": true, "高职": true,
	"本科": true, "学士": true, "硕士": true, "研究生": true, "硕士研究生": true, "博士": true, "博士研究生": true,
}

// profileDegree reads a profile's degree: one of profileDegreeNames or a
// degree code other than none.
func profileDegree(v string) (matcher.Degree, error) {
	k := strings.ToLower(strings.Join(strings.Fields(normalize.Text(v)), ""))
	if d, ok := matcher.ParseDegreeCode(k); ok && d != matcher.DegreeNone {
		return d, nil
	}
	if profileDegreeNames[k] {
		d, err := normalize.Degree(k)
		if err != nil {
			return d, fieldError("degree", err)
		}
		return d, nil
	}
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	return matcher.DegreeNone, profileError("degree",
		"无法识别的学历：%s，应为 中专/高中、大专/专科、本科、硕士、博士 之一（或 secondary、associate、bachelor、master、doctor）",
		"unrecognised degree %q: want 中专/高中, 大专/专科, 本科, 硕士 or 博士 (or secondary, associate, bachelor, master, doctor)", v)
}

func cleanList(l []string) []string {
	var out []string
	for _, s := range l {
		if s = normalize.Text(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
