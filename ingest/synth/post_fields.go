// The fields of a generated post that depend on its slot and occupation:
// experience, headcount, age limit, hukou restriction and dates.

package synth

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func experience(r *rand.Rand, s slot) string {
	switch {
	case s.internship:
		return pick(r, []string{"应届毕业生", "不限", "无经验"})
	case s.channel == matcher.ChannelSME || s.channel == matcher.ChannelStateOwned:
		return wpick[string]{[]string{"不限", "应届毕业生", "1年以上", "1-3年", "无经验", "2年以上", "3年以上", "经验不限"},
			[]float64{35, 25, 15, 10, 5, 4, 3, 3}}.get(r)
	default:
		return pick(r, []string{"不限", "不限", "不限", "应届毕业生"})
	}
}

func headcount(r *rand.Rand, s slot, t *occ) int {
	switch {
	case s.welfare:
		return between(r, 1, 5)
	case s.internship:
		return between(r, 1, 6)
	case s.channel == matcher.ChannelPublicSector:
		return between(r, 1, 3)
	case s.channel == matcher.ChannelStateOwned:
		return between(r, 2, 15)
	case s.channel == matcher.ChannelGrassroots:
		if strings.Contains(t.titles[0], "西部计划") {
			return between(r, 5, 20)
		}
		return between(r, 1, 5)
	case s.channel == matcher.ChannelMilitary:
		return between(r, 5, 30)
	case s.channel == matcher.ChannelSelfEmployed:
		return pick(r, []int{10, 20, 30, 50, 50, 100, 200})
	}
	// SMEs mostly hire one or two.
	return int(1 + math.Floor(9*math.Pow(r.Float64(), 2.5)))
}

func ageMax(r *rand.Rand, s slot, t *occ, deg matcher.Degree) int {
	switch {
	case s.channel == matcher.ChannelMilitary:
		if deg >= matcher.DegreeMaster {
			return 26
		}
		return 24
	case s.welfare:
		return pick(r, []int{0, 0, 45, 50})
	case s.internship:
		return pick(r, []int{0, 0, 0, 30})
	case s.channel == matcher.ChannelPublicSector:
		return wpick[int]{[]int{35, 30, 40, 0}, []float64{80, 10, 5, 5}}.get(r)
	case s.channel == matcher.ChannelStateOwned:
		return pick(r, []int{30, 35, 0, 0})
	case s.channel == matcher.ChannelGrassroots:
		return pick(r, []int{30, 30, 35, 0})
	case s.channel == matcher.ChannelSelfEmployed:
		return pick(r, []int{0, 0, 0, 45, 55})
	}
	return wpick[int]{[]int{0, 35, 40, 45}, []float64{77, 15, 5, 3}}.get(r)
}

func hukou(r *rand.Rand, s slot, t *occ, emp *employer) string {
	switch {
	case s.welfare && chance(r, 0.5):
		return emp.district.name
	case s.channel == matcher.ChannelPublicSector && !s.internship && chance(r, 0.25):
		if chance(r, 0.6) {
			return "乌鲁木齐市"
		}
		return emp.district.name
	case s.channel == matcher.ChannelGrassroots && strings.HasPrefix(t.titles[0], "社区") && chance(r, 0.2):
		return emp.district.name
	}
	return ""
}

// postDates publishes the post within the 60 days before now; about 5% of
// deadlines have already passed.
func postDates(r *rand.Rand, now time.Time, s slot) (posted, deadline time.Time) {
	if chance(r, 0.05) {
		deadline = now.Add(-days(between(r, 1, 25)))
		posted = deadline.Add(-days(between(r, 7, 35)))
		if lo := now.Add(-days(60)); posted.Before(lo) {
			posted = lo
		}
		return posted, deadline
	}
	posted = now.Add(-days(r.IntN(60)))
	deadline = posted.Add(days(between(r, 20, 90)))
	if !deadline.After(now) {
		deadline = now.Add(days(between(r, 3, 30)))
	}
	if s.channel == matcher.ChannelMilitary {
		// 征兵 online registration closes mid-August.
		deadline = time.Date(now.Year(), 8, 15, 0, 0, 0, 0, time.UTC)
		if !deadline.After(now) {
			deadline = now.Add(days(between(r, 10, 40)))
		}
	}
	return posted, deadline
}
