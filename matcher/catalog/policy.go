package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Policy holds the numbers and conditions of the city's graduate-employment
// plan. They are data, not constants: next year's plan is another file of
// the same schema (`jobmatch --policy FILE`), not a rebuild. Every field is
// read by something (the reader is named beside it); fields the 2023 file
// once carried that nothing acted on were removed — the number of
// universities and campus events, the recruitment cadence, the internship
// survey day and the count of 创业社区 describe the bureau's own events,
// which jobmatch does not manage, and the start-up windows moved into the
// conditions of the subsidies they belong to (startup_pension,
// startup_venue).
//
// Quotes are the plan's own sentences, verbatim (TestPolicyQuotesAreThePlans
// checks each against the plan's text): every rule and subsidy cites the
// sentence it rests on.
type Policy struct {
	Year        int            `json:"year"`         // the plan year: the dashboard's 届 (matcher/casework)
	Source      string         `json:"source"`       // the plan's title, printed on plans
	ChannelPlan map[string]int `json:"channel_plan"` // channel code → posts planned (ingest/synth)

	Internship Internship `json:"internship"`
	Military   Military   `json:"military"`

	// EntrepreneurshipTrainingPlaces: 800名高校毕业生创业培训圆梦计划
	// (ingest/synth sizes the entrepreneurship classes by it).
	EntrepreneurshipTrainingPlaces int `json:"entrepreneurship_training_places"`

	Shortlist Shortlist `json:"shortlist"`

	ContactSLADays int    `json:"contact_sla_days"` // 5日内必联系 (matcher: ContactOverdue)
	ContactQuote   string `json:"contact_quote"`

	Milestones      []Milestone `json:"milestones"` // the dashboard's targets
	MilestonesQuote string      `json:"milestones_quote"`

	// RegistrationTarget is the year's registration rate for this year's
	// graduates with Urumqi hukou (登记率达到100%); the dashboard shows it
	// beside the dated milestones.
	RegistrationTarget float64 `json:"registration_target"`
	RegistrationQuote  string  `json:"registration_quote"`

	// HardshipCategories are the groups of 就业困难 graduates the plan names
	// for 结对帮扶 and 一人一策, in its words. A graduate in one of them gets
	// a 一人一策 plan (matcher.PlanGraduate); matcher.CheckPolicy refuses a
	// word the ledger does not know.
	HardshipCategories []string `json:"hardship_categories"`
	HardshipQuote      string   `json:"hardship_quote"`

	Subsidies []Subsidy `json:"subsidies"` // matcher: EvaluateSubsidies

	// Rules: for each eligibility and course rule (by its name in
	// matcher), the plan's sentence it rests on; matcher.CheckPolicy
	// refuses a policy that leaves a rule without one.
	Rules map[string]RuleBasis `json:"rules"`

	// Campaigns are the plan's periods of service (months, inclusive) and
	// Deadlines its dated obligations besides the milestones: the
	// dashboard's calendar.
	Campaigns []Campaign `json:"campaigns"`
	Deadlines []Deadline `json:"deadlines"`
	// FollowUp: from July (7月起) contacts of graduates who asked for help
	// are reviewed weekly, contact and assistance half-monthly; the
	// dashboard says which review periods are in force.
	FollowUp struct {
		FromMonth            int `json:"from_month"`
		ContactReviewDays    int `json:"contact_review_days"`
		AssistanceReviewDays int `json:"assistance_review_days"`
	} `json:"follow_up"`
}

// Internship is the 就业见习 programme: who may take an internship (the
// eligibility rule internship_window), what it pays, and when subsidies are
// applied for.
type Internship struct {
	PlacesMin          int     `json:"places_min"`          // 千人就业见习计划 (ingest/synth)
	YearsAfterLeaving  int     `json:"years_after_leaving"` // 离校2年（内）未就业
	YouthAgeMin        int     `json:"youth_age_min"`       // 16–24岁失业青年
	YouthAgeMax        int     `json:"youth_age_max"`
	SubsidyMonthly     float64 `json:"subsidy_monthly"`      // 见习补贴 = the city minimum wage
	EmployerBonusRatio float64 `json:"employer_bonus_ratio"` // 岗位补助 = ratio × minimum wage
	MaxMonths          int     `json:"max_months"`           // 最长不超过1年
	MinWageMonthly     float64 `json:"min_wage_monthly"`     // the city minimum wage the subsidies follow
	// SubsidyApplicationMonths: subsidies are applied for and checked all
	// together in these months (3月、7月、11月集中申报审核); plans print them.
	SubsidyApplicationMonths []int  `json:"subsidy_application_months"`
	Item                     string `json:"item"`
	Quote                    string `json:"quote"`
}

