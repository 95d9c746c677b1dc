package casework

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// resolved is an item looked up for a plan: what a plan shows, and what
// its checks read.
type resolved struct {
	item   matcher.PlanItem
	found  bool
	post   *matcher.Post
	course *matcher.Course
	key    string // courses: matcher.CourseKey
}

// counts reports whether the item counts towards the plan: open, and (a
// post) the rules admit the graduate.
func (r *resolved) counts() bool { return r.found && r.item.Open && r.item.Ineligible == "" }

// resolve looks id up in items as a post, then as a course, and judges
// it for g at now. A missing item is found = false, shown as deleted.
func (s *Service) resolve(ctx context.Context, items Items, g *matcher.Graduate, id string, now time.Time) (*resolved, error) {
	p, err := items.Post(ctx, id)
	switch matcher.ErrorCode(err) {
	case "":
		r := &resolved{found: true, post: p, item: postItem(p, now)}
		if r.item.Open {
			if ok, _, why := matcher.Eligible(g, p, *s.policy(), now); !ok {
				r.item.Ineligible = why
			}
		}
		return r, nil
	case matcher.ENOTFOUND:
	default:
		return nil, err
	}
	c, err := items.Course(ctx, id)
	switch matcher.ErrorCode(err) {
	case "":
		return &resolved{found: true, course: c, key: matcher.CourseKey(c), item: courseItem(c, now)}, nil
	case matcher.ENOTFOUND:
		return &resolved{item: matcher.PlanItem{ID: id, Kind: matcher.KindJob, Title: "（已删除）"}}, nil
	}
	return nil, err
}

// postItem is a post as a plan prints it.
func postItem(p *matcher.Post, now time.Time) matcher.PlanItem {
	it := matcher.PlanItem{
		ID: p.ID, Kind: p.Kind, Title: p.Title, Employer: p.Employer, Channel: p.Channel, District: p.District,
		Address: p.Address, Requirements: requirements(p), HowToApply: howToApply(p), Open: p.Searchable(now),
	}
	if it.Kind == "" {
		it.Kind = matcher.KindJob
	}
	sal := p.Salary
	it.Salary = &sal
	it.SalaryText = salaryText(p.Salary)
	if !p.Deadline.IsZero() {
		d := p.Deadline
		it.Deadline = &d
	}
	return it
}

// courseItem is a course as a plan prints it.
func courseItem(c *matcher.Course, now time.Time) matcher.PlanItem {
	it := matcher.PlanItem{
		ID: c.ID, Kind: matcher.KindCourse, Title: c.Title, Employer: c.Provider, District: c.District,
		Category: c.Category, Places: c.Places, Open: c.Open(now),
	}
	if !c.StartDate.IsZero() {
		start, end := c.StartDate, c.EndDate()
		it.StartDate, it.EndDate = &start, &end
		it.HowToApply = fmt.Sprintf("向%s报名（%s开班，共%d天，名额%d人）", c.Provider, start.Format("2006-01-02"), c.DurationDays, c.Places)
	} else {
		it.HowToApply = "向" + c.Provider + "报名"
	}
	if c.Category == matcher.CourseEntrepreneurship {
		it.Requirements = append(it.Requirements, "创业培训：面向有创业意愿的高校毕业生")
	}
	return it
}

// requirements lists what a post asks, in Chinese.
func requirements(p *matcher.Post) []string {
	var out []string
	if p.DegreeMin > matcher.DegreeNone {
		out = append(out, "学历："+p.DegreeMin.Chinese()+"及以上")
	}
	if len(p.Majors) > 0 {
		out = append(out, "专业："+strings.Join(p.Majors, "、"))
	}
	switch {
	case p.AgeMin > 0 && p.AgeMax > 0:
		out = append(out, fmt.Sprintf("年龄：%d–%d岁", p.AgeMin, p.AgeMax))
	case p.AgeMax > 0:
		out = append(out, fmt.Sprintf("年龄：%d岁及以下", p.AgeMax))
	case p.AgeMin > 0:
		out = append(out, fmt.Sprintf("年龄：%d岁及以上", p.AgeMin))
	}
	if h := strings.TrimSpace(p.HukouRequired); h != "" && h != "不限" {
		out = append(out, "户籍："+h)
	}
	if p.Experience != "" {
		out = append(out, "经验："+p.Experience)
	}
	if len(p.Skills) > 0 {
		out = append(out, "技能："+strings.Join(p.Skills, "、"))
	}
	if len(p.Certificates) > 0 {
		out = append(out, "证书："+strings.Join(p.Certificates, "、"))
	}
	if p.PublicWelfare {
		out = append(out, "公益性岗位：仅面向就业困难毕业生")
	}
	if p.Channel == matcher.ChannelMilitary {
		out = append(out, "征兵：须经体格检查、政治考核合格")
	}
	return out
}

// howToApply says where a graduate applies for a post.
func howToApply(p *matcher.Post) string {
	var s string
	switch {
	case p.Channel == matcher.ChannelMilitary:
		s = "到户籍所在地区（县）人民武装部（征兵办公室）报名应征，经体格检查、政治考核合格后入伍；乌鲁木齐户籍应届毕业生优先"
	case p.Kind == matcher.KindInternship:
		s = "向就业见习基地（" + p.Employer + "）报名，经所在区（县）人社部门备案后参加见习"
	case p.Channel == matcher.ChannelPublicSector:
		s = "按" + p.Employer + "招录（聘）公告报名"
	default:
		s = "向" + p.Employer + "投递简历报名"
	}
	if p.Source != "" {
		s += fmt.Sprintf("（岗位信息来源：%s，编号%s）", p.Source, p.ExternalID)
	}
	if !p.Deadline.IsZero() {
		s += "，报名截止" + p.Deadline.Format("2006-01-02")
	}
	return s
}

// salaryText is a salary as people read it.
func salaryText(sal matcher.Salary) string {
	lo, hi, ok := sal.Monthly()
	switch {
	case sal.Negotiable || !ok:
		if sal.Raw != "" {
			return sal.Raw
		}
		return "面议"
	case sal.OpenEnded:
		return fmt.Sprintf("%.0f元/月以上", lo)
	case hi > lo:
		return fmt.Sprintf("%.0f–%.0f元/月", lo, hi)
	}
	return fmt.Sprintf("%.0f元/月", lo)
}
