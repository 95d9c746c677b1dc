package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// testFont is the system's CJK font; the test fails (CI installs
// fonts-droid-fallback) unless JOBMATCH_REQUIRE_FONT is unset and none is
// installed, when it skips naming the package to install.
func testFont(t testing.TB) *Font {
	t.Helper()
	f, err := FindFont(os.Getenv("JOBMATCH_PDF_FONT"))
	if err != nil {
		if os.Getenv("JOBMATCH_REQUIRE_BROWSER") != "" || os.Getenv("JOBMATCH_REQUIRE_FONT") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return f
}

// pdfText runs poppler's pdftotext on b and returns the text and the page
// count (pdfinfo).
func pdfText(t testing.TB, b []byte) (string, int) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "h.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		// poppler-utils reads the PDF back; .ci/run installs it.
		if os.Getenv("JOBMATCH_REQUIRE_BROWSER") != "" {
			t.Fatalf("pdftotext: %v (install Debian's poppler-utils)", err)
		}
		t.Skipf("pdftotext: %v (install Debian's poppler-utils)", err)
	}
	txt, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	info, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", info)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return string(txt), n
}

// longHandout is a handout at the plan's limits: 8 posts with long
// requirements, 2 internships, 4 courses, 4 subsidies.
func longHandout(name string, seed int) *casework.Handout {
	d := time.Date(2023, 7, 10+seed%10, 0, 0, 0, 0, time.UTC)
	h := &casework.Handout{
		Header:    casework.HandoutHeader{Bureau: casework.Bureau, Office: "天山区公共就业服务机构", Title: casework.HandoutTitle, Source: "乌鲁木齐市2023年高校毕业生就业工作方案", Quote: "为每人至少提供5—8个针对性岗位信息、3次职业指导、3个培训项目"},
		Graduate:  casework.HandoutGraduate{ID: fmt.Sprintf("G%05d", seed), Name: name, School: "新疆大学", Major: "会计学", Degree: "本科", GraduationYear: 2023},
		Counselor: casework.Counselor{Name: "李老师", District: "天山区", Contact: "0991-0000000"},
		AsOf:      time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC),
		// The plan's channel note, printed under the posts.
		ChannelNote: "岗位均来自中小微企业：其他渠道暂无符合条件、匹配相近的岗位",
	}
	long := strings.Repeat("熟悉财务软件、Excel，能吃苦耐劳，服从安排，", 3)
	for i := range 8 {
		dl := d.AddDate(0, 0, i)
		h.Posts = append(h.Posts, matcher.PlanItem{ID: fmt.Sprintf("p:%d", i), Title: fmt.Sprintf("会计岗位%d号%s", i+1, name), Employer: "新疆某某商贸有限公司", District: "天山区",
			Address: "天山区解放北路100号", SalaryText: "4000–6000元/月", Deadline: &dl, Requirements: []string{"学历：本科及以上", "专业：会计学、财务管理", "技能：" + long},
			HowToApply: "向新疆某某商贸有限公司投递简历报名（岗位信息来源：gov，编号123），报名截止" + dl.Format("2006-01-02")})
	}
	for i := range 2 {
		h.Internships = append(h.Internships, matcher.PlanItem{ID: fmt.Sprintf("i:%d", i), Title: fmt.Sprintf("财务见习%d", i+1), Employer: "乌鲁木齐某见习基地", District: "沙依巴克区", SalaryText: "1700元/月", HowToApply: "向就业见习基地报名"})
	}
	for i := range 4 {
		s, e := d, d.AddDate(0, 0, 20)
		h.Courses = append(h.Courses, matcher.PlanItem{ID: fmt.Sprintf("c:%d", i), Title: fmt.Sprintf("电子商务培训班（第%d期）", i+1), Employer: "乌鲁木齐职业技能培训学校", District: "新市区", StartDate: &s, EndDate: &e, Places: 40, HowToApply: "向培训学校报名"})
	}
	for i := range 4 {
		h.Subsidies = append(h.Subsidies, casework.HandoutSubsidy{Name: fmt.Sprintf("补贴%d", i+1), Amount: "1700元/月，最长12个月", Apply: "向所在区（县）人社部门申请", Item: "措施12", Quote: strings.Repeat("对吸纳就业困难高校毕业生的企业给予补贴。", 3)})
	}
	return h
}

