package catalog

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed licences.csv teaching_subjects.csv occupations.csv universities.csv majors.csv major_occupations.csv regulated_occupations.csv policy.json skills.csv terms.txt
var files embed.FS

// Occupation is a node of the 2022 national occupational classification.
type Occupation struct {
	Code       string // e.g. 2-06-01-00 (level 4 is an occupation; 1–3 are 大类/中类/小类)
	Level      int    // 1..4
	Name       string
	Definition string
	Tasks      string
	Aliases    []string
	// Digital and Green carry the 2022 edition's 数字职业 (S) and 绿色职业
	// (L) marks, which the source file appends to the name ("…人员L/S");
	// the loader moves them here so Name is the occupation's plain name.
	Digital bool
	Green   bool
}

// splitOccupationMarks removes the S / L / L/S suffix of a 2022 occupation
// name. The marks follow a CJK character, never a Latin word, so a name that
// ends in a Latin letter after another Latin letter is left alone.
func splitOccupationMarks(name string) (plain string, digital, green bool) {
	for _, suf := range []string{"L/S", "S", "L"} {
		if !strings.HasSuffix(name, suf) {
			continue
		}
		rest := strings.TrimSuffix(name, suf)
		r, _ := utf8.DecodeLastRuneInString(rest)
		if r < 0x2E80 { // not CJK: part of a real name
			continue
		}
		return rest, strings.Contains(suf, "S"), strings.Contains(suf, "L")
	}
	return name, false, false
}

// Parent returns the code of the node one level up ("" for level 1).
func (o Occupation) Parent() string { return ParentOccupation(o.Code) }

// ParentOccupation returns the code one level above code: 2-06-01-03 →
// 2-06-01-00 → 2-06-00-00 → 2-00-00-00 → "".
func ParentOccupation(code string) string {
	p := strings.Split(code, "-")
	if len(p) != 4 {
		return ""
	}
	for i := 3; i >= 1; i-- {
		if strings.Trim(p[i], "0") != "" {
			p[i] = strings.Repeat("0", len(p[i]))
			return strings.Join(p, "-")
		}
	}
	return ""
}

// District is one of Urumqi's eight county-level divisions.
type District struct {
	Code   string // GB/T 2260, e.g. 650102
	Name   string // 天山区
	Short  string // 天山
	Pinyin string // Tianshan
}

// UrumqiDistricts are the city's seven districts and one county.
var UrumqiDistricts = []District{
	{"650102", "天山区", "天山", "Tianshan"},
	{"650103", "沙依巴克区", "沙依巴克", "Shayibake"},
	{"650104", "新市区", "新市", "Xinshi"},
	{"650105", "水磨沟区", "水磨沟", "Shuimogou"},
	{"650106", "头屯河区", "头屯河", "Toutunhe"},
	{"650107", "达坂城区", "达坂城", "Dabancheng"},
	{"650109", "米东区", "米东", "Midong"},
	{"650121", "乌鲁木齐县", "乌鲁木齐县", "Wulumuqi County"},
}

// IsUrumqiDistrict reports whether name is the full name of one of the eight divisions.
func IsUrumqiDistrict(name string) bool {
	for _, d := range UrumqiDistricts {
		if d.Name == name {
			return true
		}
	}
	return false
}

// University is an institution of higher education in Xinjiang.
type University struct {
	Name  string
	Code  string // MoE institution code
	City  string
	Level string // 本科 or 专科
	Note  string // 民办 etc.
}

var (
	loadOnce    sync.Once
	loadErr     error
	occupations []Occupation
	occByCode   map[string]*Occupation
	unis        []University
)

func load() {
	loadOnce.Do(func() { loadErr = loadAll() })
	if loadErr != nil {
		// The files are embedded at build time; a parse error is a bug in
		// this package's data that a test catches, never a run-time input.
		panic(fmt.Sprintf("catalog: %v", loadErr))
	}
}

func readCSV(name string) ([][]string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	return rows[1:], nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '|' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func loadAll() error {
	rows, err := readCSV("occupations.csv")
	if err != nil {
		return err
	}
	occByCode = map[string]*Occupation{}
	for _, r := range rows {
		if len(r) < 8 {
			return fmt.Errorf("occupations.csv: short row %q", r)
		}
		lvl, _ := strconv.Atoi(r[0])
		name, digital, green := splitOccupationMarks(strings.TrimSpace(r[3]))
		o := Occupation{Code: r[1], Level: lvl, Name: name, Definition: r[4], Tasks: r[5], Digital: digital, Green: green}
		seen := map[string]bool{name: true}
		for _, a := range strings.FieldsFunc(r[7], func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == ',' || r == '，' }) {
			a, _, _ = splitOccupationMarks(strings.TrimSpace(a))
			if a != "" && !seen[a] {
				seen[a] = true
				o.Aliases = append(o.Aliases, a)
			}
		}
		occupations = append(occupations, o)
	}
	for i := range occupations {
		// The source lists a few nodes twice (e.g. 4-12-04-02); the first wins.
		if _, dup := occByCode[occupations[i].Code]; !dup {
			occByCode[occupations[i].Code] = &occupations[i]
		}
	}

	if rows, err = readCSV("universities.csv"); err != nil {
		return err
	}
	for _, r := range rows {
		if len(r) < 7 {
			return fmt.Errorf("universities.csv: short row %q", r)
		}
		unis = append(unis, University{Name: r[1], Code: r[2], City: r[4], Level: r[5], Note: r[6]})
	}

	return loadMajors()
}

// Occupations returns every node of the classification, in file order.
func Occupations() []Occupation { load(); return occupations }

// OccupationByCode returns the node with that code.
func OccupationByCode(code string) (Occupation, bool) {
	load()
	o, ok := occByCode[code]
	if !ok {
		return Occupation{}, false
	}
	return *o, true
}

// Universities returns Xinjiang's universities (the MoE list).
func Universities() []University { load(); return unis }
