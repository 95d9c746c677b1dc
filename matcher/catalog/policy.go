package catalog

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Policy holds the numbers of the city's graduate-employment plan. They are
// data, not constants: next year's plan changes policy.json, not code.
type Policy struct {
	Year        int            `json:"year"`
	Source      string         `json:"source"`
	ChannelPlan map[string]int `json:"channel_plan"` // channel code → posts planned

	Internship struct {
		PlacesMin          int     `json:"places_min"`          // 千人就业见习计划
		YearsAfterLeaving  int     `json:"years_after_leaving"` // 离校2年内未就业
		YouthAgeMin        int     `json:"youth_age_min"`       // 16–24岁失业青年
		YouthAgeMax        int     `json:"youth_age_max"`
		SubsidyMonthly     float64 `json:"subsidy_monthly"`      // 见习补贴, yuan/month (city minimum wage)
		EmployerBonusRatio float64 `json:"employer_bonus_ratio"` // extra share for employers who hire interns
		MaxMonths          int     `json:"max_months"`
		// MinWageMonthly is the city's minimum wage the subsidy follows.
		MinWageMonthly float64 `json:"min_wage_monthly,omitempty"`
		// RetentionContractYears: an employer that keeps an intern early on a
		// contract of at least this many years (with social insurance) gets
		// the rest of the subsidy month by month.
		RetentionContractYears int `json:"retention_contract_years,omitempty"`
		// PostsSurveyDay: internship posts are surveyed before this day of
		// every month (每月15日前摸排见习岗位).
		PostsSurveyDay int `json:"posts_survey_day,omitempty"`
		// SubsidyApplicationMonths: the months subsidies are applied for and
		// checked, all together (3月、7月、11月集中申报审核).
		SubsidyApplicationMonths []int `json:"subsidy_application_months,omitempty"`
	} `json:"internship"`

	Military struct {
		AgeMin          int `json:"age_min"`
		AgeMaxGraduate  int `json:"age_max_graduate"`            // 高校毕业生
		AgeMaxPostgrad  int `json:"age_max_postgrad"`            // 研究生
		AgeMaxSecondary int `json:"age_max_secondary"`           // 高中/中专
		AgeMaxAssociate int `json:"age_max_associate,omitempty"` // 高职（专科）毕业生
		// AgeSource says where the age limits come from: the city's plan
		// sets none, they follow the national conscription order.
		AgeSource string `json:"age_source,omitempty"`
		// PriorityHukou is where the priority for 应届 graduates applies.
		PriorityHukou string `json:"priority_hukou"`
	} `json:"military"`

	EntrepreneurshipTrainingPlaces int `json:"entrepreneurship_training_places"`

	Shortlist struct {
		PostsMin   int `json:"posts_min"` // 一人一策: 5–8 targeted posts
		PostsMax   int `json:"posts_max"`
		CoursesMin int `json:"courses_min"` // at least 3 training courses
	} `json:"shortlist"`

	ContactSLADays int `json:"contact_sla_days"` // 5日内必联系

	Milestones []Milestone `json:"milestones"`
	Subsidies  []Subsidy   `json:"subsidies"`

	// RegistrationTarget is the registration rate for 2023届 graduates with
	// Urumqi hukou (登记率达到100%); placement must not fall below the same
	// period of last year (就业去向落实率不低于同期水平).
	RegistrationTarget float64 `json:"registration_target,omitempty"`
	// HardshipCategories are the groups of 就业困难 graduates the plan names
	// for 结对帮扶 and 一人一策; the 一次性求职创业补贴 names its own in
	// its subsidy's For.
	HardshipCategories []string `json:"hardship_categories,omitempty"`
	// Universities is the number of universities the campus actions cover
	// (全市22所高校); CampusEventsMin the services each receives at least.
	Universities    int `json:"universities,omitempty"`
	CampusEventsMin int `json:"campus_events_min,omitempty"`
	// Campaigns are the plan's periods of service (months, inclusive).
	Campaigns []Campaign `json:"campaigns,omitempty"`
	// Recruitment is the cadence of public recruitment events.
	Recruitment struct {
		SpecialisedPerWeek              int `json:"specialised_per_week"`                // 专业性招聘每周至少1场
		ComprehensivePerMonth           int `json:"comprehensive_per_month"`             // 综合性招聘每月至少1次
		LivestreamPerDistrictPerQuarter int `json:"livestream_per_district_per_quarter"` // 每季度至少1期"职在新疆"网络直播
	} `json:"recruitment"`
	// Entrepreneurship holds the plan's numbers on start-ups besides subsidies.
	Entrepreneurship struct {
		CommunitiesBuilt2022            int `json:"communities_built_2022"`              // 2022年创建成功30个创业社区
		CommunitiesNew2023              int `json:"communities_new_2023"`                // 2023年增点扩面建设61个
		VenueYearsAfterGraduation       int `json:"venue_years_after_graduation"`        // 毕业3年内大学生提供创业场地
		PensionSubsidyYearsAfterLeaving int `json:"pension_subsidy_years_after_leaving"` // 毕业年度和离校2年内
	} `json:"entrepreneurship"`
	// Deadlines are dated obligations of the plan other than the milestones.
	Deadlines []Deadline `json:"deadlines,omitempty"`
	// Follow-up cadence from July (7月起): contacts of graduates who asked
	// for help are reviewed weekly, contact and assistance half-monthly.
	FollowUp struct {
		FromMonth            int `json:"from_month"`
		ContactReviewDays    int `json:"contact_review_days"`
		AssistanceReviewDays int `json:"assistance_review_days"`
	} `json:"follow_up"`
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

// Milestone is a monthly target for registration and placement rates.
type Milestone struct {
	Date       string  `json:"date"` // MM-DD within the plan year
	Registered float64 `json:"registered,omitempty"`
	Placed     float64 `json:"placed,omitempty"`
}

// Subsidy is one of the plan's subsidies, with who it is for.
type Subsidy struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Amount float64 `json:"amount"` // yuan
	Unit   string  `json:"unit"`   // 元/人, 元/月 …
	For    string  `json:"for"`    // who qualifies, in the policy's words

	// Payee is who receives it: graduate, employer or incubator.
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
}

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

