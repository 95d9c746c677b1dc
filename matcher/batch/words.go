package batch

import (
	"fmt"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// words says what a run did in sentences a bureau reads, in Chinese and in
// English: who got lists, from which channels, how the lists were spread
// over posts and at what price, and what changed since the previous run.
// Every technical figure says what it means, and a figure that got worse
// is named as the price paid for spreading the lists.
func words(rep *matcher.RunReport, sum *Summary, k float64) (zh, en []string) {
	say := func(z, e string) { zh, en = append(zh, z), append(en, e) }
	say(fmt.Sprintf("本批次（%s）为 %d 名仍在找工作的毕业生各生成了一份推荐名单，每份最多 %d 个岗位，从 %d 个在招岗位和实习中挑选；%d 名毕业生的名单里至少有一个岗位，%d 名的名单不足 %d 个（他们符合条件的岗位太少）。",
		rep.RunID, rep.Graduates, rep.Limit, rep.Posts, rep.WithPosts, rep.ShortList, rep.Limit),
		fmt.Sprintf("Run %s made a list for each of %d graduates still looking for work, up to %d posts each, chosen from %d open posts and internships; %d lists hold at least one post, %d hold fewer than %d (too few posts they qualify for).",
			rep.RunID, rep.Graduates, rep.Limit, rep.Posts, rep.WithPosts, rep.ShortList, rep.Limit))
	if rep.Hardship > 0 {
		say(fmt.Sprintf("其中 %d 名困难毕业生另有“一人一策”方案（备选岗位、实习和培训课程），供就业指导员确认。", rep.Hardship),
			fmt.Sprintf("%d graduates in hardship also have a one-person-one-plan proposal (reserve posts, internships and courses) for their counselor to confirm.", rep.Hardship))
	}
	if z, e := channelWords(rep); z != "" {
		say(z, e)
	}
	if sum.Computed > 0 && k > 0 {
		z, e := spreadWords(rep, k)
		if sum.Skipped > 0 {
			z += fmt.Sprintf("（分散前后的对比只计本次计算的 %d 份名单，另有 %d 份由中断前的一次运行保存。）", sum.Computed, sum.Skipped)
			e += fmt.Sprintf(" (Before and after count only the %d lists computed by this attempt; %d were saved by an interrupted one.)", sum.Computed, sum.Skipped)
		}
		say(z, e)
	}
	z, e := diffWords(rep.Diff)
	say(z, e)
	if z, e := districtWords(rep); z != "" {
		say(z, e)
	}
	return zh, en
}

func channelWords(rep *matcher.RunReport) (string, string) {
	total := 0
	for _, c := range rep.Channels {
		total += c.Slots
	}
	if total == 0 {
		return "", ""
	}
	var z, e []string
	for _, c := range rep.Channels {
		pct := 100 * float64(c.Slots) / float64(total)
		z = append(z, fmt.Sprintf("%s %d 个（%.0f%%）", c.Name, c.Slots, pct))
		name := c.Key
		if name == "" {
			name = "channel not stated"
		}
		e = append(e, fmt.Sprintf("%s %d (%.0f%%)", name, c.Slots, pct))
	}
	return "推荐位按岗位渠道：" + strings.Join(z, "，") + "。",
		"List slots by the posts' channel: " + strings.Join(e, ", ") + "."
}

// change says how one figure moved when the lists were spread: better,
// unchanged, or worse — the price paid.
func change(before, after float64, lowerIsBetter bool) (string, string) {
	switch {
	case before == after:
		return "不变", "unchanged"
	case (after < before) == lowerIsBetter:
		return "好转", "better"
	default:
		return "变差，这是分散推荐付出的代价", "worse: the price paid for spreading the lists"
	}
}

func spreadWords(rep *matcher.RunReport, k float64) (string, string) {
	b, a := rep.Before, rep.After
	var z, e []string
	add := func(zn, en, fb, fa string, before, after float64, lowerIsBetter bool) {
		cz, ce := change(before, after, lowerIsBetter)
		z = append(z, fmt.Sprintf("%s由 %s 变为 %s（%s）", zn, fb, fa, cz))
		e = append(e, fmt.Sprintf("%s went from %s to %s (%s)", en, fb, fa, ce))
	}
	num := func(x int) string { return fmt.Sprint(x) }
	pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
	add("同一岗位最多出现在几份名单中", "the most lists one post is in", num(b.Max), num(a.Max), float64(b.Max), float64(a.Max), true)
	add(fmt.Sprintf("推荐次数超过剩余名额 %g 倍的岗位数", k), fmt.Sprintf("posts in more lists than %g × their places left", k),
		num(b.OverCapacity), num(a.OverCapacity), float64(b.OverCapacity), float64(a.OverCapacity), true)
	add("超出这一限度的推荐次数", "list slots beyond that limit", fmt.Sprintf("%.0f", b.Overflow), fmt.Sprintf("%.0f", a.Overflow), b.Overflow, a.Overflow, true)
	add("最常被推荐的 50 个岗位所占推荐位", "the share of slots taken by the 50 most shown posts", pct(b.Top50Share), pct(a.Top50Share), b.Top50Share, a.Top50Share, true)
	add("至少出现在一份名单中的岗位数", "posts in at least one list", num(b.PostsShown), num(a.PostsShown), float64(b.PostsShown), float64(a.PostsShown), false)
	add("推荐集中程度（基尼系数：0 表示每个岗位被推荐的次数相同，越接近 1 越集中在少数岗位上）", "how concentrated the lists are on few posts (Gini coefficient: 0 every post equally often, towards 1 all on a few posts)",
		fmt.Sprintf("%.3f", b.Gini), fmt.Sprintf("%.3f", a.Gini), b.Gini, a.Gini, true)
	add("推荐岗位的平均匹配分", "the mean match score of the listed posts", fmt.Sprintf("%.4f", b.MeanScore), fmt.Sprintf("%.4f", a.MeanScore), b.MeanScore, a.MeanScore, false)
	zs := "为避免大批毕业生挤向同几个岗位，名单按各岗位的剩余名额作了分散：" + strings.Join(z, "；") + "。"
	es := "So that crowds of graduates are not all sent to the same few posts, the lists were spread in proportion to each post's places left: " + strings.Join(e, "; ") + "."
	if rep.Moved > 0 {
		zs += fmt.Sprintf("共有 %d 个推荐位换成了名额更宽裕、匹配分稍低的岗位，这些岗位的推荐理由中注明了“分散推荐”。", rep.Moved)
		es += fmt.Sprintf(" %d list slots went to a post with more places left and a slightly lower match score; their reasons say so (分散推荐).", rep.Moved)
	}
	return zs, es
}

func diffWords(d matcher.RunDiff) (string, string) {
	if d.Previous == "" {
		return "这是第一个发布的批次，没有上一批次可比较。", "This is the first published run; there is no earlier run to compare with."
	}
	return fmt.Sprintf("与上一批次 %s 相比：两次都在的 %d 名毕业生中，%d 名的名单出现了新岗位（共 %d 个），可通知他们查看；%d 名的名单完全相同，%d 名只是顺序有变；新进入本批次 %d 名，离开 %d 名（已落实去向、就业、升学或已删除）。",
			d.Previous, d.Compared, d.NewPosts, d.NewItems, d.Unchanged, d.Reordered, d.Joined, d.Left),
		fmt.Sprintf("Compared with the previous run %s: of the %d graduates in both, %d have new posts in their list (%d in all) and can be notified; %d lists are the same, %d only reordered; %d graduates joined this run and %d left it (placed, employed, studying or deleted).",
			d.Previous, d.Compared, d.NewPosts, d.NewItems, d.Unchanged, d.Reordered, d.Joined, d.Left)
}

// districtWords names the district where the most graduates have no post
// in their list, when there is any.
func districtWords(rep *matcher.RunReport) (string, string) {
	var worst *matcher.RunCoverage
	for i := range rep.Districts {
		d := &rep.Districts[i]
		if d.Graduates > d.WithPosts && (worst == nil || d.Graduates-d.WithPosts > worst.Graduates-worst.WithPosts) {
			worst = d
		}
	}
	if worst == nil {
		return "", ""
	}
	return fmt.Sprintf("名单里一个岗位也没有的毕业生，%s最多：%d 名中有 %d 名（各区县明细见 districts）。", worst.Name, worst.Graduates, worst.Graduates-worst.WithPosts),
		fmt.Sprintf("The district with the most graduates whose list holds no post is %s: %d of %d (each district in districts).", worst.Key, worst.Graduates-worst.WithPosts, worst.Graduates)
}
