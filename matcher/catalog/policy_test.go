package catalog

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
)

func TestPolicyNumbers(t *testing.T) {
	p, err := LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.PlannedPosts(); got != 25000 {
		t.Errorf("channel plan sums to %d, want 25000 (开发岗位2.5万个)", got)
	}
	want := map[string]int{"public_sector": 1000, "state_owned": 800, "sme": 20000, "grassroots": 1800, "military": 400, "self_employed": 1000}
	for ch, n := range want {
		if p.ChannelPlan[ch] != n {
			t.Errorf("channel_plan.%s = %d, want %d", ch, p.ChannelPlan[ch], n)
		}
	}
	if p.Internship.SubsidyMonthly != 1700 || p.Internship.EmployerBonusRatio != 0.5 || p.Internship.MaxMonths != 12 ||
		p.Internship.YouthAgeMin != 16 || p.Internship.YouthAgeMax != 24 || p.Internship.PlacesMin != 1000 {
		t.Errorf("internship = %+v", p.Internship)
	}
	if p.ContactSLADays != 5 || p.Shortlist.PostsMin != 5 || p.Shortlist.PostsMax != 8 || p.Shortlist.CoursesMin != 3 || p.EntrepreneurshipTrainingPlaces != 800 {
		t.Errorf("sla/shortlist/training = %d %+v %d", p.ContactSLADays, p.Shortlist, p.EntrepreneurshipTrainingPlaces)
	}
	ms := map[string]Milestone{}
	for _, m := range p.Milestones {
		ms[m.Date] = m
	}
	if ms["07-31"].Registered != 0.9 || ms["07-31"].Placed != 0.6 || ms["08-31"].Registered != 1 || ms["08-31"].Placed != 0.7 || ms["09-30"].Placed != 0.8 {
		t.Errorf("milestones = %+v", p.Milestones)
	}
	subsidies := []struct {
		code   string
		amount float64
		payee  string
	}{
		{"job_search_startup", 1000, PayeeGraduate},
		{"internship", 1700, PayeeGraduate},
		{"internship_post", 850, PayeeEmployer},
		{"startup_guarantee_loan", 200000, PayeeGraduate},
		{"startup_one_time", 2000, PayeeGraduate},
		{"incubator_rent", 1, PayeeGraduate},
		{"incubator_services", 1, PayeeIncubator},
	}
	for _, s := range subsidies {
		got, ok := p.SubsidyByCode(s.code)
		if !ok || got.Amount != s.amount || got.Payee != s.payee || got.For == "" {
			t.Errorf("subsidy %s = %+v, want amount %v payee %s", s.code, got, s.amount, s.payee)
		}
	}
	if r, _ := p.SubsidyByCode("incubator_rent"); r.MaxArea != 30 {
		t.Errorf("incubator_rent.max_area = %v, want 30", r.MaxArea)
	}
	if l, _ := p.SubsidyByCode("startup_guarantee_loan"); l.MaxTimes != 3 {
		t.Errorf("startup_guarantee_loan.max_times = %d, want 3", l.MaxTimes)
	}
	if len(p.HardshipCategories) != 5 || p.RegistrationTarget != 1 {
		t.Errorf("hardship %v, registration target %v", p.HardshipCategories, p.RegistrationTarget)
	}
}

