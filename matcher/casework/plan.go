package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// planInternships is how many internships a proposal puts on a plan: the
// plan asks to give priority to internships (优先组织参加…就业见习) and
// names no number; two leave the counselor a choice without crowding the
// targeted posts.
const planInternships = 2

// entry is one item of the counselor's part of a plan.
type entry struct {
	ID       string
	Pinned   bool
	AddedAt  time.Time
	Note     string
	Override string
}

// folded is a plan's edits replayed.
type folded struct {
	entries   []entry
	removed   map[string]bool // removed by the counselor: never proposed again
	confirmed bool
	edits     int
}

// fold replays edits (oldest first): add (and add_override) appends an
// item not yet there, remove drops it and keeps it off proposals, pin
// marks it (adding it when absent), unpin clears the mark, confirm marks
// the plan confirmed; the latest note given with an add or pin is the
// item's note. Pinned items come first, then in the order first added.
func fold(edits []matcher.ShortlistEdit) folded {
	f := folded{removed: map[string]bool{}, edits: len(edits)}
	find := func(id string) int { return slices.IndexFunc(f.entries, func(e entry) bool { return e.ID == id }) }
	for _, e := range edits {
		i := find(e.PostID)
		switch e.Action {
		case matcher.EditAdd, matcher.EditAddOverride, matcher.EditPin:
			if i < 0 {
				f.entries = append(f.entries, entry{ID: e.PostID, AddedAt: e.At})
				i = len(f.entries) - 1
			}
			delete(f.removed, e.PostID)
			if e.Action == matcher.EditPin {
				f.entries[i].Pinned = true
			}
			if e.Note != "" {
				f.entries[i].Note = e.Note
			}
			if e.Action == matcher.EditAddOverride {
				f.entries[i].Override = e.Note
			}
		case matcher.EditRemove:
			if i >= 0 {
				f.entries = slices.Delete(f.entries, i, i+1)
			}
			f.removed[e.PostID] = true
		case matcher.EditUnpin:
			if i >= 0 {
				f.entries[i].Pinned = false
			}
		case matcher.EditConfirm:
			f.confirmed = true
		}
	}
	slices.SortStableFunc(f.entries, func(a, b entry) int {
		switch {
		case a.Pinned && !b.Pinned:
			return -1
		case b.Pinned && !a.Pinned:
			return 1
		}
		return 0
	})
	return f
}

func (f *folded) has(id string) bool {
	return slices.ContainsFunc(f.entries, func(e entry) bool { return e.ID == id })
}

