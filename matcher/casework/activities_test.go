package casework

import (
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestActivitiesOfCourses: a course on a plan makes the graduate a
// trainee of its kind for the subsidies — 职业技能培训补贴 follows a skills
// course, 创业培训补贴 an entrepreneurship course (措施14, 措施11) — and
// 就业引导性培训 makes neither: the plan pays nothing for it (措施14 pays
// for skills training ending in a certificate), so no subsidy may follow it.
func TestActivitiesOfCourses(t *testing.T) {
	course := func(c matcher.CourseCategory) *resolved {
		return &resolved{found: true, course: &matcher.Course{Category: c}, item: matcher.PlanItem{Open: true}}
	}
	g := &matcher.Graduate{ID: "g"}
	for _, tc := range []struct {
		cat                      matcher.CourseCategory
		skills, entrepreneurship bool
	}{
		{matcher.CourseSkills, true, false},
		{matcher.CourseEntrepreneurship, false, true},
		{matcher.CourseGuidance, false, false},
	} {
		a := activities(g, &planState{items: []*resolved{course(tc.cat)}})
		if a.SkillsTraining != tc.skills || a.EntrepreneurshipTraining != tc.entrepreneurship || a.Internship || a.SelfEmployment {
			t.Errorf("%s course: activities %+v, want skills training %v, entrepreneurship training %v, nothing else", tc.cat.Label(), a, tc.skills, tc.entrepreneurship)
		}
	}
}
