package ingest

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Entities an import can hold.
const (
	EntityPosts     = "posts"
	EntityCourses   = "courses"
	EntityGraduates = "graduates"
)

// Canonical columns per entity, in documentation order. Extra columns beyond
// the list (skills, certificates, status, age_min) are accepted
// because portals and the generator sometimes have them.
var canonicalColumns = map[string][]string{
	EntityPosts: {"source", "external_id", "kind", "channel", "title", "employer", "employer_type",
		"district", "address", "description", "majors", "degree_min", "experience", "salary",
		"headcount", "age_min", "age_max", "hukou_required", "public_welfare", "posted_at", "deadline",
		"skills", "certificates", "status"},
	EntityCourses: {"source", "external_id", "title", "provider", "category", "district",
		"description", "majors", "start_date", "duration_days", "places", "skills", "certificates"},
	EntityGraduates: {"id", "name", "national_id", "phone", "gender", "birth_date", "school", "major",
		"degree", "graduation_year", "hukou_district", "residence_district", "skills", "certificates",
		"preferred_channels", "preferred_districts", "expected_salary", "hardship", "status",
		"registered_at", "contacted_at", "placed_at"},
}

// CanonicalColumns returns the canonical column names of entity (nil for an
// unknown entity).
func CanonicalColumns(entity string) []string {
	return append([]string(nil), canonicalColumns[entity]...)
}

// concatColumns are columns whose values, when several source columns map to
// them, are joined rather than first-wins: a post's duties and requirements
// are often separate columns and both belong in its description.
var concatColumns = map[string]bool{"description": true}

