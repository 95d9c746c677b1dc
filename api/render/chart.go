package render

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// The dashboard's charts as SVG documents drawn on the server: no script,
// no network, no style sheet (the workspace's CSP forbids inline styles;
// SVG presentation attributes are not styles), printable as they are.
// Each says its figures in text too (labels on the bars and a <title>),
// so a chart is never the only place a figure is.

// Colours.
const (
	colMet     = "#2e7d32" // target met
	colBehind  = "#ef6c00" // below target
	colNeutral = "#1f3a5f"
	colLight   = "#90a4c0"
	colAlarm   = "#c62828"
	colGrid    = "#cccccc"
	colText    = "#222222"
)

const chartFont = `font-family="Droid Sans Fallback, Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"`

// svg is a chart being drawn.
type svg struct {
	b    bytes.Buffer
	w, h int
}

func newSVG(w, h int, title string) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" %s font-size="12">`, w, h, w, h, chartFont)
	fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
	fmt.Fprintf(&s.b, `<rect width="%d" height="%d" fill="#ffffff"/>`, w, h)
	s.text(8, 18, title, "start", 14, colText)
	return s
}

func esc(s string) string { return html.EscapeString(s) }

func (s *svg) text(x, y float64, t, anchor string, size float64, fill string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%.1f" fill="%s">%s</text>`, x, y, anchor, size, fill, esc(t))
}

func (s *svg) rect(x, y, w, h float64, fill, label string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`, x, y, max(w, 0), max(h, 0), fill, esc(label))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, dash bool) {
	d := ""
	if dash {
		d = ` stroke-dasharray="4 3"`
	}
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`, x1, y1, x2, y2, stroke, width, d)
}

func (s *svg) bytes() []byte {
	s.b.WriteString(`</svg>`)
	return s.b.Bytes()
}

