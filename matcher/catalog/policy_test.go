package catalog

import (
	"strings"
	"testing"
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
	if p.Universities != 22 || p.Entrepreneurship.CommunitiesNew2023 != 61 || len(p.HardshipCategories) != 5 {
		t.Errorf("universities %d, communities %d, hardship %v", p.Universities, p.Entrepreneurship.CommunitiesNew2023, p.HardshipCategories)
	}
}

func TestParsePolicyRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not json", `{`, "policy:"},
		{"no channels", `{"year":2023}`, "channel_plan is empty"},
		{"negative channel", `{"channel_plan":{"sme":-1}}`, "channel_plan.sme"},
		{"bad milestone date", `{"channel_plan":{"sme":1},"milestones":[{"date":"13-01","placed":0.5}]}`, "milestones[0].date"},
		{"rate above one", `{"channel_plan":{"sme":1},"milestones":[{"date":"07-31","placed":60}]}`, "within 0..1"},
		{"repeated subsidy", `{"channel_plan":{"sme":1},"subsidies":[{"code":"a","amount":1},{"code":"a","amount":2}]}`, "repeated"},
		{"zero without basis", `{"channel_plan":{"sme":1},"subsidies":[{"code":"a"}]}`, "no amount"},
	}
	for _, tt := range tests {
		var p Policy
		err := ParsePolicy([]byte(tt.json), &p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}