// aliases maps normalised source headers to canonical columns, per entity.
// Headers are the ones Chinese portals and ledgers actually export.
var aliases = map[string]map[string]string{
	EntityPosts: aliasTable(map[string][]string{
		"title":          {"职位名称", "岗位名称", "职位", "岗位", "招聘岗位", "招聘职位", "title", "job_title", "jobtitle", "positionname", "position", "job_name"},
		"salary":         {"薪资", "工资", "薪酬", "月薪", "薪资待遇", "工资范围", "薪资范围", "薪水", "待遇", "salary", "wage", "pay"},
		"degree_min":     {"学历", "学历要求", "最低学历", "education", "degree", "diploma", "diploma_requirement", "diploma_requirment"},
		"majors":         {"专业", "专业要求", "所需专业", "major", "majors"},
		"headcount":      {"招聘人数", "人数", "招录人数", "岗位数", "headcount", "vacancies"},
		"district":       {"工作地点", "地区", "城市", "工作城市", "工作区域", "所在区", "区县", "location", "city", "workplace"},
		"employer":       {"单位名称", "公司名称", "公司", "企业名称", "用人单位", "招聘单位", "单位", "company", "companyname", "employer"},
		"deadline":       {"截止日期", "截止时间", "报名截止", "deadline", "expires"},
		"posted_at":      {"发布日期", "发布时间", "posted", "posted_at", "publish_date"},
		"description":    {"职位描述", "岗位职责", "任职要求", "描述", "职位要求", "职能要求", "岗位要求", "工作内容", "职位详情", "job_description", "description", "requirements", "description&requirement"},
		"experience":     {"工作经验", "经验", "经验要求", "工作年限", "experience", "work_experience"},
		"employer_type":  {"公司性质", "单位性质", "企业性质", "employer_type", "company_type"},
		"address":        {"地址", "工作地址", "详细地址", "address"},
		"external_id":    {"职位id", "岗位编号", "职位编号", "岗位代码", "id", "job_id", "external_id"},
		"source":         {"来源", "数据来源", "source"},
		"kind":           {"类型", "岗位类型", "kind"},
		"channel":        {"渠道", "招聘渠道", "channel"},
		"age_max":        {"年龄", "年龄上限", "年龄要求", "age", "age_max"},
		"age_min":        {"年龄下限", "age_min"},
		"hukou_required": {"户籍要求", "户籍限制", "hukou_required"},
		"public_welfare": {"公益性岗位", "是否公益性岗位", "public_welfare"},
		"skills":         {"技能要求", "技能", "skills"},
		"certificates":   {"证书要求", "资格证书", "证书", "certificates"},
		"status":         {"状态", "岗位状态", "status"},
	}),
	EntityCourses: aliasTable(map[string][]string{
		"title":         {"课程名称", "培训项目", "培训名称", "课程", "项目名称", "title", "course"},
		"provider":      {"培训机构", "机构名称", "承办单位", "举办单位", "provider"},
		"category":      {"培训类别", "类别", "培训类型", "类型", "category"},
		"district":      {"培训地点", "地区", "所在区", "区县", "district", "location"},
		"description":   {"课程简介", "课程内容", "培训内容", "描述", "简介", "description"},
		"majors":        {"专业", "适合专业", "专业要求", "majors"},
		"start_date":    {"开班日期", "开课日期", "开始日期", "开班时间", "start_date"},
		"duration_days": {"培训天数", "天数", "时长", "课时天数", "duration_days", "duration"},
		"places":        {"招生人数", "名额", "人数", "计划人数", "places"},
		"external_id":   {"课程编号", "项目编号", "编号", "id", "external_id"},
		"source":        {"来源", "数据来源", "source"},
		"skills":        {"技能", "培训技能", "skills"},
		"certificates":  {"证书", "可考证书", "资格证书", "certificates"},
	}),
	EntityGraduates: aliasTable(map[string][]string{
		"id":                  {"编号", "序号id", "学生编号", "id"},
		"name":                {"姓名", "name"},
		"national_id":         {"身份证号", "身份证", "身份证号码", "公民身份号码", "national_id", "id_number"},
		"phone":               {"手机", "手机号", "手机号码", "联系电话", "电话", "phone", "mobile"},
		"gender":              {"性别", "gender", "sex"},
		"birth_date":          {"出生日期", "出生年月", "birth_date", "birthday"},
		"school":              {"毕业院校", "学校", "院校", "毕业学校", "school"},
		"major":               {"所学专业", "专业", "major"},
		"degree":              {"学历", "学历层次", "degree", "education"},
		"graduation_year":     {"毕业年份", "毕业时间", "毕业年度", "graduation_year"},
		"hukou_district":      {"户籍所在区", "户籍", "户籍地", "户口所在地", "hukou_district"},
		"residence_district":  {"居住区", "常住地", "现居住地", "居住地", "residence_district"},
		"skills":              {"技能", "专业技能", "skills"},
		"certificates":        {"证书", "资格证书", "职业资格证书", "certificates"},
		"preferred_channels":  {"意向渠道", "求职意向渠道", "preferred_channels"},
		"preferred_districts": {"意向地区", "意向区域", "求职意向地区", "preferred_districts"},
		"expected_salary":     {"期望薪资", "期望月薪", "expected_salary"},
		"hardship":            {"困难类别", "就业困难类型", "困难类型", "hardship"},
		"status":              {"状态", "就业状态", "status"},
		"registered_at":       {"登记日期", "登记时间", "registered_at"},
		"contacted_at":        {"联系日期", "首次联系日期", "contacted_at"},
		"placed_at":           {"落实日期", "就业日期", "placed_at"},
	}),
}

func aliasTable(byCanon map[string][]string) map[string]string {
	t := map[string]string{}
	for canon, names := range byCanon {
		for _, n := range names {
			t[HeaderKey(n)] = canon
		}
		t[HeaderKey(canon)] = canon
	}
	return t
}

// trailingNote matches a bracketed note at the end of a header: "（必填）",
// "(YYYY-MM-DD)", "[选填]", "【单位：元】".
var trailingNote = regexp.MustCompile(`[(\[【<][^()\[\]【】<>]*[)\]】>]$`)

