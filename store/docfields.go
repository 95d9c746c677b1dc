package store

import "github.com/urumqi-hrss/jobmatch/matcher"

// The fields docjson.go reads, by their JSON keys: a key's place in its
// table is its bit in fields' check that no key repeats.

type field[T any] struct {
	key  string
	read func(r *postRefReader, d *T) error
}

// fieldTable indexes a table by key.
type fieldTable[T any] struct {
	list  []field[T]
	index map[string]int
}

func newFieldTable[T any](list []field[T]) *fieldTable[T] {
	if len(list) > 64 {
		panic("store: more than 64 fields")
	}
	t := &fieldTable[T]{list: list, index: make(map[string]int, len(list))}
	for i, f := range list {
		t.index[f.key] = i
	}
	return t
}

// readObject reads an object of t's fields into d, each key at most once
// and spelled exactly as its tag (see object); an unknown key is left to
// encoding/json.
func readObject[T any](r *postRefReader, t *fieldTable[T], d *T) error {
	var seen uint64
	return r.object(func(key []byte) error {
		i, ok := t.index[string(key)]
		if !ok || seen&(1<<i) != 0 {
			return errSlowPath
		}
		seen |= 1 << i
		return t.list[i].read(r, d)
	})
}

func (r *postRefReader) post(p *matcher.Post) error         { return readObject(r, postFields, p) }
func (r *postRefReader) graduate(g *matcher.Graduate) error { return readObject(r, graduateFields, g) }
func (r *postRefReader) personal(p *Personal) error         { return readObject(r, personalFields, p) }

type post = matcher.Post
type grad = matcher.Graduate

var postFields = newFieldTable([]field[post]{
	{"id", func(r *postRefReader, p *post) error { return str1(r, &p.ID) }},
	{"source", func(r *postRefReader, p *post) error { return str1(r, &p.Source) }},
	{"external_id", func(r *postRefReader, p *post) error { return str1(r, &p.ExternalID) }},
	{"kind", func(r *postRefReader, p *post) error { return str1(r, &p.Kind) }},
	{"channel", func(r *postRefReader, p *post) error { return str1(r, &p.Channel) }},
	{"title", func(r *postRefReader, p *post) error { return str1(r, &p.Title) }},
	{"employer", func(r *postRefReader, p *post) error { return str1(r, &p.Employer) }},
	{"employer_type", func(r *postRefReader, p *post) error { return str1(r, &p.EmployerType) }},
	{"district", func(r *postRefReader, p *post) error { return str1(r, &p.District) }},
	{"address", func(r *postRefReader, p *post) error { return str1(r, &p.Address) }},
	{"description", func(r *postRefReader, p *post) error { return str1(r, &p.Description) }},
	{"majors", func(r *postRefReader, p *post) error { return strs1(r, &p.Majors) }},
	{"major_codes", func(r *postRefReader, p *post) error { return strs1(r, &p.MajorCodes) }},
	{"degree_min", func(r *postRefReader, p *post) error { return r.degree1(&p.DegreeMin) }},
	{"experience", func(r *postRefReader, p *post) error { return str1(r, &p.Experience) }},
	{"experience_min", func(r *postRefReader, p *post) error { return r.int1(&p.ExperienceMin) }},
	{"salary", func(r *postRefReader, p *post) error { return readObject(r, salaryFields, &p.Salary) }},
	{"headcount", func(r *postRefReader, p *post) error { return r.int1(&p.Headcount) }},
	{"filled", func(r *postRefReader, p *post) error { return r.int1(&p.Filled) }},
	{"age_max", func(r *postRefReader, p *post) error { return r.int1(&p.AgeMax) }},
	{"age_min", func(r *postRefReader, p *post) error { return r.int1(&p.AgeMin) }},
	{"hukou_required", func(r *postRefReader, p *post) error { return str1(r, &p.HukouRequired) }},
	{"public_welfare", func(r *postRefReader, p *post) error { return r.bool1(&p.PublicWelfare) }},
	{"posted_at", func(r *postRefReader, p *post) error { return r.time1(&p.PostedAt) }},
	{"deadline", func(r *postRefReader, p *post) error { return r.time1(&p.Deadline) }},
	{"occupation", func(r *postRefReader, p *post) error { return str1(r, &p.Occupation) }},
	{"skills", func(r *postRefReader, p *post) error { return strs1(r, &p.Skills) }},
	{"certificates", func(r *postRefReader, p *post) error { return strs1(r, &p.Certificates) }},
	{"status", func(r *postRefReader, p *post) error { return str1(r, &p.Status) }},
	{"duplicate_of", func(r *postRefReader, p *post) error { return str1(r, &p.DuplicateOf) }},
	{"updated_at", func(r *postRefReader, p *post) error { return r.time1(&p.UpdatedAt) }},
})

