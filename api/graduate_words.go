package api

import (
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// normalizeGraduateWords reads a graduate's hardship categories, preferred
// channels and status as the ledger's import reads them: the codes, or the
// words the plan and the ledgers write (低保（低收入）家庭, 较长时间未就业,
// 中小微企业, 求职中 …), stored as codes, each category and channel once.
// The API is a way into the ledger like a file import: a word the import
// takes is not refused here (issue 9: "the ledger accepts the plan's
// words"). An unknown word is refused, naming the field.
func normalizeGraduateWords(g *matcher.Graduate) error {
	hs := g.Hardship[:0]
	for _, w := range g.Hardship {
		h, ok := matcher.HardshipByWord(string(w))
		if !ok {
			return invalidField("hardship", "未知的就业困难类别：%s", "unknown hardship category %q", clip(string(w)))
		}
		if !containsOf(hs, h) {
			hs = append(hs, h)
		}
	}
	g.Hardship = hs
	cs := g.PreferredChannels[:0]
	for _, w := range g.PreferredChannels {
		c, err := normalize.Channel(string(w))
		if err != nil || c == "" {
			return invalidField("preferred_channels", "未知渠道：%s", "unknown channel %q", clip(string(w)))
		}
		if !containsOf(cs, c) {
			cs = append(cs, c)
		}
	}
	g.PreferredChannels = cs
	st, err := normalize.GraduateStatus(string(g.Status))
	if err != nil {
		return invalidField("status", "未知状态：%s", "unknown status %q", clip(string(g.Status)))
	}
	g.Status = st
	return nil
}

func containsOf[T comparable](l []T, v T) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}