// HeaderKey normalises a header for matching: full-width forms folded
// (NFKC), lower case, spaces, '*' marks and trailing colons and bracketed
// notes removed.
func HeaderKey(h string) string {
	h = norm.NFKC.String(h)
	h = strings.ToLower(h)
	h = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\u00a0', '\u3000', '*', '\ufeff':
			return -1
		}
		return r
	}, h)
	for {
		h = strings.TrimRight(h, ":：")
		loc := trailingNote.FindStringIndex(h)
		if loc == nil || loc[0] == 0 {
			break
		}
		h = h[:loc[0]]
	}
	return h
}

// Mapping is a --map file: extra header aliases and defaults for one
// portal's export. It is merged over the built-in aliases.
type Mapping struct {
	// Columns maps a source header (or "#N", the N-th column counting from
	// 1) to a canonical column; "" or "-" ignores the column.
	Columns map[string]string `json:"columns,omitempty"`
	// SheetColumns are Columns for one sheet only (XLSX), applied over
	// Columns: portals export sheets whose headers differ or lie.
	SheetColumns map[string]map[string]string `json:"sheet_columns,omitempty"`
	// Defaults are values for canonical columns a row leaves empty.
	Defaults map[string]string `json:"defaults,omitempty"`
	// Sheets, when set, lists the only sheets read (XLSX).
	Sheets []string `json:"sheets,omitempty"`
	// SkipRows rows are skipped at the top of each file or sheet before the
	// header search.
	SkipRows int `json:"skip_rows,omitempty"`
	// Clean lists, per canonical column, regular expressions whose matches
	// are removed from the value (page junk like "点击查看地图").
	Clean map[string][]string `json:"clean,omitempty"`
	// Discard gives, per canonical column, a regular expression: a value
	// that matches is not that column's data (e.g. an address scraped into
	// the company column) and is dropped, as if the cell were empty.
	Discard map[string]string `json:"discard,omitempty"`
	// Optional lists required columns this export is known to lose; a row
	// without them is accepted with the field empty.
	Optional []string `json:"optional,omitempty"`
	// Join gives, per canonical column, the separator that joins the
	// values of several source columns mapped to it, in the file's column
	// order, instead of keeping the first: an export that splits a salary
	// into 最低薪资 and 最高薪资 joins them with "-" into one range.
	Join map[string]string `json:"join,omitempty"`

	clean    map[string][]*regexp.Regexp
	discard  map[string]*regexp.Regexp
	optional map[string]bool
}

// LoadMapping reads and checks a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取映射文件 %s: %w", path, err)
	}
	m, err := ParseMapping(b)
	if err != nil {
		return nil, fmt.Errorf("映射文件 %s: %w", path, err)
	}
	return m, nil
}

// ParseMapping parses a mapping file's JSON and compiles its expressions.
func ParseMapping(b []byte) (*Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("JSON 格式错误: %w", err)
	}
	if err := m.compile(); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Mapping) compile() error {
	if m.SkipRows < 0 {
		return fmt.Errorf("skip_rows 不能为负数: %d", m.SkipRows)
	}
	m.clean = map[string][]*regexp.Regexp{}
	for col, pats := range m.Clean {
		for _, p := range pats {
			re, err := regexp.Compile(p)
			if err != nil {
				return fmt.Errorf("clean.%s 的正则表达式 %q 无效: %w", col, p, err)
			}
			m.clean[col] = append(m.clean[col], re)
		}
	}
	m.discard = map[string]*regexp.Regexp{}
	for col, p := range m.Discard {
		re, err := regexp.Compile(p)
		if err != nil {
			return fmt.Errorf("discard.%s 的正则表达式 %q 无效: %w", col, p, err)
		}
		m.discard[col] = re
	}
	m.optional = map[string]bool{}
	for _, c := range m.Optional {
		m.optional[c] = true
	}
	return nil
}

