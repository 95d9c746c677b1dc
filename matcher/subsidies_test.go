package matcher

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestSubsidyRules: a table per subsidy, each case citing the plan's
// sentence it checks. The decision time is the plan year's July.
func TestSubsidyRules(t *testing.T) {
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPolicy(&pol); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2023, 7, 15, 12, 0, 0, 0, time.UTC)
	born := func(y int) time.Time { return time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC) }
	grad := func(year int, birth int, status GraduateStatus, hs ...Hardship) Graduate {
		g := Graduate{ID: "g", GraduationYear: year, Status: status, Hardship: hs}
		if birth > 0 {
			g.BirthDate = born(birth)
		}
		return g
	}
	intern := PlanActivities{Internship: true}
	startup := PlanActivities{SelfEmployment: true}
	type tc struct {
		plan   string // the plan's sentence the case checks
		g      Graduate
		act    PlanActivities
		status SubsidyStatus
		text   string // substring of the verdict's text
	}
	const (
		q12   = "对贫困家庭、低收入家庭、残疾等毕业生开展就业帮扶,按照1000元/人的标准落实一次性求职创业补贴政策（服务对象：以2023届高校毕业生为服务对象）"
		q13   = "对2023年在我市就业见习基地参加就业见习的在校应届高校毕业生、离校2年未就业高校毕业生和16至24岁的失业青年,按照我市最低工资标准(每月1700元)给予见习补贴"
		q13b  = "见习单位按照最低工资标准的50%再给予岗位补助,就业见习补贴最长不超过1年"
		q13c  = "对于提前留用见习人员并签订2年以上劳动合同且缴纳社会保险的,可将剩余期限见习补贴按月发放给见习单位"
		q18a  = "对毕业年度和离校2年内的大学生实现创业的,按其本人实际缴纳的基本养老保险费给予补贴"
		q18b  = "从事个体经营的大学生,可按规定提供最高不超过20万元创业担保贷款支持,按规定给予贴息"
		q18c  = "符合条件的大学生自主创业,持有《就业创业证》后,办理营业执照并稳定经营6个月以上可按规定申请2000元的一次性创业补贴"
		q18d  = "鼓励有创业意愿的大学生进入孵化基地进行孵化创业,按照每平方米每天不超过1元、最高30㎡的标准给予房租(含水电费)补贴"
		q18e  = "孵化基地免费提供一站式服务大厅、路演厅、导师办公室、会议室、公共孵化区等区域的,按照不超过300㎡(含300㎡)每平方米每天1元给予补贴"
		q17   = "安排一定比例的场地为毕业3年内大学生提供创业场地支持"
		q14   = "支持离校未就业高校毕业生参加职业技能培训,取得职业资格证书、职业技能等级证书或培训合格证书的,按规定给予职业技能培训补贴和职业技能鉴定补贴"
		q11   = "积极鼓励高校毕业生参加创业培训,并按规定享受创业培训补贴"
		noAct = "须"
	)
	tables := map[string][]tc{
		"job_search_startup": {
			{q12, grad(2023, 2001, StatusSeeking, HardshipPovertyFamily), PlanActivities{}, SubsidyApplies, "符合：2023届（毕业年度）（2023届）、脱贫家庭"},
			{q12, grad(2023, 2001, StatusSeeking, HardshipLowIncome), PlanActivities{}, SubsidyApplies, "低保（低收入）家庭"},
			{q12, grad(2023, 2001, StatusSeeking, HardshipDisability), PlanActivities{}, SubsidyApplies, "残疾"},
			{q12 + "：2020届、27岁、较长时间未就业不是本届服务对象", grad(2020, 1996, StatusSeeking, HardshipLongUnemployed), PlanActivities{}, SubsidyNotApplicable, "须为2023届"},
			{q12 + "：零就业家庭是否属“等”须核实", grad(2023, 2001, StatusSeeking, HardshipZeroEmployment), PlanActivities{}, SubsidyToVerify, "可申请，需核实：零就业家庭"},
			{q12 + "：非困难毕业生", grad(2023, 2001, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, "须为脱贫家庭"},
			{q12 + "：毕业年份缺失须核实", grad(0, 2001, StatusSeeking, HardshipPovertyFamily), PlanActivities{}, SubsidyToVerify, "毕业年份"},
		},
		"internship": {
			{q13 + "：在校应届", grad(2023, 2001, StatusSeeking), intern, SubsidyApplies, "2023届"},
			{q13 + "：离校2年未就业", grad(2021, 1998, StatusSeeking), intern, SubsidyApplies, "离校1至2年（2021届）、未就业"},
			{q13 + "：2020届、27岁不在见习范围", grad(2020, 1996, StatusSeeking, HardshipLongUnemployed), intern, SubsidyNotApplicable, "不符合条件"},
			{q13 + "：16至24岁的失业青年", grad(2018, 1999, StatusSeeking), intern, SubsidyApplies, "16至24岁（现24岁）、未就业"},
			{q13 + "：离校2年内但已就业", grad(2022, 1997, StatusPlaced), intern, SubsidyNotApplicable, "须未就业"},
			{q13 + "：须参加就业见习", grad(2023, 2001, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, noAct + "参加就业见习"},
			{q13 + "：毕业年份与出生日期都缺失须核实", grad(0, 0, StatusSeeking), intern, SubsidyToVerify, "毕业年份"},
		},
		"internship_post": {
			{q13b, grad(2023, 2001, StatusSeeking), intern, SubsidyApplies, "符合"},
			{q13b + "：2020届、27岁不在见习范围", grad(2020, 1996, StatusSeeking), intern, SubsidyNotApplicable, "不符合条件"},
		},
		"internship_retention": {
			{q13c, grad(2023, 2001, StatusSeeking), intern, SubsidyToVerify, "提前留用并签订2年以上劳动合同"},
			{q13c + "：无见习", grad(2023, 2001, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, noAct},
		},
		"startup_pension": {
			{q18a + "：离校2年内、有创业意向，实现创业须核实", grad(2021, 1998, StatusSeeking), startup, SubsidyToVerify, "已实现创业"},
			{q18a + "：2020届已超出离校2年", grad(2020, 1996, StatusSeeking, HardshipLongUnemployed), startup, SubsidyNotApplicable, "须为毕业年度或离校2年内（2020届）"},
			{q18a + "：无创业意向", grad(2023, 2001, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, noAct + "有创业意向"},
		},
		"startup_guarantee_loan": {
			{q18b, grad(2019, 1996, StatusSeeking), startup, SubsidyToVerify, "从事个体经营"},
			{q18b + "：无创业意向", grad(2019, 1996, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, noAct},
		},
		"startup_one_time": {
			{q18c, grad(2023, 2001, StatusSeeking), startup, SubsidyToVerify, "持有《就业创业证》；办理营业执照并稳定经营6个月以上"},
		},
		"incubator_rent": {
			{q18d, grad(2023, 2001, StatusSeeking), startup, SubsidyToVerify, "已进入创业孵化基地"},
		},
		"incubator_services": {
			{q18e + "：发给孵化基地", grad(2023, 2001, StatusSeeking), startup, SubsidyNotApplicable, "孵化基地"},
		},
		"startup_venue": {
			{q17 + "：毕业3年内", grad(2020, 1997, StatusSeeking), startup, SubsidyToVerify, "申请场地"},
			{q17 + "：毕业4年", grad(2019, 1996, StatusSeeking), startup, SubsidyNotApplicable, "须为毕业年度或离校3年内"},
		},
		"skills_training": {
			{q14, grad(2022, 1999, StatusSeeking), PlanActivities{SkillsTraining: true}, SubsidyToVerify, "取得职业资格证书"},
			{q14 + "：已落实去向", grad(2022, 1999, StatusPlaced), PlanActivities{SkillsTraining: true}, SubsidyNotApplicable, "须未就业"},
			{q14 + "：无培训", grad(2022, 1999, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, noAct + "参加职业技能培训"},
		},
		"skills_assessment": {
			{q14, grad(2022, 1999, StatusSeeking), PlanActivities{SkillsTraining: true}, SubsidyToVerify, "职业技能鉴定"},
		},
		"entrepreneurship_training": {
			{q11, grad(2019, 1996, StatusSeeking), PlanActivities{EntrepreneurshipTraining: true}, SubsidyApplies, "符合：高校毕业生；参加创业培训"},
			{q11 + "：无创业培训", grad(2019, 1996, StatusSeeking), PlanActivities{}, SubsidyNotApplicable, noAct},
		},
	}
	for _, s := range pol.Subsidies {
		if len(tables[s.Code]) == 0 {
			t.Errorf("subsidy %s has no test table", s.Code)
		}
	}
	for code, cases := range tables {
		sub, ok := pol.SubsidyByCode(code)
		if !ok {
			t.Fatalf("no subsidy %s in the policy", code)
		}
		for _, c := range cases {
			if !strings.Contains(c.plan, strings.SplitN(sub.Quote, ",", 2)[0]) {
				t.Errorf("%s: the case cites %q, not the subsidy's sentence %q", code, c.plan, sub.Quote)
			}
			v := EvaluateSubsidy(&c.g, &sub, &pol, now, c.act)
			if v.Status != c.status || !strings.Contains(v.Text, c.text) {
				t.Errorf("%s — %s:\n  got %s %q\n  want %s ~ %q", code, c.plan, v.Status, v.Text, c.status, c.text)
			}
			if v.Quote != sub.Quote || v.Item == "" {
				t.Errorf("%s: the verdict does not carry the plan's sentence", code)
			}
			if v.Status == SubsidyToVerify && (len(v.Verify) == 0 || !strings.HasPrefix(v.Text, "可申请，需核实：")) {
				t.Errorf("%s: to_verify without what to verify: %+v", code, v)
			}
		}
	}
}

// TestSubsidiesFollowAnotherPolicy: another year's file with other amounts
// and windows moves the verdicts and the amounts, with no code change.
func TestSubsidiesFollowAnotherPolicy(t *testing.T) {
	pol, _ := catalog.LoadPolicy()
	next := pol
	next.Subsidies = slices.Clone(pol.Subsidies)
	for i := range next.Subsidies {
		s := &next.Subsidies[i]
		s.Who = slices.Clone(s.Who)
		switch s.Code {
		case "job_search_startup":
			s.Amount = 1500
		case "startup_pension":
			s.Who = []catalog.Who{{YearsOut: []int{0, 3}}}
		}
	}
	now := time.Date(2023, 7, 15, 12, 0, 0, 0, time.UTC)
	g := Graduate{GraduationYear: 2020, BirthDate: time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), Status: StatusSeeking}
	find := func(vs []Subsidy, code string) Subsidy {
		i := slices.IndexFunc(vs, func(v Subsidy) bool { return v.Code == code })
		return vs[i]
	}
	act := PlanActivities{SelfEmployment: true}
	if v := find(EvaluateSubsidies(&g, &pol, now, act), "startup_pension"); v.Status != SubsidyNotApplicable {
		t.Errorf("2023 policy: 2020届 startup_pension = %s, want not_applicable", v.Status)
	}
	if v := find(EvaluateSubsidies(&g, &next, now, act), "startup_pension"); v.Status != SubsidyToVerify {
		t.Errorf("a policy with a 3-year window: 2020届 startup_pension = %s, want to_verify", v.Status)
	}
	f := Graduate{GraduationYear: 2023, Status: StatusSeeking, Hardship: []Hardship{HardshipDisability}}
	if v := find(EvaluateSubsidies(&f, &next, now, PlanActivities{}), "job_search_startup"); v.AmountText != "1500元/人" || v.Status != SubsidyApplies {
		t.Errorf("job_search_startup under the second policy = %s %q, want applies 1500元/人", v.Status, v.AmountText)
	}
}

// TestPlanGraduate: the 一人一策 plan is for graduates still looking in a
// hardship category the plan names (item 23); a policy naming fewer
// categories plans for fewer.
func TestPlanGraduate(t *testing.T) {
	pol, _ := catalog.LoadPolicy()
	g := Graduate{Status: StatusSeeking, Hardship: []Hardship{HardshipLongUnemployed}}
	if !PlanGraduate(&g, &pol) {
		t.Error("较长时间未就业 graduate gets no plan")
	}
	g.Status = StatusPlaced
	if PlanGraduate(&g, &pol) {
		t.Error("a placed graduate gets a plan")
	}
	g.Status = StatusSeeking
	pol.HardshipCategories = []string{"脱贫家庭", "残疾"}
	if PlanGraduate(&g, &pol) {
		t.Error("a category the policy does not name gives a plan")
	}
	bad := pol
	bad.HardshipCategories = []string{"单亲家庭"}
	if err := CheckPolicy(&bad); err == nil || !strings.Contains(err.Error(), "hardship_categories[0]") {
		t.Errorf("CheckPolicy(单亲家庭) = %v", err)
	}
}