// embeddedPolicy is policy.json as a generic tree, to be changed by a
// test and parsed again.
func embeddedPolicy(t *testing.T) map[string]any {
	t.Helper()
	b, err := files.ReadFile("policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sub(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func subsidy(m map[string]any, i int) map[string]any {
	return m["subsidies"].([]any)[i].(map[string]any)
}

// TestParsePolicyRejects: another year's file is validated with an error
// naming the field (and, for bad JSON, the line) and the reason.
func TestParsePolicyRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string]any)
		raw    string
		want   string
	}{
		{name: "not json", raw: "{\n  \"year\": 2024,\n  oops\n}", want: "line 3, column 3"},
		{name: "truncated", raw: "{\"year\": 2024", want: "truncated"},
		{name: "trailing data", raw: "{} {}", want: "after the policy object"},
		{name: "wrong type", raw: `{"year": "2024"}`, want: "year: want int, got string"},
		{name: "unknown field", change: func(m map[string]any) { m["registraton_target"] = 1 }, want: `unknown field "registraton_target"`},
		{name: "no year", change: func(m map[string]any) { delete(m, "year") }, want: "year: 0 is not a plan year"},
		{name: "no channels", change: func(m map[string]any) { m["channel_plan"] = map[string]any{} }, want: "channel_plan: empty"},
		{name: "negative channel", change: func(m map[string]any) { sub(m, "channel_plan")["sme"] = -1 }, want: "channel_plan.sme"},
		{name: "bad milestone date", change: func(m map[string]any) { m["milestones"].([]any)[0].(map[string]any)["date"] = "13-01" }, want: "milestones[0].date"},
		{name: "rate above one", change: func(m map[string]any) { m["milestones"].([]any)[0].(map[string]any)["placed"] = 60 }, want: "within 0..1"},
		{name: "repeated subsidy", change: func(m map[string]any) { subsidy(m, 1)["code"] = subsidy(m, 0)["code"] }, want: "subsidies[1].code"},
		{name: "zero without basis", change: func(m map[string]any) {
			s := subsidy(m, 0)
			s["amount"], s["basis"] = 0, ""
		}, want: "no amount, basis or by_regulation"},
		{name: "no quote", change: func(m map[string]any) { delete(subsidy(m, 0), "quote") }, want: "subsidies[0] (job_search_startup).quote"},
		{name: "bad payee", change: func(m map[string]any) { subsidy(m, 0)["payee"] = "bank" }, want: "payee"},
		{name: "bad activity", change: func(m map[string]any) { subsidy(m, 1)["activity"] = "study" }, want: "activity"},
		{name: "bad years_out", change: func(m map[string]any) {
			subsidy(m, 0)["who"].([]any)[0].(map[string]any)["years_out"] = []any{2, 1}
		}, want: "who[0].years_out"},
		{name: "internship amount off the minimum wage", change: func(m map[string]any) { sub(m, "internship")["min_wage_monthly"] = 1900 }, want: "internship_post"},
		{name: "military age below minimum", change: func(m map[string]any) { sub(m, "military")["age_max_associate"] = 10 }, want: "military.age_max_associate"},
		{name: "empty posts range", change: func(m map[string]any) { sub(m, "shortlist")["posts_max"] = 2 }, want: "shortlist.posts_min/posts_max"},
		{name: "no hardship categories", change: func(m map[string]any) { m["hardship_categories"] = []any{} }, want: "hardship_categories"},
		{name: "campaign months", change: func(m map[string]any) { m["campaigns"].([]any)[0].(map[string]any)["to_month"] = 13 }, want: "campaigns[0]"},
	}
	for _, tt := range tests {
		b := []byte(tt.raw)
		if tt.change != nil {
			m := embeddedPolicy(t)
			tt.change(m)
			var err error
			if b, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
		var p Policy
		err := ParsePolicy(b, &p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestPolicyQuotesAreThePlans: every quote in policy.json is a sentence of
// the plan, verbatim (line breaks and page numbers of the text removed).
func TestPolicyQuotesAreThePlans(t *testing.T) {
	// The plan's text is beside the repository (../shared/policy).
	b, err := os.ReadFile(sharedtest.Path(t, "policy/urumqi-2023-graduate-employment-policy.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if _, err := strconv.Atoi(l); err == nil {
			continue // a page number
		}
		text.WriteString(l)
	}
	p, err := LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	quotes := map[string]string{
		"internship.quote": p.Internship.Quote, "military.quote": p.Military.Quote, "shortlist.quote": p.Shortlist.Quote,
		"shortlist.courses_quote": p.Shortlist.CoursesQuote, "shortlist.entrepreneurship_quote": p.Shortlist.EntrepreneurshipQuote,
		"shortlist.welfare_quote": p.Shortlist.WelfareQuote, "contact_quote": p.ContactQuote, "milestones_quote": p.MilestonesQuote,
		"registration_quote": p.RegistrationQuote, "hardship_quote": p.HardshipQuote,
	}
	for _, s := range p.Subsidies {
		quotes["subsidy "+s.Code] = s.Quote
		for i, w := range s.Who {
			if w.Quote != "" {
				quotes[fmt.Sprintf("subsidy %s who[%d]", s.Code, i)] = w.Quote
			}
		}
	}
	for field, q := range quotes {
		if q == "" || !strings.Contains(text.String(), q) {
			t.Errorf("%s: %q is not a sentence of the plan", field, q)
		}
	}
}