// Plan returns g's 一人一策 plan as of now. The caller has checked that
// the person may see g (and audited the read).
func (s *Service) Plan(ctx context.Context, g *matcher.Graduate) (*matcher.Plan, error) {
	edits, err := s.st.ShortlistEdits(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	p, _, err := s.build(ctx, s.st, g, fold(edits), s.now(), s.proposal)
	return p, err
}

// planState is a built plan with what its checks read.
type planState struct {
	items    []*resolved // every item on the plan, in plan order
	proposed []string    // ids of the proposed items
	// channelNote says how a proposal's posts span the channels (spread).
	channelNote string
}

// proposer gives a graduate's proposal and who made it: Service.proposal
// (afresh) or Service.keptProposalFor (proposals.go).
type proposer func(ctx context.Context, g *matcher.Graduate) (*matcher.Proposal, string, error)

// build makes the plan of g from its folded edits and, for a plan
// graduate whose plan is not confirmed, the proposal propose gives,
// looking its items up in items.
func (s *Service) build(ctx context.Context, items Items, g *matcher.Graduate, f folded, now time.Time, propose proposer) (*matcher.Plan, *planState, error) {
	pol := s.policy()
	p := &matcher.Plan{
		GraduateID: g.ID, Status: matcher.PlanDraft, PlanGraduate: matcher.PlanGraduate(g, pol),
		Posts: []matcher.PlanItem{}, Internships: []matcher.PlanItem{}, Courses: []matcher.PlanItem{},
		Edits: f.edits, AsOf: now,
		Policy: matcher.PlanPolicyRef{Year: pol.Year, Source: pol.Source, Quote: pol.Shortlist.Quote},
	}
	st := &planState{}
	for _, e := range f.entries {
		r, err := s.resolve(ctx, items, g, e.ID, now)
		if err != nil {
			return nil, nil, err
		}
		r.item.Origin, r.item.Pinned, r.item.AddedAt, r.item.Note, r.item.Override = matcher.OriginCounselor, e.Pinned, e.AddedAt, e.Note, e.Override
		st.items = append(st.items, r)
	}
	var notes []string
	switch {
	case !p.PlanGraduate:
	case f.confirmed:
		p.Status = matcher.PlanConfirmed
	default:
		prop, by, err := propose(ctx, g)
		if err != nil {
			return nil, nil, err
		}
		if err := s.fill(ctx, items, g, st, prop, f, now); err != nil {
			return nil, nil, err
		}
		notes = prop.Notes
		if len(st.proposed) > 0 {
			p.Status, p.ProposedBy = matcher.PlanProposed, by
		}
	}
	for _, r := range st.items {
		switch r.item.Kind {
		case matcher.KindCourse:
			p.Courses = append(p.Courses, r.item)
		case matcher.KindInternship:
			p.Internships = append(p.Internships, r.item)
		default:
			p.Posts = append(p.Posts, r.item)
		}
	}
	p.Check = s.check(g, st, notes)
	p.Subsidies = matcher.PlanSubsidies(g, pol, now, activities(g, st))
	return p, st, nil
}

// tally counts what the plan holds: the items on it, the distinct
// courses (by key), the jobs and internships that count, and whether an
// entrepreneurship course is among them.
func (st *planState) tally() (onPlan, keys map[string]bool, posts, interns int, entre bool) {
	onPlan, keys = map[string]bool{}, map[string]bool{}
	for _, r := range st.items {
		onPlan[r.item.ID] = true
		if !r.counts() {
			continue
		}
		switch {
		case r.course != nil:
			keys[r.key] = true
			entre = entre || r.course.Category == matcher.CourseEntrepreneurship
		case r.item.Kind == matcher.KindInternship:
			interns++
		default:
			posts++
		}
	}
	return onPlan, keys, posts, interns, entre
}

// fill adds proposed items to st until the plan holds posts_max posts,
// planInternships internships and courses_min distinct courses (one of
// them entrepreneurship training for a graduate who wants to start a
// business), skipping what the counselor removed, what is already on the
// plan, and anything no longer open or eligible.
func (s *Service) fill(ctx context.Context, items Items, g *matcher.Graduate, st *planState, prop *matcher.Proposal, f folded, now time.Time) error {
	onPlan, keys, posts, interns, entre := st.tally()
	take := func(it matcher.Item, accept func(*resolved) bool) (bool, error) {
		if onPlan[it.PostID] || f.removed[it.PostID] {
			return false, nil
		}
		r, err := s.resolve(ctx, items, g, it.PostID, now)
		if err != nil || !r.counts() || !accept(r) {
			return false, err
		}
		r.item.Origin, r.item.Reasons = matcher.OriginProposed, it.Reasons
		st.items = append(st.items, r)
		st.proposed = append(st.proposed, it.PostID)
		onPlan[it.PostID] = true
		return true, nil
	}
	isJob := func(r *resolved) bool { return r.post != nil && r.item.Kind == matcher.KindJob }
	isIntern := func(r *resolved) bool { return r.post != nil && r.item.Kind == matcher.KindInternship }
	for _, it := range prop.Posts {
		if posts >= s.policy().Shortlist.PostsMax {
			break
		}
		if ok, err := take(it, isJob); err != nil {
			return err
		} else if ok {
			posts++
		}
	}
	note, err := s.spread(ctx, items, g, st, prop, f, now)
	if err != nil {
		return err
	}
	st.channelNote = note
	for _, it := range prop.Internships {
		if interns >= planInternships {
			break
		}
		if ok, err := take(it, isIntern); err != nil {
			return err
		} else if ok {
			interns++
		}
	}
	newCourse := func(want matcher.CourseCategory) func(*resolved) bool {
		return func(r *resolved) bool {
			return r.course != nil && !keys[r.key] && (want == "" || r.course.Category == want)
		}
	}
	if g.StartupIntent() && !entre {
		for _, it := range prop.Courses {
			if ok, err := take(it, newCourse(matcher.CourseEntrepreneurship)); err != nil {
				return err
			} else if ok {
				keys[st.items[len(st.items)-1].key] = true
				break
			}
		}
	}
	for _, it := range prop.Courses {
		if len(keys) >= s.policy().Shortlist.CoursesMin {
			break
		}
		if ok, err := take(it, newCourse("")); err != nil {
			return err
		} else if ok {
			keys[st.items[len(st.items)-1].key] = true
		}
	}
	return nil
}

// activities says what the plan has g doing, for the subsidies.
func activities(g *matcher.Graduate, st *planState) matcher.PlanActivities {
	a := matcher.PlanActivities{SelfEmployment: g.StartupIntent()}
	for _, r := range st.items {
		if !r.counts() {
			continue
		}
		switch {
		case r.course != nil && r.course.Category == matcher.CourseEntrepreneurship:
			a.EntrepreneurshipTraining = true
		case r.course != nil && r.course.Category == matcher.CourseSkills:
			a.SkillsTraining = true
		case r.course != nil:
			// 就业引导性培训: the plan pays no subsidy for it (measure 14
			// pays 职业技能培训补贴 for skills training only).
		case r.item.Kind == matcher.KindInternship:
			a.Internship = true
		case r.item.Channel == matcher.ChannelSelfEmployed:
			a.SelfEmployment = true
		}
	}
	return a
}

// check holds the plan to the policy: posts_min..posts_max open posts the
// rules admit (internships are listed beside them: the plan names them
// apart from the 5–8 targeted posts), and for a plan graduate at least
// courses_min distinct open courses and, when they want to start a
// business, entrepreneurship training. Missing says exactly what is
// missing, with the proposal's notes on why it could not be filled.
func (s *Service) check(g *matcher.Graduate, st *planState, notes []string) matcher.PlanCheck {
	pol := s.policy()
	c := matcher.PlanCheck{PostsMin: pol.Shortlist.PostsMin, PostsMax: pol.Shortlist.PostsMax}
	plan := matcher.PlanGraduate(g, pol)
	if plan {
		c.CoursesMin = pol.Shortlist.CoursesMin
	}
	channels, keys := map[matcher.Channel]bool{}, map[string]bool{}
	for _, r := range st.items {
		switch {
		case !r.item.Open || !r.found:
			c.Closed++
		case r.item.Ineligible != "":
			c.Ineligible++
		case r.course != nil:
			keys[r.key] = true
			c.EntrepreneurshipCourse = c.EntrepreneurshipCourse || r.course.Category == matcher.CourseEntrepreneurship
		case r.item.Kind == matcher.KindJob:
			c.Posts++
			channels[r.item.Channel] = true
		}
	}
	c.Courses, c.Channels, c.ChannelNote = len(keys), len(channels), st.channelNote
	if g.Placed() {
		c.Settled, c.Complete = true, true
		c.Message = "已落实去向（" + statusChinese(g.Status) + "），无需补足一人一策名单"
		return c
	}
	c.MissingPosts = max(c.PostsMin-c.Posts, 0)
	c.ExcessPosts = max(c.Posts-c.PostsMax, 0)
	c.MissingCourses = max(c.CoursesMin-c.Courses, 0)
	if c.MissingPosts > 0 {
		c.Missing = append(c.Missing, fmt.Sprintf("还需添加 %d 个岗位", c.MissingPosts))
	}
	if c.ExcessPosts > 0 {
		c.Missing = append(c.Missing, fmt.Sprintf("岗位超出上限，请移除 %d 个", c.ExcessPosts))
	}
	if c.MissingCourses > 0 {
		c.Missing = append(c.Missing, fmt.Sprintf("还需添加 %d 门培训课程", c.MissingCourses))
	}
	if plan && g.StartupIntent() && !c.EntrepreneurshipCourse {
		c.Missing = append(c.Missing, "有创业意向，还需一门创业培训")
	}
	c.Complete = len(c.Missing) == 0
	if !c.Complete {
		c.Missing = append(c.Missing, notes...)
		c.Message = strings.Join(c.Missing, "；")
	} else {
		c.Message = fmt.Sprintf("一人一策已达标：%d 个岗位", c.Posts)
		if c.Courses > 0 {
			c.Message += fmt.Sprintf("、%d 门培训课程", c.Courses)
		}
	}
	if n := c.Closed + c.Ineligible; n > 0 {
		c.Message += fmt.Sprintf("（%d 项已满员、截止或不符合条件，不计入，请替换）", n)
	}
	return c
}

// statusChinese is a status as the workspace names it.
func statusChinese(st matcher.GraduateStatus) string {
	switch st {
	case matcher.StatusPlaced:
		return "已落实"
	case matcher.StatusEmployed:
		return "已就业"
	case matcher.StatusStudying:
		return "升学"
	case matcher.StatusSeeking:
		return "求职中"
	}
	return "未登记"
}