var salaryFields = newFieldTable([]field[matcher.Salary]{
	{"raw", func(r *postRefReader, s *matcher.Salary) error { return str1(r, &s.Raw) }},
	{"min", func(r *postRefReader, s *matcher.Salary) error { return r.float1(&s.Min) }},
	{"max", func(r *postRefReader, s *matcher.Salary) error { return r.float1(&s.Max) }},
	{"period", func(r *postRefReader, s *matcher.Salary) error { return str1(r, &s.Period) }},
	{"months", func(r *postRefReader, s *matcher.Salary) error { return r.int1(&s.Months) }},
	{"negotiable", func(r *postRefReader, s *matcher.Salary) error { return r.bool1(&s.Negotiable) }},
	{"inverted", func(r *postRefReader, s *matcher.Salary) error { return r.bool1(&s.Inverted) }},
	{"open_ended", func(r *postRefReader, s *matcher.Salary) error { return r.bool1(&s.OpenEnded) }},
})

var graduateFields = newFieldTable([]field[grad]{
	{"id", func(r *postRefReader, g *grad) error { return str1(r, &g.ID) }},
	{"name", func(r *postRefReader, g *grad) error { return str1(r, &g.Name) }},
	{"national_id", func(r *postRefReader, g *grad) error { return str1(r, &g.NationalID) }},
	{"phone", func(r *postRefReader, g *grad) error { return str1(r, &g.Phone) }},
	{"gender", func(r *postRefReader, g *grad) error { return str1(r, &g.Gender) }},
	{"birth_date", func(r *postRefReader, g *grad) error { return r.time1(&g.BirthDate) }},
	{"school", func(r *postRefReader, g *grad) error { return str1(r, &g.School) }},
	{"major", func(r *postRefReader, g *grad) error { return str1(r, &g.Major) }},
	{"major_code", func(r *postRefReader, g *grad) error { return str1(r, &g.MajorCode) }},
	{"degree", func(r *postRefReader, g *grad) error { return r.degree1(&g.Degree) }},
	{"graduation_year", func(r *postRefReader, g *grad) error { return r.int1(&g.GraduationYear) }},
	{"hukou_district", func(r *postRefReader, g *grad) error { return str1(r, &g.HukouDistrict) }},
	{"residence_district", func(r *postRefReader, g *grad) error { return str1(r, &g.ResidenceDistrict) }},
	{"skills", func(r *postRefReader, g *grad) error { return strs1(r, &g.Skills) }},
	{"certificates", func(r *postRefReader, g *grad) error { return strs1(r, &g.Certificates) }},
	{"preferred_channels", func(r *postRefReader, g *grad) error { return strs1(r, &g.PreferredChannels) }},
	{"preferred_districts", func(r *postRefReader, g *grad) error { return strs1(r, &g.PreferredDistricts) }},
	{"expected_salary", func(r *postRefReader, g *grad) error { return r.float1(&g.ExpectedSalary) }},
	{"hardship", func(r *postRefReader, g *grad) error { return strs1(r, &g.Hardship) }},
	{"status", func(r *postRefReader, g *grad) error { return str1(r, &g.Status) }},
	{"registered_at", func(r *postRefReader, g *grad) error { return r.time1(&g.RegisteredAt) }},
	{"contacted_at", func(r *postRefReader, g *grad) error { return r.time1(&g.ContactedAt) }},
	{"placed_at", func(r *postRefReader, g *grad) error { return r.time1(&g.PlacedAt) }},
	{"updated_at", func(r *postRefReader, g *grad) error { return r.time1(&g.UpdatedAt) }},
})

var personalFields = newFieldTable([]field[Personal]{
	{"n", func(r *postRefReader, p *Personal) error { return str1(r, &p.Name) }},
	{"i", func(r *postRefReader, p *Personal) error { return str1(r, &p.NationalID) }},
	{"p", func(r *postRefReader, p *Personal) error { return str1(r, &p.Phone) }},
	{"h", func(r *postRefReader, p *Personal) error { return strs1(r, &p.Hardship) }},
	{"b", func(r *postRefReader, p *Personal) error { return r.time1(&p.BirthDate) }},
})