// Military holds the conscription rules: the plan's priority for
// Urumqi-hukou 应届 graduates (its item 5) and the national age limits it
// leaves to the year's conscription notice (AgeSource names it).
type Military struct {
	AgeMin          int `json:"age_min"`
	AgeMaxSecondary int `json:"age_max_secondary"` // 高中（含中专、职高、技校）
	AgeMaxAssociate int `json:"age_max_associate"` // 高职（专科）毕业生
	AgeMaxGraduate  int `json:"age_max_graduate"`  // 本科毕业生
	AgeMaxPostgrad  int `json:"age_max_postgrad"`  // 研究生
	// Female: women are conscripted from this year's graduates (and
	// students), with their own limits; last year's 本专科 graduates may
	// apply in the first half of the year up to PreviousYearAgeMax.
	Female struct {
		AgeMax                 int `json:"age_max"`
		AgeMaxPostgrad         int `json:"age_max_postgrad"`
		PreviousYearAgeMax     int `json:"previous_year_age_max"`
		PreviousYearUntilMonth int `json:"previous_year_until_month"`
	} `json:"female"`
	// PriorityHukou is where the priority for 应届 graduates applies.
	PriorityHukou string `json:"priority_hukou"`
	Item          string `json:"item"`
	Quote         string `json:"quote"`
	// AgeSource names the national rule the ages follow.
	AgeSource string `json:"age_source"`
}

// Shortlist is what a 一人一策 plan must hold.
type Shortlist struct {
	PostsMin   int    `json:"posts_min"` // 5–8 targeted posts
	PostsMax   int    `json:"posts_max"`
	CoursesMin int    `json:"courses_min"` // at least 3 training courses
	Item       string `json:"item"`
	Quote      string `json:"quote"`
	// CoursesQuote, EntrepreneurshipQuote and WelfareQuote cite the plan on
	// courses, on entrepreneurship training for those who want to start a
	// business, and on 公益性岗位 as the last resort.
	CoursesQuote          string `json:"courses_quote"`
	EntrepreneurshipQuote string `json:"entrepreneurship_quote"`
	WelfareQuote          string `json:"welfare_quote"`
}

// RuleBasis is what an eligibility or course rule rests on: the plan's
// measure and sentence, and, where the plan leaves the figures to a
// national rule (conscription ages), that rule's name.
type RuleBasis struct {
	Item   string `json:"item"`
	Quote  string `json:"quote"`
	Source string `json:"source,omitempty"`
}

// Campaign is a period of the plan's services, by month of the plan year.
type Campaign struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	FromMonth int    `json:"from_month"`
	ToMonth   int    `json:"to_month"`
}

// Deadline is a dated obligation of the plan ("7月底前…").
type Deadline struct {
	Date string `json:"date"` // MM-DD within the plan year
	What string `json:"what"`
}

// Milestone is a dated target for registration and placement rates.
type Milestone struct {
	Date       string  `json:"date"` // MM-DD within the plan year
	Registered float64 `json:"registered,omitempty"`
	Placed     float64 `json:"placed,omitempty"`
}

// Subsidy is one of the plan's subsidies: what it pays, to whom, the
// conditions it is granted on and the plan's sentence it rests on. The
// conditions are data, evaluated by matcher.EvaluateSubsidies: Who (any one
// alternative), Activity (what the graduate must be doing) and Verify
// (what the data cannot decide: the subsidy is then shown as "可申请，需
// 核实：…", never as granted).
type Subsidy struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Amount float64 `json:"amount"` // yuan
	Unit   string  `json:"unit"`   // 元/人, 元/月 …
	For    string  `json:"for"`    // who qualifies, in the policy's words

	// Payee is who receives it: graduate, employer or incubator. A
	// graduate's plan lists what the graduate or their employer receives
	// because of the plan, never an incubator's own subsidy.
	Payee string `json:"payee,omitempty"`
	// Basis says how the amount is set when the plan gives a rule, not a
	// figure (Amount is then 0 and must not be read as "nothing"), or what
	// the figure derives from.
	Basis string `json:"basis,omitempty"`
	// ByRegulation: the plan grants it "按规定" and fixes no amount here.
	ByRegulation bool    `json:"by_regulation,omitempty"`
	MaxMonths    int     `json:"max_months,omitempty"`
	MaxArea      float64 `json:"max_area,omitempty"`  // ㎡
	MaxTimes     int     `json:"max_times,omitempty"` // e.g. 贷款累计次数不得超过3次
	Conditions   string  `json:"conditions,omitempty"`

	Item  string `json:"item"`  // the plan's measure number (措施12 …)
	Quote string `json:"quote"` // the plan's sentence, verbatim
	// Who: the graduate must meet one alternative; none means any
	// graduate (大学生).
	Who []Who `json:"who,omitempty"`
	// Activity is what the graduate must be doing or planning: one of
	// Activities; "" for none.
	Activity string `json:"activity,omitempty"`
	// Verify lists what must be checked before it is paid.
	Verify []string `json:"verify,omitempty"`
	// Apply says where (and when) to apply, for the printed plan.
	Apply string `json:"apply,omitempty"`
}

