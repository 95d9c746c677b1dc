package catalog

import (
	"encoding/json"
	"fmt"
	"sync"
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
	} `json:"internship"`

	Military struct {
		AgeMin          int `json:"age_min"`
		AgeMaxGraduate  int `json:"age_max_graduate"`  // 高校毕业生
		AgeMaxPostgrad  int `json:"age_max_postgrad"`  // 研究生
		AgeMaxSecondary int `json:"age_max_secondary"` // 高中/中专
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
	return nil
}