// LoadPolicy returns the embedded policy.
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

// ParsePolicy parses a policy file (the embedded one, or a replacement).
func ParsePolicy(b []byte, p *Policy) error {
	if err := json.Unmarshal(b, p); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if len(p.ChannelPlan) == 0 {
		return fmt.Errorf("policy: channel_plan is empty")
	}
	for ch, n := range p.ChannelPlan {
		if n < 0 {
			return fmt.Errorf("policy: channel_plan.%s: negative (%d)", ch, n)
		}
	}
	for i, m := range p.Milestones {
		if !validMMDD(m.Date) {
			return fmt.Errorf("policy: milestones[%d].date: %q is not MM-DD", i, m.Date)
		}
		if m.Registered < 0 || m.Registered > 1 || m.Placed < 0 || m.Placed > 1 {
			return fmt.Errorf("policy: milestones[%d]: rates must be within 0..1", i)
		}
	}
	for i, d := range p.Deadlines {
		if !validMMDD(d.Date) {
			return fmt.Errorf("policy: deadlines[%d].date: %q is not MM-DD", i, d.Date)
		}
	}
	seen := map[string]bool{}
	for i, s := range p.Subsidies {
		if s.Code == "" || seen[s.Code] {
			return fmt.Errorf("policy: subsidies[%d].code: %q is empty or repeated", i, s.Code)
		}
		seen[s.Code] = true
		if s.Amount < 0 {
			return fmt.Errorf("policy: subsidies[%d].amount: negative", i)
		}
		if s.Amount == 0 && s.Basis == "" && !s.ByRegulation {
			return fmt.Errorf("policy: subsidies[%d] (%s): no amount, basis or by_regulation", i, s.Code)
		}
	}
	return nil
}

func validMMDD(s string) bool {
	_, err := time.Parse("2006-01-02", "2024-"+s) // a leap year accepts 02-29
	return err == nil
}
