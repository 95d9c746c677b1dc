package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// pay is a salary before it is written: a monthly (or daily) range and the
// style a portal would print it in.
type pay struct {
	lo, hi     int // yuan per month, or per day when daily
	daily      bool
	months     int // 13 or 14 薪 when stated
	negotiable bool
	style      int
}

// Salary styles, as the portals print them.
const (
	styleYuanRange  = iota // 4000-6000元/月
	styleKLower            // 5k-8k
	styleKUpper            // 5-8K
	styleWan               // 0.8-1.2万/月, 1.2万/月
	styleKMonths           // 8-12K·13薪
	styleYuanSingle        // 4000元/月
	styleBare              // 4000-6000元
	styleYearWan           // 6-10万/年
	styleFullWidth         // ４０００－６０００元/月
	nStyles
)

var degreePay = [...]float64{0.85, 0.85, 0.9, 1.0, 1.3, 1.6}

func roundTo(x float64, step int) int {
	return int(math.Round(x/float64(step))) * step
}

// salary draws the pay of a post from its occupation, degree and channel.
func (wd *world) salary(r *rand.Rand, s slot, t *occ, deg matcher.Degree) pay {
	switch {
	case s.channel == matcher.ChannelMilitary:
		return pay{negotiable: true}
	case s.internship:
		sub := int(wd.policy.Internship.SubsidyMonthly)
		if sub == 0 {
			sub = 1700
		}
		if chance(r, 0.6) {
			return pay{lo: sub, hi: sub, style: styleYuanSingle}
		}
		return pay{lo: sub, hi: sub + between(r, 2, 16)*100, style: styleYuanRange}
	}
	lo, hi := float64(t.pay[0]), float64(t.pay[1])
	f := degreePay[deg] * (0.88 + 0.24*r.Float64())
	p := pay{lo: roundTo(lo*f, 500), hi: roundTo(hi*f, 500)}
	if t.pay[1] < 3000 { // 公益性岗位 pay near the minimum wage
		p.lo, p.hi = roundTo(lo*(0.95+0.1*r.Float64()), 100), roundTo(hi, 100)
	}
	if p.hi <= p.lo {
		p.hi = p.lo + 500
	}
	switch s.channel {
	case matcher.ChannelPublicSector:
		p.style = pick(r, []int{styleYuanRange, styleYuanRange, styleYearWan, styleYuanSingle})
		p.negotiable = chance(r, 0.2)
	case matcher.ChannelStateOwned:
		p.style = pick(r, []int{styleYuanRange, styleYearWan, styleKMonths, styleKUpper})
		p.negotiable = chance(r, 0.12)
		if p.style == styleKMonths {
			p.months = pick(r, []int{13, 13, 14})
		}
	case matcher.ChannelGrassroots:
		p.style = pick(r, []int{styleYuanRange, styleYuanSingle})
	case matcher.ChannelSelfEmployed:
		p.negotiable = chance(r, 0.1)
		if chance(r, 0.4) {
			p.daily = true
			p.lo = roundTo(float64(p.lo)/26, 10)
			p.hi = roundTo(float64(p.hi)/26, 10)
			p.style = pick(r, []int{styleYuanRange, styleYuanSingle})
		} else {
			p.style = pick(r, []int{styleYuanRange, styleKLower, styleBare})
		}
	default:
		p.negotiable = chance(r, 0.07)
		p.style = wpick[int]{[]int{styleYuanRange, styleKLower, styleKUpper, styleWan, styleKMonths, styleYuanSingle, styleBare, styleYearWan, styleFullWidth},
			[]float64{35, 14, 14, 6, 6, 10, 8, 2, 1}}.get(r)
		if p.style == styleKMonths {
			p.months = pick(r, []int{13, 13, 14, 15})
		}
		if p.style == styleWan && p.hi < 10000 {
			p.style = styleYuanRange
		}
	}
	if s.welfare {
		p.negotiable = false
		p.style = pick(r, []int{styleYuanRange, styleYuanSingle})
	}
	return p
}

func kNum(x int) string {
	if x%1000 == 0 {
		return fmt.Sprint(x / 1000)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.1f", float64(x)/1000), "0"), ".")
}

func wanNum(x float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.1f", x/10000), "0"), ".")
}

// text prints the pay in the given style (taken modulo the styles).
func (p pay) text(r *rand.Rand, style int) string {
	if p.negotiable {
		return "面议"
	}
	if p.daily {
		if p.lo == p.hi || style%2 == 1 {
			return fmt.Sprintf("%d元/天", p.lo)
		}
		return fmt.Sprintf("%d-%d元/天", p.lo, p.hi)
	}
	switch style % nStyles {
	case styleKLower:
		return kNum(p.lo) + "k-" + kNum(p.hi) + "k"
	case styleKUpper:
		return kNum(p.lo) + "-" + kNum(p.hi) + "K"
	case styleWan:
		if p.lo >= 10000 && chance(r, 0.5) {
			return wanNum(float64(p.lo)) + "万/月"
		}
		return wanNum(float64(p.lo)) + "-" + wanNum(float64(p.hi)) + "万/月"
	case styleKMonths:
		m := p.months
		if m == 0 {
			m = 13
		}
		return fmt.Sprintf("%s-%sK·%d薪", kNum(p.lo), kNum(p.hi), m)
	case styleYuanSingle:
		return fmt.Sprintf("%d元/月", p.lo)
	case styleBare:
		return fmt.Sprintf("%d-%d元", p.lo, p.hi)
	case styleYearWan:
		lo, hi := math.Round(float64(p.lo)*12/10000), math.Round(float64(p.hi)*12/10000)
		if hi <= lo {
			hi = lo + 1
		}
		return fmt.Sprintf("%d-%d万/年", int(lo), int(hi))
	case styleFullWidth:
		return toFullWidth(fmt.Sprintf("%d-%d", p.lo, p.hi)) + "元/月"
	}
	if p.lo == p.hi {
		return fmt.Sprintf("%d元/月", p.lo)
	}
	return fmt.Sprintf("%d-%d元/月", p.lo, p.hi)
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c - '0' + '０')
		case c == '-':
			b.WriteRune('－')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