// Validate checks that every canonical name the mapping uses exists for entity.
func (m *Mapping) Validate(entity string) error {
	if m == nil {
		return nil
	}
	known := map[string]bool{}
	for _, c := range canonicalColumns[entity] {
		known[c] = true
	}
	check := func(where, c string) error {
		if c == "" || c == "-" || known[c] {
			return nil
		}
		return fmt.Errorf("映射文件的 %s 指向未知的列 %q（%s 的标准列为 %s）", where, c, entity, strings.Join(canonicalColumns[entity], ", "))
	}
	for _, tbl := range append([]map[string]string{m.Columns}, mapValues(m.SheetColumns)...) {
		for src, c := range tbl {
			if err := check("columns["+src+"]", c); err != nil {
				return err
			}
		}
	}
	for _, set := range []map[string]string{m.Defaults} {
		for c := range set {
			if err := check("defaults", c); err != nil {
				return err
			}
		}
	}
	for c := range m.Clean {
		if err := check("clean", c); err != nil {
			return err
		}
	}
	for c := range m.Discard {
		if err := check("discard", c); err != nil {
			return err
		}
	}
	for _, c := range m.Optional {
		if err := check("optional", c); err != nil {
			return err
		}
	}
	for c := range m.Join {
		if err := check("join", c); err != nil {
			return err
		}
	}
	return nil
}

// joinSep is the mapping's separator for joining col's values, if any.
func (m *Mapping) joinSep(col string) (string, bool) {
	if m == nil {
		return "", false
	}
	sep, ok := m.Join[col]
	return sep, ok
}

func mapValues(m map[string]map[string]string) []map[string]string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]map[string]string, 0, len(m))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

func (m *Mapping) wantSheet(name string) bool {
	if m == nil || len(m.Sheets) == 0 {
		return true
	}
	for _, s := range m.Sheets {
		if s == name {
			return true
		}
	}
	return false
}

func (m *Mapping) skipRows() int {
	if m == nil {
		return 0
	}
	return m.SkipRows
}

// columnMap resolves headers to canonical columns for one table.
type columnMap struct {
	entity  string
	byKey   map[string]string // normalised header → canonical ("" = ignore)
	byIndex map[int]string    // 0-based column → canonical, from "#N" entries
}

func newColumnMap(entity string, m *Mapping, sheet string) *columnMap {
	cm := &columnMap{entity: entity, byKey: map[string]string{}, byIndex: map[int]string{}}
	for k, v := range aliases[entity] {
		cm.byKey[k] = v
	}
	add := func(tbl map[string]string) {
		for src, canon := range tbl {
			if canon == "-" {
				canon = ""
			}
			if strings.HasPrefix(src, "#") {
				if n, err := strconv.Atoi(src[1:]); err == nil && n >= 1 {
					cm.byIndex[n-1] = canon
					continue
				}
			}
			cm.byKey[HeaderKey(src)] = canon
		}
	}
	if m != nil {
		add(m.Columns)
		if sheet != "" {
			add(m.SheetColumns[sheet])
		}
	}
	return cm
}

// resolve maps a header row to canonical columns: one entry per cell,
// "" for cells that map to nothing. unknown lists non-empty headers that
// matched nothing (and were not explicitly ignored).
func (cm *columnMap) resolve(header []string) (cols []string, known int, unknown []string) {
	cols = make([]string, len(header))
	for i, h := range header {
		if c, ok := cm.byIndex[i]; ok {
			cols[i] = c
			if c != "" {
				known++
			}
			continue
		}
		key := HeaderKey(h)
		if key == "" {
			continue
		}
		c, ok := cm.byKey[key]
		if !ok {
			unknown = append(unknown, strings.TrimSpace(h))
			continue
		}
		cols[i] = c
		if c != "" {
			known++
		}
	}
	// "#N" entries may name columns past the header's last cell (a header
	// row shorter than its data rows). Grow once to the largest such index
	// before assigning: growing per entry in map order lost an entry whenever
	// a larger index came first (and so lost it in about half the runs).
	width := len(header)
	for i, c := range cm.byIndex {
		if c != "" && i+1 > width {
			width = i + 1
		}
	}
	if width > len(cols) {
		cols = append(cols, make([]string, width-len(cols))...)
		for i, c := range cm.byIndex {
			if i >= len(header) && c != "" {
				cols[i] = c
				known++
			}
		}
	}
	return cols, known, unknown
}
