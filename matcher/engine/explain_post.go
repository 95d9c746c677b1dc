package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// itemArena hands a result's items their contributions and reasons out of
// shared arrays, and its explanation to each in turn: an item's own were
// three of the allocations each explained item cost. Each item's part is
// capped at its length, so an append to one item's slice (the batch's
// capacity note) copies it rather than writing over the next item's.
type itemArena struct {
	contribs matcher.Contributions
	reasons  []string
	ex       explanation // the item being explained
}

// maxItemReasons bounds the reasons of one item: maxReasons, "缺少", the
// five cautions and the priority.
const maxItemReasons = maxReasons + 7

// newItemArena is an arena for n items (more take fresh arrays).
func newItemArena(n int) *itemArena {
	n = max(n, 1)
	return &itemArena{contribs: make(matcher.Contributions, 0, n*NumFeatures), reasons: make([]string, 0, n*maxItemReasons)}
}

// contributions is the next item's NumFeatures contributions.
func (a *itemArena) contributions() matcher.Contributions {
	if cap(a.contribs)-len(a.contribs) < NumFeatures {
		a.contribs = make(matcher.Contributions, 0, NumFeatures)
	}
	n := len(a.contribs)
	a.contribs = a.contribs[:n+NumFeatures]
	return a.contribs[n : n+NumFeatures : n+NumFeatures]
}

// startReasons is the empty start of the next item's reasons, with room
// for maxItemReasons: append to it, then endReasons.
func (a *itemArena) startReasons() []string {
	if cap(a.reasons)-len(a.reasons) < maxItemReasons {
		a.reasons = make([]string, 0, maxItemReasons)
	}
	return a.reasons[len(a.reasons):len(a.reasons)]
}

// endReasons takes out (begun by startReasons) out of the arena.
func (a *itemArena) endReasons(out []string) []string {
	if len(out) > 0 && cap(a.reasons)-len(a.reasons) >= cap(out) && &a.reasons[:len(a.reasons)+1][len(a.reasons)] == &out[0] {
		a.reasons = a.reasons[:len(a.reasons)+len(out)]
	}
	return out[:len(out):len(out)]
}

// postNotes are an item's reasons that depend on the post alone, written
// on the post's first explanation and kept (postRec.notes): a post is on
// many graduates' lists, and its salary, experience and places were
// strings built again for every list.
type postNotes struct {
	salary     string // "薪资：…" before the graduate's expectation; "" when the salary is not monthly
	salaryMet  string // salary + "，符合期望"
	experience string // experienceOpenReason's
	places     string // placesReason's
}

// notes returns pr's postNotes, written on first use (a racing
// explanation writes the same).
func (pr *postRec) postNotes() *postNotes {
	if n := pr.notes.Load(); n != nil {
		return n
	}
	n := &postNotes{}
	p := pr.Post
	if lo, hi, ok := p.Salary.Monthly(); ok {
		n.salary = "薪资：" + salaryText(lo, hi)
		n.salaryMet = n.salary + "，符合期望"
	}
	if what := strings.TrimSpace(p.Experience); pr.expMin == 0 && what != "" && strings.Trim(what, "0123456789") != "" {
		n.experience = "经验：" + what
	}
	if pr.Places >= 5 {
		n.places = fmt.Sprintf("招聘人数：%d人", pr.Places)
	}
	pr.notes.Store(n)
	return n
}

func salaryReason(ex *explanation) string {
	sal := &ex.pr.Post.Salary
	_, hi, ok := sal.Monthly()
	if !ok {
		if sal.Negotiable {
			return "薪资：面议"
		}
		return ""
	}
	n := ex.pr.postNotes()
	exp := ex.gc.Graduate.ExpectedSalary
	switch {
	case exp <= 0:
		return n.salary
	case hi >= exp:
		return n.salaryMet
	}
	return n.salary + "，低于期望" + strconv.FormatFloat(exp, 'f', 0, 64) + "元"
}

// experienceOpenReason says, in the post's words, that it takes graduates
// without experience, when it says so (应届, 不限, 无经验 …).
func experienceOpenReason(ex *explanation) string { return ex.pr.postNotes().experience }

func placesReason(ex *explanation) string {
	if ex.pr.Places < 5 {
		return ""
	}
	return ex.pr.postNotes().places
}

// freshNotes are freshReason's, by days (1–7).
var freshNotes = func() (out [8]string) {
	for d := 1; d < len(out); d++ {
		out[d] = fmt.Sprintf("新发布：%d天内", d)
	}
	return
}()

func freshReason(ex *explanation) string {
	if ex.pr.posted == 0 {
		return ""
	}
	if days := int((ex.gc.NowTime.Unix() - ex.pr.posted) / 86400); days <= 7 && days >= 0 {
		return freshNotes[max(days, 1)]
	}
	return ""
}

// channelNotes are channelReason's, by channel index.
var channelNotes = func() []string {
	out := make([]string, len(matcher.Channels))
	for i, c := range matcher.Channels {
		out[i] = "渠道：" + c.Chinese() + "（您的意向渠道）"
	}
	return out
}()

func channelReason(ex *explanation) string {
	if ex.ge != nil && ex.pr.chIdx >= 0 && ex.ge.channelRank[ex.pr.chIdx] > 0 {
		return channelNotes[ex.pr.chIdx]
	}
	return ""
}

// degreeNotes are degreeReason's for the degrees matcher names, by the
// post's minimum and the graduate's degree.
var degreeNotes = func() (out [matcher.DegreeDoctor + 1][matcher.DegreeDoctor + 1]string) {
	for need := range out {
		for have := range out[need] {
			out[need][have] = degreeNote(matcher.Degree(need), matcher.Degree(have))
		}
	}
	return
}()

func degreeReason(ex *explanation) string {
	need, have := ex.pr.DegreeMin, ex.gc.Degree
	if need >= 0 && have >= 0 && int(need) < len(degreeNotes) && int(have) < len(degreeNotes) {
		return degreeNotes[need][have]
	}
	return degreeNote(need, have)
}

func degreeNote(need, have matcher.Degree) string {
	switch {
	case need == matcher.DegreeNone:
		return "学历不限"
	case have == need:
		return "学历符合：" + have.Chinese()
	}
	return "学历符合：要求" + need.Chinese() + "及以上，您为" + have.Chinese()
}