// Who is one alternative of a subsidy's conditions: all its set fields
// must hold.
type Who struct {
	// YearsOut [min, max]: graduated between min and max years before the
	// decision year (0: this year's graduates, 应届/毕业年度).
	YearsOut []int `json:"years_out,omitempty"`
	// Age [min, max] at the decision time.
	Age []int `json:"age,omitempty"`
	// Unemployed: without a destination yet (未就业).
	Unemployed bool `json:"unemployed,omitempty"`
	// Hardship: in any of these 就业困难 categories (codes of the ledger:
	// poverty_family, low_income, zero_employment, disability,
	// long_unemployed).
	Hardship []string `json:"hardship,omitempty"`
	// Verify, when set, makes a graduate who meets this alternative
	// eligible only after the check it names.
	Verify string `json:"verify,omitempty"`
	Quote  string `json:"quote,omitempty"`
}

// Activities a subsidy may demand.
const (
	ActivityInternship               = "internship"                // an internship they may take is on the plan
	ActivitySelfEmployment           = "self_employment"           // 创业意向
	ActivitySkillsTraining           = "skills_training"           // a skills course is on the plan
	ActivityEntrepreneurshipTraining = "entrepreneurship_training" // an entrepreneurship course is on the plan
)

// Activities lists the activities a subsidy may demand.
var Activities = []string{ActivityInternship, ActivitySelfEmployment, ActivitySkillsTraining, ActivityEntrepreneurshipTraining}

// Payees of subsidies.
const (
	PayeeGraduate  = "graduate"
	PayeeEmployer  = "employer"
	PayeeIncubator = "incubator"
)

// SubsidyByCode returns the subsidy with that code.
func (p Policy) SubsidyByCode(code string) (Subsidy, bool) {
	for _, s := range p.Subsidies {
		if s.Code == code {
			return s, true
		}
	}
	return Subsidy{}, false
}

// PlannedPosts is the sum of the channel plan (促就业六个一批: 2.5万个).
func (p Policy) PlannedPosts() int {
	n := 0
	for _, v := range p.ChannelPlan {
		n += v
	}
	return n
}

var (
	policyOnce sync.Once
	policy     Policy
	policyErr  error
)

// LoadPolicy returns the embedded policy (policy.json): the default when
// no --policy file is given.
func LoadPolicy() (Policy, error) {
	policyOnce.Do(func() {
		b, err := files.ReadFile("policy.json")
		if err != nil {
			policyErr = err
			return
		}
		policyErr = ParsePolicy(b, &policy)
	})
	return policy, policyErr
}

