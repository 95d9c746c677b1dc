package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// HandoutsPDF writes the handouts to w as one PDF, one graduate a page
// (A4): the bureau's header, who it is for, the posts, internships,
// courses and subsidies, the counselor, the plan's sentence it rests on.
// A long plan is set smaller to stay on its page.
func HandoutsPDF(w io.Writer, f *Font, hs []*casework.Handout) error {
	pages := make([]page, len(hs))
	for i, h := range hs {
		pages[i] = handoutPage(h)
	}
	title := casework.HandoutTitle
	if len(hs) == 1 {
		title += "：" + hs[0].Graduate.Name
	}
	return writePages(w, f, title, pages)
}

// Sizes, in points at scale 1.
const (
	sizeBureau  = 13
	sizeTitle   = 16
	sizeSection = 11.5
	sizeItem    = 10
	sizeDetail  = 8.5
	sizeSmall   = 7.5
)

func handoutPage(h *casework.Handout) page {
	var p page
	add := func(b block) { p.blocks = append(p.blocks, b) }
	add(block{text: h.Header.Bureau, size: sizeBureau, center: true})
	add(block{text: h.Header.Title, size: sizeTitle, center: true, before: 1})
	add(block{text: h.Header.Office + "　　制表日期：" + day(h.AsOf), size: sizeDetail, center: true, gray: 60, before: 1, rule: true})
	add(block{text: graduateLine(h.Graduate), size: sizeItem, before: 2})
	add(block{text: counselorLine(h), size: sizeItem, before: 0.5, rule: true})
	section := func(n, title string, items []matcher.PlanItem, lines func(matcher.PlanItem) []string) {
		add(block{text: fmt.Sprintf("%s、%s（%d）", n, title, len(items)), size: sizeSection, before: 3})
		if len(items) == 0 {
			add(block{text: "暂无", size: sizeDetail, indent: 4, gray: 90})
		}
		for i, it := range items {
			add(block{text: fmt.Sprintf("%d. %s — %s", i+1, it.Title, it.Employer), size: sizeItem, indent: 2, before: 1.2})
			for _, l := range lines(it) {
				add(block{text: l, size: sizeDetail, indent: 6, gray: 40})
			}
		}
	}
	section("一", "推荐岗位", h.Posts, postLines)
	if h.ChannelNote != "" && len(h.Posts) > 0 {
		add(block{text: "岗位渠道：" + h.ChannelNote, size: sizeDetail, indent: 2, before: 1, gray: 60})
	}
	section("二", "就业见习", h.Internships, postLines)
	section("三", "培训课程", h.Courses, courseLines)
	add(block{text: fmt.Sprintf("四、可申请的补贴（%d）", len(h.Subsidies)), size: sizeSection, before: 3})
	if len(h.Subsidies) == 0 {
		add(block{text: "暂无", size: sizeDetail, indent: 4, gray: 90})
	}
	for i, s := range h.Subsidies {
		add(block{text: fmt.Sprintf("%d. %s：%s", i+1, s.Name, s.Amount), size: sizeItem, indent: 2, before: 1.2})
		if s.Apply != "" {
			add(block{text: "申请：" + s.Apply, size: sizeDetail, indent: 6, gray: 40})
		}
		if len(s.Verify) > 0 {
			add(block{text: "需核实：" + strings.Join(s.Verify, "；"), size: sizeDetail, indent: 6, gray: 40})
		}
		add(block{text: "依据：" + s.Item + "　" + s.Quote, size: sizeSmall, indent: 6, gray: 100})
	}
	if len(h.Missing) > 0 {
		add(block{text: "尚待补充：" + strings.Join(h.Missing, "；"), size: sizeDetail, before: 3, gray: 60})
	}
	add(block{text: "依据：" + h.Header.Source + "　" + h.Header.Quote, size: sizeSmall, gray: 110, footer: true})
	return p
}

func graduateLine(g casework.HandoutGraduate) string {
	parts := []string{"姓名：" + g.Name, "编号：" + g.ID}
	if g.School != "" {
		parts = append(parts, "学校："+g.School)
	}
	if g.Major != "" {
		parts = append(parts, "专业："+g.Major)
	}
	if g.Degree != "" {
		parts = append(parts, "学历："+g.Degree)
	}
	if g.GraduationYear > 0 {
		parts = append(parts, fmt.Sprintf("%d届", g.GraduationYear))
	}
	return strings.Join(parts, "　")
}

func counselorLine(h *casework.Handout) string {
	c := h.Counselor
	s := "就业指导员：" + orDash(c.Name)
	if c.District != "" {
		s += "（" + c.District + "）"
	}
	if c.Contact != "" {
		return s + "　联系方式：" + c.Contact
	}
	return s + "　联系方式：请到" + h.Header.Office + "咨询"
}

// postLines are a post's details: where, pay, deadline, requirements and
// how to apply.
func postLines(it matcher.PlanItem) []string {
	where := it.Address
	if where == "" {
		where = it.District
	} else if it.District != "" && !strings.Contains(where, it.District) {
		where = it.District + " " + where
	}
	first := []string{"地址：" + orDash(where), "薪资：" + orDash(it.SalaryText)}
	if it.Deadline != nil {
		first = append(first, "报名截止："+day(*it.Deadline))
	} else {
		first = append(first, "报名截止：招满为止")
	}
	out := []string{strings.Join(first, "；")}
	if len(it.Requirements) > 0 {
		out = append(out, "要求："+strings.Join(it.Requirements, "；"))
	}
	if it.HowToApply != "" {
		out = append(out, "报名方式："+it.HowToApply)
	}
	return out
}

// courseLines are a course's details: dates, place, places, how to
// enrol.
func courseLines(it matcher.PlanItem) []string {
	var first []string
	if it.StartDate != nil {
		when := "时间：" + day(*it.StartDate)
		if it.EndDate != nil {
			when += " 至 " + day(*it.EndDate)
		}
		first = append(first, when)
	}
	first = append(first, "地点："+orDash(it.District), fmt.Sprintf("名额：%d人", it.Places))
	out := []string{strings.Join(first, "；")}
	if len(it.Sessions) > 0 {
		out = append(out, "其他班期："+strings.Join(it.Sessions, "、"))
	}
	if it.HowToApply != "" {
		out = append(out, "报名方式："+it.HowToApply)
	}
	return out
}

func day(t time.Time) string { return t.Format("2006-01-02") }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