func TestHandoutsPDFOneGraduatePerPage(t *testing.T) {
	f := testFont(t)
	hs := []*casework.Handout{longHandout("张三", 1), longHandout("李四", 2), longHandout("王五", 3)}
	var buf bytes.Buffer
	if err := HandoutsPDF(&buf, f, hs); err != nil {
		t.Fatal(err)
	}
	txt, pages := pdfText(t, buf.Bytes())
	if pages != len(hs) {
		t.Errorf("%d pages for %d graduates", pages, len(hs))
	}
	perPage := strings.Split(txt, "\f")
	for i, h := range hs {
		if i >= len(perPage) {
			break
		}
		pg := strings.ReplaceAll(perPage[i], " ", "")
		for _, want := range []string{casework.Bureau, "就业帮扶清单", h.Graduate.Name, "李老师", "0991-0000000", "岗位渠道：" + h.ChannelNote} {
			if !strings.Contains(pg, want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
		for _, p := range h.Posts {
			if !strings.Contains(pg, p.Title) || !strings.Contains(pg, "报名截止："+p.Deadline.Format("2006-01-02")) {
				t.Errorf("page %d lacks post %q with its deadline %s", i+1, p.Title, p.Deadline.Format("2006-01-02"))
			}
		}
	}
	if buf.Len() > 600_000 {
		t.Errorf("PDF of %d bytes: the font subset is not subset", buf.Len())
	}
	t.Logf("%d graduates: %d bytes", len(hs), buf.Len())
}

func TestFindFontNamesWhatItTried(t *testing.T) {
	_, err := FindFont(filepath.Join(t.TempDir(), "none.ttf"))
	if err == nil || !strings.Contains(err.Error(), "none.ttf") {
		t.Fatalf("err = %v, want one naming the path", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.ttf")
	os.WriteFile(bad, []byte("not a font at all"), 0o600)
	if _, err := FindFont(bad); err == nil || !strings.Contains(err.Error(), "not a TrueType") {
		t.Fatalf("err = %v, want not a TrueType font", err)
	}
}

func TestDumpHandoutPDF(t *testing.T) {
	out := os.Getenv("UIB_DUMP")
	if out == "" {
		t.Skip()
	}
	var buf bytes.Buffer
	if err := HandoutsPDF(&buf, testFont(t), []*casework.Handout{longHandout("张三", 1)}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(out, buf.Bytes(), 0o600)
}

func TestPlansXLSXRowsAndEscapes(t *testing.T) {
	h := longHandout("张三", 1)
	h.Posts[0].Title = "=HYPERLINK(\"http://x\",\"点我\")"
	h.Posts[1].Employer = "+86 公司"
	h.Posts[2].Address = "-1+1"
	h.Posts[3].HowToApply = "@SUM(A1)"
	empty := &casework.Handout{Graduate: casework.HandoutGraduate{ID: "G2", Name: "李四"}, Missing: []string{"缺少岗位"}}
	var buf bytes.Buffer
	if err := PlansXLSX(&buf, []*casework.Handout{h, empty}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("一人一策")
	if err != nil {
		t.Fatal(err)
	}
	want := 1 + len(h.Posts) + len(h.Internships) + len(h.Courses) + len(h.Subsidies) + 1
	if len(rows) != want {
		t.Fatalf("%d rows, want %d (header, one per item, one for the empty plan)", len(rows), want)
	}
	if rows[1][7] != "'"+h.Posts[0].Title || rows[2][8] != "'+86 公司" || rows[3][10] != "'-1+1" || rows[4][14] != "'@SUM(A1)" {
		t.Errorf("cells not escaped: %q %q %q %q", rows[1][7], rows[2][8], rows[3][10], rows[4][14])
	}
	for r := 1; r < len(rows); r++ {
		for c, v := range rows[r] {
			if f, _ := x.GetCellFormula("一人一策", cellName(c+1, r+1)); f != "" {
				t.Errorf("cell %s holds formula %q (value %q)", cellName(c+1, r+1), f, v)
			}
		}
	}
	if rows[5][12] != h.Posts[4].Deadline.Format("2006-01-02") {
		t.Errorf("deadline cell %q", rows[5][12])
	}
	if last := rows[len(rows)-1]; last[0] != "G2" || !strings.Contains(last[7], "缺少岗位") {
		t.Errorf("empty plan row %q", last)
	}
}

func cellName(c, r int) string {
	s, _ := excelize.CoordinatesToCellName(c, r)
	return s
}
