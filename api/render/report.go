package render

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// ReportColumns are the progress report's columns, after 区（县）.
var ReportColumns = []string{
	"区（县）", "毕业生总数", "应届户籍毕业生", "已登记", "登记率", "应届毕业生", "已落实去向", "落实率",
	"下一节点", "登记目标", "还差登记", "落实目标", "还差落实",
	"已联系", "超期未联系", "就业困难", "一人一策人数", "方案完整", "方案未完整", "缺岗位", "缺课程",
	"本期新登记", "本期新落实", "本期首次联系",
}

// ReportXLSX writes the bureau's progress report: a sheet of one row a
// district and the city's total (the dashboard's figures as of the
// report's date, the plans' progress, the period's activity), and a sheet
// of the plan's sentences the targets come from.
func ReportXLSX(w io.Writer, r *casework.Report) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "进度报表"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("render: report: %w", err)
	}
	title := fmt.Sprintf("乌鲁木齐市%d届高校毕业生就业工作进度%s", r.PlanYear, r.Kind)
	period := fmt.Sprintf("统计期间：%s 至 %s　数据截至：%s　口径：登记率为应届乌鲁木齐市户籍毕业生，落实率为应届毕业生（与工作台一致）",
		day(r.From), day(r.To), day(r.AsOf))
	rows := [][]any{{title}, {period}, anys(ReportColumns)}
	for _, row := range r.Rows {
		rows = append(rows, reportRow(row))
	}
	for i, vals := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		for j, v := range vals {
			if s, ok := v.(string); ok {
				vals[j] = Escape(s)
			}
		}
		if err := x.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("render: report row %d: %w", i+1, err)
		}
	}
	// Rates and targets as percentages (the cells hold the fractions).
	pctStyle, err := x.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return fmt.Errorf("render: report: %w", err)
	}
	for _, c := range []string{"E", "H", "J", "L"} {
		if err := x.SetCellStyle(sheet, c+"4", c+fmt.Sprint(len(rows)), pctStyle); err != nil {
			return fmt.Errorf("render: report: %w", err)
		}
	}
	x.SetColWidth(sheet, "A", "A", 14)
	x.SetColWidth(sheet, "B", "X", 11)
	if err := quotesSheet(x, r); err != nil {
		return err
	}
	if err := x.Write(w); err != nil {
		return fmt.Errorf("render: write XLSX: %w", err)
	}
	return nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// reportRow is one district's line, in ReportColumns' order.
func reportRow(row casework.ReportRow) []any {
	d, p := row.Dashboard, row.Plans
	next, regT, regGap, placeT, placeGap := "", any(""), any(""), any(""), any("")
	for _, m := range d.Milestones {
		if !m.Next {
			continue
		}
		next = m.Date
		if m.RegisteredTarget != nil {
			regT, regGap = *m.RegisteredTarget, m.RegisteredGap
		}
		if m.PlacedTarget != nil {
			placeT, placeGap = *m.PlacedTarget, m.PlacedGap
		}
	}
	return []any{
		row.District, d.Total, d.Registration.Denominator, d.Registration.Numerator, d.Registration.Rate,
		d.Placement.Denominator, d.Placement.Numerator, d.Placement.Rate,
		next, regT, regGap, placeT, placeGap,
		d.Contacted, d.ContactOverdue, d.Hardship, d.PlanGraduates, p.Complete, p.Incomplete, p.MissingPosts, p.MissingCourses,
		row.Registered, row.Placed, row.FirstContacts,
	}
}

// quotesSheet lists the plan's sentences the report's targets rest on.
func quotesSheet(x *excelize.File, r *casework.Report) error {
	const sheet = "政策依据"
	if _, err := x.NewSheet(sheet); err != nil {
		return fmt.Errorf("render: report: %w", err)
	}
	rows := [][]any{{"依据", r.Source}}
	for _, k := range []struct{ key, name string }{{"milestones", "阶段目标"}, {"registration", "实名登记"}, {"contact", "联系服务"}, {"shortlist", "一人一策"}} {
		if q := r.Quotes[k.key]; q != "" {
			rows = append(rows, []any{k.name, Escape(q)})
		}
	}
	for i, vals := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("render: report: %w", err)
		}
	}
	x.SetColWidth(sheet, "B", "B", 100)
	return nil
}
