package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Handout is a graduate's 一人一策 plan as it is handed to the graduate
// (issue 12 item 2): what they can act on, nothing more. It is assembled
// from the plan, built from the graduate's kept proposal (proposals.go),
// and is what the print view, the PDF and the CLI render, so the three
// read the same.
//
// Only items that count are on it: a post filled, closed, past its
// deadline or excluded by the rules, and a course started or full, are
// left off (the counselor sees them marked in the workspace). Counselors'
// notes and overrides are internal and never printed; nor is the
// graduate's hardship category (the handout leaves the counselor's desk).
type Handout struct {
	Header    HandoutHeader      `json:"header"`
	Graduate  HandoutGraduate    `json:"graduate"`
	Counselor Counselor          `json:"counselor"`
	AsOf      time.Time          `json:"as_of"`
	Status    matcher.PlanStatus `json:"status"`
	Posts     []matcher.PlanItem `json:"posts"`
	// ChannelNote says how the posts span the city's channels (跨渠道):
	// which channel a post was added from, or why every post is of one
	// channel (matcher.PlanCheck.ChannelNote).
	ChannelNote string `json:"channel_note,omitempty"`
	// Internships are 就业见习 posts the graduate may take.
	Internships []matcher.PlanItem `json:"internships"`
	Courses     []matcher.PlanItem `json:"courses"`
	Subsidies   []HandoutSubsidy   `json:"subsidies"`
	// Missing says, in Chinese, what the plan still lacks against the
	// policy (empty when complete): printed so nobody mistakes a short
	// plan for a finished one.
	Missing []string `json:"missing,omitempty"`
}

// HandoutHeader is the bureau's header and the plan the handout rests on.
type HandoutHeader struct {
	Bureau string `json:"bureau"` // 乌鲁木齐市人力资源和社会保障局
	Office string `json:"office"` // the district's public employment service
	Title  string `json:"title"`  // 高校毕业生“一人一策”就业帮扶清单
	Source string `json:"source"` // the plan's title
	Quote  string `json:"quote"`  // the plan's sentence on 一人一策
}

// HandoutGraduate is who the handout is for. The graduate reads it, so it
// holds their name and school but no identity number, phone or category.
type HandoutGraduate struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	School         string `json:"school,omitempty"`
	Major          string `json:"major,omitempty"`
	Degree         string `json:"degree,omitempty"`
	GraduationYear int    `json:"graduation_year,omitempty"`
	District       string `json:"district,omitempty"`
}

// Counselor is the person the graduate contacts about the plan.
type Counselor struct {
	Name     string `json:"name"`
	District string `json:"district,omitempty"`
	// Contact is how to reach them (a telephone or an office); empty when
	// the account gives none, and then the handout names the district's
	// public employment service instead.
	Contact string `json:"contact,omitempty"`
}

// HandoutSubsidy is a subsidy the graduate may apply for, with the plan's
// sentence it rests on.
type HandoutSubsidy struct {
	Name   string   `json:"name"`
	Amount string   `json:"amount"`
	Apply  string   `json:"apply,omitempty"`  // where (and when) to apply
	Verify []string `json:"verify,omitempty"` // what is checked before it is paid
	Item   string   `json:"item"`             // the plan's measure (措施12 …)
	Quote  string   `json:"quote"`            // the plan's sentence, verbatim
}

// Bureau is the header every handout carries.
const Bureau = "乌鲁木齐市人力资源和社会保障局"

// HandoutTitle is the handout's title.
const HandoutTitle = "高校毕业生“一人一策”就业帮扶清单"

// Handout returns g's handout as of now, with c as the counselor. The
// caller has checked that the person may see g (and audited the read).
func (s *Service) Handout(ctx context.Context, g *matcher.Graduate, c Counselor) (*Handout, error) {
	p, err := s.keptPlan(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("handout of %s: %w", g.ID, err)
	}
	return HandoutOf(g, p, c), nil
}

// Handouts returns the handouts of gs as of now, in order, with c as the
// counselor: Handout's, their plans built from batched reads (a district
// document's hundreds of plans read their edits and items a few queries
// at a time, not one per item). The caller has checked and audited.
func (s *Service) Handouts(ctx context.Context, gs []matcher.Graduate, c Counselor) ([]*Handout, error) {
	hs := make([]*Handout, len(gs))
	err := s.eachKeptPlan(ctx, gs, func(i int, p *matcher.Plan) error {
		hs[i] = HandoutOf(&gs[i], p, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("handouts: %w", err)
	}
	return hs, nil
}

// HandoutOf assembles the handout of g from its plan p.
func HandoutOf(g *matcher.Graduate, p *matcher.Plan, c Counselor) *Handout {
	district := g.ResidenceDistrict
	if district == "" {
		district = g.HukouDistrict
	}
	if c.District == "" {
		c.District = district
	}
	office := "乌鲁木齐市公共就业服务机构"
	if c.District != "" {
		office = c.District + "公共就业服务机构"
	}
	h := &Handout{
		Header: HandoutHeader{Bureau: Bureau, Office: office, Title: HandoutTitle, Source: p.Policy.Source, Quote: p.Policy.Quote},
		Graduate: HandoutGraduate{
			ID: g.ID, Name: g.Name, School: g.School, Major: g.Major, GraduationYear: g.GraduationYear, District: district,
		},
		Counselor:   c,
		AsOf:        p.AsOf,
		Status:      p.Status,
		Posts:       counting(p.Posts),
		ChannelNote: p.Check.ChannelNote,
		Internships: counting(p.Internships),
		Courses:     counting(p.Courses),
		Subsidies:   []HandoutSubsidy{},
	}
	if g.Degree > matcher.DegreeNone {
		h.Graduate.Degree = g.Degree.Chinese()
	}
	for _, sub := range p.Subsidies {
		if sub.Status == matcher.SubsidyNotApplicable {
			continue
		}
		h.Subsidies = append(h.Subsidies, HandoutSubsidy{
			Name: sub.Name, Amount: sub.AmountText, Apply: sub.Apply, Verify: sub.Verify, Item: sub.Item, Quote: sub.Quote,
		})
	}
	if !p.Check.Complete && !p.Check.Settled {
		h.Missing = p.Check.Missing
		if len(h.Missing) == 0 && p.Check.Message != "" {
			h.Missing = []string{p.Check.Message}
		}
	}
	return h
}

// counting returns the items a graduate can act on, without the
// counselor's internal notes.
func counting(items []matcher.PlanItem) []matcher.PlanItem {
	out := []matcher.PlanItem{}
	for _, it := range items {
		if !it.Open || it.Ineligible != "" {
			continue
		}
		it.Note, it.Override, it.Ineligible = "", "", ""
		// Why the engine ranked it is the counselor's (the page shows it);
		// a handout built from a kept proposal has none, and one built
		// afresh must read the same.
		it.Reasons = nil
		out = append(out, it)
	}
	return out
}

// PlanCaseload returns the 一人一策 graduates of district ("" for every
// district f allows): in a hardship category the policy names and still
// looking, in the caseload's order. limit ≤ 0 means all.
func (s *Service) PlanCaseload(ctx context.Context, f CaseFilter, limit int) ([]matcher.Graduate, error) {
	f.Hardship, f.Group = "yes", GroupLooking
	var out []matcher.Graduate
	_, page, err := s.Caseload(ctx, f, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	for _, g := range page {
		if matcher.PlanGraduate(&g, s.policy()) && (limit <= 0 || len(out) < limit) {
			out = append(out, g)
		}
	}
	return out, nil
}