// ParsePolicy parses and validates a policy file (the embedded one, or
// another year's). Unknown fields are refused, so a misspelt field is an
// error, not a silently missing number; every error names the field (and,
// for malformed JSON, the line and column) and the reason.
func ParsePolicy(b []byte, p *Policy) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var np Policy
	if err := dec.Decode(&np); err != nil {
		return fmt.Errorf("policy: %s", describeJSONError(b, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("policy: %s: unexpected data after the policy object", lineCol(b, dec.InputOffset()))
	}
	if err := np.Validate(); err != nil {
		return err
	}
	*p = np
	return nil
}

func describeJSONError(b []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s: %v", lineCol(b, syn.Offset-1), err) // Offset is just past the bad byte
	case errors.As(err, &typ):
		return fmt.Sprintf("%s: %s: want %s, got %s", lineCol(b, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "empty or truncated file"
	}
	// Unknown fields: encoding/json names the field but no offset.
	return strings.TrimPrefix(err.Error(), "json: ")
}

// lineCol turns a byte offset into "line L, column C" (1-based).
func lineCol(b []byte, off int64) string {
	off = min(max(off, 0), int64(len(b)))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(b[:off], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// policyError is a validation error naming the field.
func policyError(field, format string, args ...any) error {
	return fmt.Errorf("policy: %s: %s", field, fmt.Sprintf(format, args...))
}

// Validate checks a policy's numbers and conditions: ranges, dates,
// required quotes, the subsidies' conditions and the amounts the
// internship subsidies derive from the minimum wage.
func (p *Policy) Validate() error {
	if p.Year < 2000 || p.Year > 2100 {
		return policyError("year", "%d is not a plan year (2000–2100)", p.Year)
	}
	if len(p.ChannelPlan) == 0 {
		return policyError("channel_plan", "empty")
	}
	for ch, n := range p.ChannelPlan {
		if n < 0 {
			return policyError("channel_plan."+ch, "negative (%d)", n)
		}
	}
	for _, check := range []func() error{p.validateInternship, p.validateMilitary, p.validateCasework, p.validateCalendar} {
		if err := check(); err != nil {
			return err
		}
	}
	for name, b := range p.Rules {
		if b.Quote == "" || b.Item == "" {
			return policyError("rules."+name, "the plan's measure (item) and sentence (quote) the rule rests on are required")
		}
	}
	seen := map[string]bool{}
	for i := range p.Subsidies {
		s := &p.Subsidies[i]
		if s.Code == "" || seen[s.Code] {
			return policyError(fmt.Sprintf("subsidies[%d].code", i), "%q is empty or repeated", s.Code)
		}
		seen[s.Code] = true
		if err := s.validate(fmt.Sprintf("subsidies[%d] (%s)", i, s.Code), p); err != nil {
			return err
		}
	}
	return nil
}

func (p *Policy) validateInternship() error {
	in := &p.Internship
	switch {
	case in.YearsAfterLeaving < 0:
		return policyError("internship.years_after_leaving", "negative (%d)", in.YearsAfterLeaving)
	case in.YouthAgeMin <= 0 || in.YouthAgeMax < in.YouthAgeMin || in.YouthAgeMax > 100:
		return policyError("internship.youth_age_min/youth_age_max", "%d–%d is not an age range", in.YouthAgeMin, in.YouthAgeMax)
	case in.MinWageMonthly <= 0 || in.SubsidyMonthly <= 0:
		return policyError("internship.min_wage_monthly/subsidy_monthly", "must be positive")
	case in.EmployerBonusRatio < 0 || in.EmployerBonusRatio > 1:
		return policyError("internship.employer_bonus_ratio", "%v is not within 0..1", in.EmployerBonusRatio)
	case in.MaxMonths <= 0:
		return policyError("internship.max_months", "must be positive")
	case in.Quote == "":
		return policyError("internship.quote", "the plan's sentence on who may take an internship is required")
	}
	for i, m := range in.SubsidyApplicationMonths {
		if m < 1 || m > 12 {
			return policyError(fmt.Sprintf("internship.subsidy_application_months[%d]", i), "%d is not a month", m)
		}
	}
	return nil
}

func (p *Policy) validateMilitary() error {
	m := &p.Military
	if m.AgeMin <= 0 {
		return policyError("military.age_min", "must be positive")
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"age_max_secondary", m.AgeMaxSecondary}, {"age_max_associate", m.AgeMaxAssociate}, {"age_max_graduate", m.AgeMaxGraduate},
		{"age_max_postgrad", m.AgeMaxPostgrad}, {"female.age_max", m.Female.AgeMax}, {"female.age_max_postgrad", m.Female.AgeMaxPostgrad}} {
		if f.v < m.AgeMin || f.v > 100 {
			return policyError("military."+f.name, "%d is below age_min (%d) or not an age", f.v, m.AgeMin)
		}
	}
	if t := m.Female.PreviousYearUntilMonth; t < 0 || t > 12 {
		return policyError("military.female.previous_year_until_month", "%d is not a month (0: never)", t)
	}
	if m.Quote == "" || m.AgeSource == "" {
		return policyError("military.quote/age_source", "the plan's sentence and the source of the ages are required")
	}
	return nil
}

func (p *Policy) validateCasework() error {
	sl := &p.Shortlist
	switch {
	case sl.PostsMin <= 0 || sl.PostsMax < sl.PostsMin:
		return policyError("shortlist.posts_min/posts_max", "%d–%d is not a range of posts", sl.PostsMin, sl.PostsMax)
	case sl.CoursesMin < 0:
		return policyError("shortlist.courses_min", "negative (%d)", sl.CoursesMin)
	case sl.Quote == "" || sl.CoursesQuote == "":
		return policyError("shortlist.quote/courses_quote", "the plan's sentences on posts and courses are required")
	case p.ContactSLADays <= 0:
		return policyError("contact_sla_days", "must be positive")
	case p.RegistrationTarget < 0 || p.RegistrationTarget > 1:
		return policyError("registration_target", "%v is not within 0..1", p.RegistrationTarget)
	case len(p.HardshipCategories) == 0:
		return policyError("hardship_categories", "empty: the plan names who gets a 一人一策 plan")
	}
	return nil
}

func (p *Policy) validateCalendar() error {
	for i, m := range p.Milestones {
		if !validMMDD(m.Date) {
			return policyError(fmt.Sprintf("milestones[%d].date", i), "%q is not MM-DD", m.Date)
		}
		if m.Registered < 0 || m.Registered > 1 || m.Placed < 0 || m.Placed > 1 {
			return policyError(fmt.Sprintf("milestones[%d]", i), "rates must be within 0..1")
		}
	}
	for i, d := range p.Deadlines {
		if !validMMDD(d.Date) {
			return policyError(fmt.Sprintf("deadlines[%d].date", i), "%q is not MM-DD", d.Date)
		}
	}
	for i, c := range p.Campaigns {
		if c.FromMonth < 1 || c.ToMonth > 12 || c.FromMonth > c.ToMonth {
			return policyError(fmt.Sprintf("campaigns[%d]", i), "months %d–%d are not a period of the year", c.FromMonth, c.ToMonth)
		}
	}
	if f := p.FollowUp.FromMonth; f < 0 || f > 12 {
		return policyError("follow_up.from_month", "%d is not a month", f)
	}
	return nil
}

func (s *Subsidy) validate(field string, p *Policy) error {
	switch {
	case s.Name == "":
		return policyError(field+".name", "empty")
	case s.Amount < 0:
		return policyError(field+".amount", "negative")
	case s.Amount == 0 && s.Basis == "" && !s.ByRegulation:
		return policyError(field, "no amount, basis or by_regulation")
	case s.Quote == "":
		return policyError(field+".quote", "the plan's sentence it rests on is required")
	case s.Payee != PayeeGraduate && s.Payee != PayeeEmployer && s.Payee != PayeeIncubator:
		return policyError(field+".payee", "%q: want graduate, employer or incubator", s.Payee)
	case s.Activity != "" && !slices.Contains(Activities, s.Activity):
		return policyError(field+".activity", "%q: want one of %s", s.Activity, strings.Join(Activities, ", "))
	}
	for i, w := range s.Who {
		wf := fmt.Sprintf("%s.who[%d]", field, i)
		if err := checkRange(wf+".years_out", w.YearsOut, 0, 50); err != nil {
			return err
		}
		if err := checkRange(wf+".age", w.Age, 1, 100); err != nil {
			return err
		}
	}
	// The internship subsidies follow the minimum wage: a file that
	// changes one figure and not the other is refused, not half applied.
	in := p.Internship
	switch s.Code {
	case "internship":
		if s.Amount != in.SubsidyMonthly {
			return policyError(field+".amount", "%v differs from internship.subsidy_monthly (%v)", s.Amount, in.SubsidyMonthly)
		}
	case "internship_post":
		if want := in.MinWageMonthly * in.EmployerBonusRatio; s.Amount != want {
			return policyError(field+".amount", "%v differs from internship.min_wage_monthly × employer_bonus_ratio (%v)", s.Amount, want)
		}
	}
	return nil
}

func checkRange(field string, r []int, lo, hi int) error {
	if r == nil {
		return nil
	}
	if len(r) != 2 || r[0] < lo || r[1] > hi || r[0] > r[1] {
		return policyError(field, "%v: want [min, max] within %d..%d", r, lo, hi)
	}
	return nil
}

func validMMDD(s string) bool {
	_, err := time.Parse("2006-01-02", "2024-"+s) // a leap year accepts 02-29
	return err == nil
}
