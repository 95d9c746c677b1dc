package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// Escape makes s safe as a spreadsheet cell: text starting with = + - @
// (or a tab or carriage return) is what Excel and WPS read as a formula,
// so it is written with a leading apostrophe, which they show as text.
func Escape(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// planColumns are the plans sheet's header, one row a plan item.
var planColumns = []string{"毕业生编号", "姓名", "学校", "专业", "方案状态", "类别", "序号", "名称", "单位/机构", "区（县）", "地址", "薪资", "报名截止/开班日期", "要求", "报名方式", "就业指导员"}

var planStatusNames = map[matcher.PlanStatus]string{matcher.PlanProposed: "建议方案（待确认）", matcher.PlanConfirmed: "已确认", matcher.PlanDraft: "草稿"}

// PlansXLSX writes the handouts' plans to w as one sheet, one row a plan
// item (post, internship, course, subsidy); a graduate whose plan is empty
// has one row saying what is missing.
func PlansXLSX(w io.Writer, hs []*casework.Handout) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "一人一策"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("render: plans sheet: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("render: plans sheet: %w", err)
	}
	row := 1
	put := func(cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = Escape(c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, vals)
	}
	if err := put(planColumns); err != nil {
		return fmt.Errorf("render: plans sheet: %w", err)
	}
	for _, h := range hs {
		for _, r := range planRows(h) {
			if err := put(r); err != nil {
				return fmt.Errorf("render: plans sheet row %d: %w", row, err)
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("render: plans sheet: %w", err)
	}
	if err := x.Write(w); err != nil {
		return fmt.Errorf("render: write XLSX: %w", err)
	}
	return nil
}

// planRows are the rows of one graduate's plan.
func planRows(h *casework.Handout) [][]string {
	g := h.Graduate
	head := []string{g.ID, g.Name, g.School, g.Major, planStatusNames[h.Status]}
	counselor := h.Counselor.Name
	var rows [][]string
	item := func(kind string, i int, it matcher.PlanItem) {
		when := ""
		switch {
		case it.Deadline != nil:
			when = day(*it.Deadline)
		case it.StartDate != nil:
			when = day(*it.StartDate)
		}
		rows = append(rows, append(append([]string{}, head...), kind, fmt.Sprint(i+1), it.Title, it.Employer, it.District, it.Address,
			it.SalaryText, when, strings.Join(it.Requirements, "；"), it.HowToApply, counselor))
	}
	for i, it := range h.Posts {
		item("岗位", i, it)
	}
	for i, it := range h.Internships {
		item("就业见习", i, it)
	}
	for i, it := range h.Courses {
		item("培训课程", i, it)
	}
	for i, s := range h.Subsidies {
		rows = append(rows, append(append([]string{}, head...), "补贴", fmt.Sprint(i+1), s.Name, "", "", "", s.Amount, "",
			strings.Join(s.Verify, "；"), s.Apply, counselor))
	}
	if len(rows) == 0 {
		rows = append(rows, append(append([]string{}, head...), "—", "", "尚无方案："+strings.Join(h.Missing, "；"), "", "", "", "", "", "", "", counselor))
	}
	return rows
}
