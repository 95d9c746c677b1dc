package casework

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestParseCaseQuery(t *testing.T) {
	g := &matcher.Graduate{Name: "阿依古丽·买买提", School: "新疆农业大学", Major: "Java软件开发", NationalID: "65010220030101123X"}
	for _, tc := range []struct {
		q     string
		match bool
	}{
		{"", true},
		{"阿依古丽", true},
		{"古丽 农业", true},
		{"123x", true},
		{"123X 新疆", true},
		{"java", true},
		{"1234", false},
		{"阿依古丽 北京", false},
		{"买买提，新疆农业大学", true},
	} {
		q, err := ParseCaseQuery(tc.q)
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		if got := q.Match(g); got != tc.match {
			t.Errorf("%q (%+v): match %v, want %v", tc.q, q, got, tc.match)
		}
	}
	for _, bad := range []string{strings.Repeat("王", 65), "a b c d e f g", "a\x00b", "\xff"} {
		_, err := ParseCaseQuery(bad)
		if matcher.ErrorCode(err) != matcher.EINVALID {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
		var me *matcher.Error
		if e, ok := err.(*matcher.Error); ok {
			me = e
		}
		if me == nil || me.Field != "q" || strings.Contains(me.Message, bad) {
			t.Errorf("%q: error %v does not name q or echoes the search", bad, err)
		}
	}
}

// FuzzParseCaseQuery: any input is parsed or refused with an invalid
// error naming q; what is parsed has at most 6 words, ID tails of four
// characters, and matches a graduate without panicking.
func FuzzParseCaseQuery(f *testing.F) {
	for _, s := range []string{"", "阿依古丽", "123X", "新疆大学 会计", "a,b，c、d", "   ", "１２３４"} {
		f.Add(s)
	}
	g := &matcher.Graduate{Name: "王小明", School: "新疆大学", Major: "会计学", NationalID: "650102200301011234"}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseCaseQuery(s)
		if err != nil {
			if e, ok := err.(*matcher.Error); !ok || e.Code != matcher.EINVALID || e.Field != "q" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if !utf8.ValidString(s) || len(q.Words)+len(q.IDTails) > maxQueryWords {
			t.Fatalf("%q accepted as %+v", s, q)
		}
		for _, tail := range q.IDTails {
			if len(tail) != 4 {
				t.Fatalf("%q: tail %q", s, tail)
			}
		}
		for _, w := range q.Words {
			if w == "" || strings.ContainsFunc(w, func(r rune) bool { return r == ' ' }) {
				t.Fatalf("%q: word %q", s, w)
			}
		}
		q.Match(g)
	})
}