// pct is a rate as a person reads it.
func pct(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

// progressBar is one horizontal bar of a rate against a target.
type progressBar struct {
	label  string
	rate   float64
	target float64 // ≤ 0: none
	detail string  // what the bar's end says
}

// progressChart draws rates (0–100%) as horizontal bars, each with its
// target as a dashed tick: green when met, orange when behind.
func progressChart(title string, bars []progressBar, note string) []byte {
	const left, right, rowH = 150.0, 130.0, 30.0
	h := int(40 + rowH*float64(len(bars)) + 30)
	s := newSVG(640, h, title)
	plotW := float64(s.w) - left - right
	top := 34.0
	for _, p := range []float64{0, .25, .5, .75, 1} {
		x := left + plotW*p
		s.line(x, top-4, x, top+rowH*float64(len(bars)), colGrid, 1, false)
		s.text(x, top+rowH*float64(len(bars))+14, fmt.Sprintf("%.0f%%", p*100), "middle", 10, colText)
	}
	for i, b := range bars {
		y := top + rowH*float64(i)
		fill := colNeutral
		if b.target > 0 {
			fill = colBehind
			if b.rate >= b.target {
				fill = colMet
			}
		}
		s.text(left-6, y+rowH/2+4, b.label, "end", 12, colText)
		s.rect(left, y+6, plotW*min(max(b.rate, 0), 1), rowH-12, fill, b.label+" "+pct(b.rate))
		if b.target > 0 {
			x := left + plotW*min(b.target, 1)
			s.line(x, y+2, x, y+rowH-2, colText, 2, true)
		}
		s.text(left+plotW+6, y+rowH/2+4, b.detail, "start", 11, colText)
	}
	if note != "" {
		s.text(8, float64(h)-6, note, "start", 10, "#555555")
	}
	return s.bytes()
}

// MilestonesChart draws each of the plan's milestones as the rate now
// against its target (登记率 of this year's Urumqi-hukou graduates, 落实率
// of this year's graduates), and the year's registration target.
func MilestonesChart(d *casework.Dashboard) []byte {
	var bars []progressBar
	for _, m := range d.Milestones {
		date := strings.TrimPrefix(m.Date, fmt.Sprintf("%d-", d.PlanYear))
		if m.RegisteredTarget != nil {
			bars = append(bars, progressBar{date + " 登记率", d.Registration.Rate, *m.RegisteredTarget,
				fmt.Sprintf("%s / 目标%s", pct(d.Registration.Rate), pct(*m.RegisteredTarget))})
		}
		if m.PlacedTarget != nil {
			bars = append(bars, progressBar{date + " 落实率", d.Placement.Rate, *m.PlacedTarget,
				fmt.Sprintf("%s / 目标%s", pct(d.Placement.Rate), pct(*m.PlacedTarget))})
		}
	}
	if d.RegistrationTarget > 0 {
		bars = append(bars, progressBar{"全年 登记率", d.Registration.Rate, d.RegistrationTarget,
			fmt.Sprintf("%s / 目标%s", pct(d.Registration.Rate), pct(d.RegistrationTarget))})
	}
	where := d.District
	if where == "" {
		where = "全市"
	}
	note := fmt.Sprintf("登记率：%s %d/%d；落实率：%s %d/%d；虚线为目标，截至 %s", d.Registration.Population, d.Registration.Numerator, d.Registration.Denominator,
		d.Placement.Population, d.Placement.Numerator, d.Placement.Denominator, d.AsOf.Format("2006-01-02"))
	return progressChart(where+" 各阶段目标进度", bars, note)
}

// DistrictsChart compares the districts' registration and placement
// rates, side by side.
func DistrictsChart(rs []casework.DistrictRates) []byte {
	var bars []progressBar
	for _, r := range rs {
		bars = append(bars,
			progressBar{label: r.District + " 登记率", rate: r.Registration.Rate, detail: fmt.Sprintf("%s（%d/%d）", pct(r.Registration.Rate), r.Registration.Numerator, r.Registration.Denominator)},
			progressBar{label: r.District + " 落实率", rate: r.Placement.Rate, detail: fmt.Sprintf("%s（%d/%d）", pct(r.Placement.Rate), r.Placement.Numerator, r.Placement.Denominator)})
	}
	return progressChart("各区（县）登记率与落实率", bars, "登记率：应届乌鲁木齐市户籍毕业生；落实率：应届毕业生；按户籍或居住地计入各区")
}

// columnsChart draws counts as columns with their values on top.
func columnsChart(title string, labels []string, counts []int, fills []string, note string) []byte {
	const left, bottom, top = 30.0, 40.0, 40.0
	s := newSVG(640, 240, title)
	plotH := float64(s.h) - top - bottom
	colW := (float64(s.w) - left - 10) / float64(max(len(counts), 1))
	most := 1
	for _, c := range counts {
		most = max(most, c)
	}
	s.line(left, top+plotH, float64(s.w)-10, top+plotH, colText, 1, false)
	for i, c := range counts {
		x := left + colW*float64(i)
		h := plotH * float64(c) / float64(most)
		s.rect(x+colW*0.15, top+plotH-h, colW*0.7, h, fills[i], fmt.Sprintf("%s：%d", labels[i], c))
		s.text(x+colW/2, top+plotH-h-3, fmt.Sprint(c), "middle", 11, colText)
		s.text(x+colW/2, top+plotH+14, labels[i], "middle", 10, colText)
	}
	if note != "" {
		s.text(8, float64(s.h)-6, note, "start", 10, "#555555")
	}
	return s.bytes()
}

// ContactsChart draws the first contacts overdue and those due on each of
// the next days.
func ContactsChart(c *casework.ContactsDue) []byte {
	labels, counts, fills := []string{"已超期"}, []int{c.Overdue}, []string{colAlarm}
	for _, d := range c.Days {
		labels = append(labels, d.Date[5:])
		counts = append(counts, d.Count)
		fills = append(fills, colNeutral)
	}
	labels, counts, fills = append(labels, "以后"), append(counts, c.Later), append(fills, colLight)
	return columnsChart("首次联系到期（按日）", labels, counts, fills,
		fmt.Sprintf("登记后%d日内必须首次联系；截至 %s", c.SLADays, c.AsOf.Format("2006-01-02")))
}

// PlansChart draws the 一人一策 plans complete against those still
// missing posts or courses.
func PlansChart(p *casework.PlanProgress) []byte {
	labels := []string{"已完整", "未完整", "缺岗位", "缺课程", "已确认"}
	counts := []int{p.Complete, p.Incomplete, p.MissingPosts, p.MissingCourses, p.Confirmed}
	fills := []string{colMet, colBehind, colBehind, colBehind, colNeutral}
	return columnsChart(fmt.Sprintf("一人一策方案：%d 人", p.Graduates), labels, counts, fills,
		"完整：5—8个岗位、至少3门培训课程（政策要求）；一份方案可能既缺岗位又缺课程")
}
