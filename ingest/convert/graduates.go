package convert

import (
	"regexp"
	"strconv"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/major"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

var yearIn = regexp.MustCompile(`(19|20)\d{2}`)

type grad = matcher.Graduate

// graduateFields is the ledger's converter (see field). Personal values
// (name, national ID, phone, birth date, hardship) are never copied into
// the errors it reports.
var graduateFields = []field[grad]{
	{col: "id", set: func(g *grad, v string) error { g.ID = normalize.Text(v); return nil },
		after: func(e *rowErrs, g *grad) { e.checkKey("id", g.ID, maxExternalIDLen) }},
	{col: "name", what: "姓名", required: true, set: text(func(g *grad) *string { return &g.Name })},
	{col: "national_id", what: "身份证号", set: func(g *grad, v string) (err error) {
		g.NationalID, err = normalize.NationalID(v)
		return err
	}, after: func(e *rowErrs, g *grad) {
		if g.ID == "" && g.NationalID == "" && len(e.errs) == 0 {
			e.add("id", "", "编号和身份证号都为空：至少需要其中一个来识别这名毕业生")
		}
	}},
	{col: "phone", what: "手机号", set: func(g *grad, v string) (err error) {
		g.Phone, err = normalize.Phone(v)
		return err
	}},
	{col: "gender", what: "性别", hint: "应为 男 或 女", set: func(g *grad, v string) (err error) {
		g.Gender, err = normalize.Gender(v)
		return err
	}},
	{col: "birth_date", what: "出生日期", hint: "应为如 2002-05-17 的日期", set: date(func(g *grad) *time.Time { return &g.BirthDate }),
		after: fromNationalID},
	{col: "school", set: text(func(g *grad) *string { return &g.School })},
	{col: "major", set: text(func(g *grad) *string { return &g.Major })},
	{col: "degree", what: "学历", hint: "应为 中专、大专、本科、硕士、博士 之一", set: func(g *grad, v string) (err error) {
		g.Degree, err = normalize.Degree(v)
		return err
	}, after: resolveMajor},
	{col: "graduation_year", set: graduationYear},
	{col: "hukou_district", set: district(func(g *grad) *string { return &g.HukouDistrict })},
	{col: "residence_district", set: district(func(g *grad) *string { return &g.ResidenceDistrict })},
	{col: "skills", set: list(func(g *grad) *[]string { return &g.Skills })},
	{col: "certificates", set: list(func(g *grad) *[]string { return &g.Certificates })},
	{col: "preferred_channels", each: true, what: "意向渠道",
		hint: "应为 public_sector、state_owned、sme、grassroots、military、self_employed 或其中文名，用 ; 分隔",
		set: func(g *grad, v string) error {
			c, err := normalize.Channel(v)
			if err == nil {
				g.PreferredChannels = append(g.PreferredChannels, c)
			}
			return err
		}},
	{col: "preferred_districts", each: true, set: func(g *grad, v string) error {
		g.PreferredDistricts = mergeUnique(g.PreferredDistricts, normalize.District(v))
		return nil
	}},
	{col: "expected_salary", what: "期望薪资", hint: "应为如 4000、4000-6000 或 面议", set: func(g *grad, v string) error {
		s, err := normalize.Salary(v)
		if err == nil {
			if lo, _, ok := s.Monthly(); ok {
				g.ExpectedSalary = lo
			}
		}
		return err
	}},
	{col: "hardship", set: func(g *grad, v string) (err error) {
		if g.Hardship, err = normalize.Hardships(v); err != nil {
			return reasonError("就业困难类别无法识别，应为 脱贫家庭、低保/低收入家庭、零就业家庭、残疾、长期未就业 之一，多个用 ; 分隔")
		}
		return nil
	}},
	{col: "status", what: "毕业生状态", hint: "应为 未登记、求职中、已落实、在职、升学 之一", set: func(g *grad, v string) (err error) {
		g.Status, err = normalize.GraduateStatus(v)
		return err
	}},
	{col: "registered_at", what: "登记日期", hint: dateHint, set: date(func(g *grad) *time.Time { return &g.RegisteredAt })},
	{col: "contacted_at", what: "联系日期", hint: dateHint, set: date(func(g *grad) *time.Time { return &g.ContactedAt })},
	{col: "placed_at", what: "落实日期", hint: dateHint, set: date(func(g *grad) *time.Time { return &g.PlacedAt }),
		after: func(_ *rowErrs, g *grad) {
			if g.Status == "" {
				switch {
				case !g.PlacedAt.IsZero():
					g.Status = matcher.StatusPlaced
				case !g.RegisteredAt.IsZero():
					g.Status = matcher.StatusSeeking
				}
			}
		}},
}

// resolveMajor places the graduate's major in the catalogues at the level
// of the degree (会计 is 会计学 for 本科, 大数据与会计 for 大专), stored
// with the code posts use for its name (major.PostCode). A major the
// catalogues do not know is kept as written, with its 专业类 inferred from
// its words when they point to one, and noted: a graduate is never refused
// for a major.
func resolveMajor(e *rowErrs, g *grad) {
	if g.Major == "" {
		return
	}
	res := major.Resolve(g.Major, g.Degree)
	if note := majorNote(res); note != "" {
		e.note("major", g.Major, note)
	}
	if res.Major.Name != "" {
		g.Major = res.Major.Name
	}
	g.MajorCode = major.PostCode(res)
}

// majorNote is the note for a major the catalogues do not name: inferred,
// or not placed at all.
func majorNote(res catalog.MajorResolution) string {
	switch res.Found {
	case catalog.MajorInferred:
		return res.Explain()
	case catalog.MajorNotFound:
		return "不在专业目录中，也无法从名称推断专业类：按所写名称匹配"
	}
	return ""
}

// fromNationalID fills the birth date and gender the national ID states,
// and refuses a birth date column that contradicts it.
func fromNationalID(e *rowErrs, g *grad) {
	if g.NationalID == "" {
		return
	}
	if bd, ok := normalize.NationalIDBirthDate(g.NationalID); ok {
		if g.BirthDate.IsZero() {
			g.BirthDate = bd
		} else if !sameDay(bd, g.BirthDate) {
			e.add("birth_date", "", "出生日期与身份证号中的出生日期不一致，请核对")
		}
	}
	if g.Gender == "" {
		if (g.NationalID[16]-'0')%2 == 1 {
			g.Gender = "男"
		} else {
			g.Gender = "女"
		}
	}
}

// graduationYear reads a year: "2024", or the year in "2024年6月", "2024-06".
func graduationYear(g *grad, v string) error {
	n, err := normalize.Int(v, "graduation_year")
	if err != nil || n < 1950 || n > 2100 {
		y := yearIn.FindString(normalize.Text(v))
		if y == "" {
			return reasonf("毕业年份无法识别：'%s'，应为如 2024 的四位年份", clip(v))
		}
		n, _ = strconv.Atoi(y)
	}
	g.GraduationYear = n
	return nil
}

// GraduateFromRow builds a graduate from a row of the graduate ledger.
// Personal values (name, national ID, phone, birth date, hardship) are never
// copied into the returned errors.
func GraduateFromRow(r Row) (matcher.Graduate, []matcher.RowError) {
	g, errs, _ := GraduateFromRowNotes(r)
	return g, errs
}

// GraduateFromRowNotes is GraduateFromRow with the caveats of an accepted
// row (a major the catalogues do not know, placed by inference or not at
// all), which the importer sums up as warnings.
func GraduateFromRowNotes(r Row) (matcher.Graduate, []matcher.RowError, []matcher.RowError) {
	e := &rowErrs{r: r}
	g := matcher.Graduate{}
	apply(e, &g, graduateFields)
	if len(e.errs) > 0 {
		return matcher.Graduate{}, e.errs, nil
	}
	if g.ID == "" {
		// Keyed by the ID number so a re-import updates the same person;
		// hashed so the key itself does not spell out the number.
		g.ID = stableID("national_id", g.NationalID)
	}
	return g, nil, e.notes
}
