package matcher

import (
	"slices"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Where a graduate is on the way to a destination, as the plan counts it.
// These predicates are the casework's vocabulary: the caseload, the
// dashboard, the contact rule and the 一人一策 plan all read them.

// Registered reports whether g is registered (实名制登记): a status other
// than unregistered, or a registration date.
func (g *Graduate) Registered() bool {
	return (g.Status != "" && g.Status != StatusUnregistered) || !g.RegisteredAt.IsZero()
}

// Placed reports whether g counts as placed (就业去向落实): placed,
// employed when registering, or in further study — the three outcomes the
// plan's placement rate counts.
func (g *Graduate) Placed() bool {
	switch g.Status {
	case StatusPlaced, StatusEmployed, StatusStudying:
		return true
	}
	return false
}

// Looking reports whether g is still looking for a destination: seeking,
// unregistered, or no status yet (未就业). The casework is for them.
func (g *Graduate) Looking() bool { return !g.Placed() }

// ContactOverdue reports whether g breaks 5日内必联系 at now: still
// looking, registered more than slaDays days ago and never contacted. A
// graduate with a destination is owed no first contact: never overdue.
func (g *Graduate) ContactOverdue(now time.Time, slaDays int) bool {
	return g.Looking() && !g.RegisteredAt.IsZero() && g.ContactedAt.IsZero() &&
		now.Sub(g.RegisteredAt) > time.Duration(slaDays)*24*time.Hour
}

// OverdueDays is how many whole days past the SLA an overdue graduate is.
func (g *Graduate) OverdueDays(now time.Time, slaDays int) int {
	if !g.ContactOverdue(now, slaDays) {
		return 0
	}
	return int(now.Sub(g.RegisteredAt.Add(time.Duration(slaDays)*24*time.Hour)) / (24 * time.Hour))
}

// YearsOut is how many years before year g graduated (0: this year's
// graduates, 应届/毕业年度); ok is false when the graduation year is
// unknown or in the future.
func (g *Graduate) YearsOut(year int) (n int, ok bool) {
	if g.GraduationYear == 0 || g.GraduationYear > year {
		return 0, false
	}
	return year - g.GraduationYear, true
}

// UrumqiHukou reports whether g's hukou is in one of Urumqi's eight
// divisions (or given as the city).
func (g *Graduate) UrumqiHukou() bool {
	h := strings.TrimSpace(g.HukouDistrict)
	return catalog.IsUrumqiDistrict(h) || isUrumqiCity(h)
}

// PlanHardship returns g's hardship categories that the plan names for
// 结对帮扶 and 一人一策 (catalog.Policy.HardshipCategories), in the
// plan's order.
func PlanHardship(g *Graduate, pol *catalog.Policy) []Hardship {
	if len(g.Hardship) == 0 {
		// Nine graduates in ten: no need to read the policy's words (the
		// nightly batch asks for every active graduate, twice; reading
		// them was 1% of a run's CPU).
		return nil
	}
	var out []Hardship
	for _, w := range pol.HardshipCategories {
		if h, ok := HardshipByWord(w); ok && slices.Contains(g.Hardship, h) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// PlanGraduate reports whether g gets a 一人一策 plan: still looking and
// in a hardship category the plan names (its item 23: 聚焦…有特殊困难的
// 未就业毕业生…制定“一人一策”帮扶计划).
func PlanGraduate(g *Graduate, pol *catalog.Policy) bool {
	return g.Looking() && len(PlanHardship(g, pol)) > 0
}
