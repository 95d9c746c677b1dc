package matcher

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// planTextFile is the plan's text under the shared directory beside the
// repository (../shared/policy; ingest/sharedtest finds it).
const planTextFile = "policy/urumqi-2023-graduate-employment-policy.txt"

// planMeasures reads the plan's text and returns its measures by number
// ("5" → the text of 5.动员入伍安置400名… up to the next measure), each with
// the text's line breaks and page numbers removed, and the whole text the
// same way.
func planMeasures(t *testing.T) (map[string]string, string) {
	t.Helper()
	b, err := os.ReadFile(sharedtest.Path(t, planTextFile))
	if err != nil {
		t.Fatal(err)
	}
	head := regexp.MustCompile(`^(\d{1,2})[.、]`)
	measures := map[string]string{}
	var all, cur strings.Builder
	num := ""
	flush := func() {
		if num != "" {
			measures[num] = cur.String()
		}
		cur.Reset()
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if _, err := strconv.Atoi(l); err == nil {
			continue // a page number
		}
		if m := head.FindStringSubmatch(l); m != nil {
			flush()
			num = m[1]
		}
		cur.WriteString(l)
		all.WriteString(l)
	}
	flush()
	return measures, all.String()
}

// inMeasure reports whether quote is a sentence of one of the measures an
// item names ("22" or "22、23").
func inMeasure(measures map[string]string, item, quote string) bool {
	for _, n := range strings.Split(item, "、") {
		if m, ok := measures[strings.TrimSpace(n)]; ok && strings.Contains(m, quote) {
			return true
		}
	}
	return false
}

// TestEveryRuleCitesThePlan: every eligibility rule, course rule and
// subsidy cites a sentence that really is in the plan's text, within the
// measure it names; where the plan leaves figures to a national rule
// (conscription ages) the rule names it; and the verdicts a graduate sees
// carry the subsidy's sentence.
func TestEveryRuleCitesThePlan(t *testing.T) {
	measures, text := planMeasures(t)
	if len(measures) < 20 {
		t.Fatalf("read %d measures from the plan's text; want its 23", len(measures))
	}
	pol, err := catalog.LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPolicy(&pol); err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Concat(RuleNames(), CourseRuleNames(), CourseFitRuleNames()) {
		b, ok := RuleBasis(name, &pol)
		switch {
		case !ok || b.Quote == "":
			t.Errorf("rule %s cites nothing", name)
		case !inMeasure(measures, b.Item, b.Quote):
			t.Errorf("rule %s: %q is not a sentence of the plan's measure %s", name, b.Quote, b.Item)
		}
	}
	if b, _ := RuleBasis(RuleMilitaryAge, &pol); b.Source == "" || pol.Military.AgeSource == "" {
		t.Errorf("military_age names no national rule for the ages the plan leaves to it")
	}
	for _, s := range pol.Subsidies {
		if !inMeasure(measures, s.Item, s.Quote) {
			t.Errorf("subsidy %s: %q is not a sentence of the plan's measure %s", s.Code, s.Quote, s.Item)
		}
		for i, w := range s.Who {
			if w.Quote != "" && !strings.Contains(text, w.Quote) {
				t.Errorf("subsidy %s who[%d]: %q is not a sentence of the plan", s.Code, i, w.Quote)
			}
		}
	}
	// What a graduate is shown carries the sentence: every verdict of
	// every subsidy, for graduates of every cohort and activity.
	now := time.Date(pol.Year, 7, 15, 12, 0, 0, 0, time.UTC)
	for _, year := range []int{pol.Year, pol.Year - 2, pol.Year - 4} {
		g := Graduate{ID: "g", GraduationYear: year, Status: StatusSeeking, Hardship: []Hardship{HardshipLowIncome},
			BirthDate: time.Date(year-22, 3, 1, 0, 0, 0, 0, time.UTC)}
		for _, act := range []PlanActivities{{}, {Internship: true, SelfEmployment: true, SkillsTraining: true, EntrepreneurshipTraining: true}} {
			for _, v := range EvaluateSubsidies(&g, &pol, now, act) {
				if v.Quote == "" || !strings.Contains(text, v.Quote) {
					t.Errorf("%d届 %s: verdict %s cites %q, not a sentence of the plan", year, v.Code, v.Status, v.Quote)
				}
			}
		}
	}
}

// TestCheckPolicyWantsEveryRuleCited: a policy file that drops a rule's
// sentence, or names a rule the domain lacks, is refused with the field.
func TestCheckPolicyWantsEveryRuleCited(t *testing.T) {
	pol, _ := catalog.LoadPolicy()
	for _, tc := range []struct {
		name string
		edit func(map[string]catalog.RuleBasis)
		want string
	}{
		{"a rule without its sentence", func(m map[string]catalog.RuleBasis) { delete(m, RuleInternshipWindow) }, "rules.internship_window: missing"},
		{"a course rule without its sentence", func(m map[string]catalog.RuleBasis) { delete(m, RuleCourseUnrelated) }, "rules.course_unrelated: missing"},
		{"an unknown rule", func(m map[string]catalog.RuleBasis) { m["gender"] = catalog.RuleBasis{Item: "1", Quote: "x"} }, "rules.gender: not a rule"},
	} {
		p := pol
		p.Rules = map[string]catalog.RuleBasis{}
		for k, v := range pol.Rules {
			p.Rules[k] = v
		}
		tc.edit(p.Rules)
		if err := CheckPolicy(&p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: CheckPolicy = %v, want %q", tc.name, err, tc.want)
		}
	}
}
