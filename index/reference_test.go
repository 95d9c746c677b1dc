package index

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// This file keeps the first implementation of the tokenizer, built on
// gse's own Segment (shortest-path mode), as the reference the faster
// segmenter in segmenter.go is held to: same words, same sub-words, same
// offsets and positions (see TestSegmentsMatchGse and FuzzSegmentsMatchGse).

type refSegment struct {
	start, end int
	text       string
	subs       []refSegment
}

func (s *Segmenter) refSegments(text string) []refSegment {
	s.gseReady() // gse.Segment needs CalcToken's path lengths and sub-segments
	folded, orig := foldWidthRef(text)
	segs := s.seg.Segment([]byte(folded))
	out := make([]refSegment, 0, len(segs))
	at := func(a, b int) refSegment {
		sg := refSegment{start: a, end: b, text: folded[a:b]}
		if orig != nil {
			sg.start, sg.end = orig[a], orig[b]
		}
		return sg
	}
	for i := range segs {
		a, b := segs[i].Start(), segs[i].End()
		sg := at(a, b)
		var walk func(tok *gse.Token, base, end, depth int)
		walk = func(tok *gse.Token, base, end, depth int) {
			if tok == nil || depth > 2 {
				return
			}
			for _, sub := range tok.Segments() {
				sa, sb := base+sub.Start(), base+sub.End()
				if sb-sa >= end-base || sb > end {
					continue
				}
				sg.subs = append(sg.subs, at(sa, sb))
				walk(sub.Token(), sa, sb, depth+1)
			}
		}
		walk(segs[i].Token(), a, b, 1)
		out = append(out, sg)
	}
	return out
}

// foldWidthRef is the original width folding with a full offset map.
func foldWidthRef(text string) (string, []int) {
	clean := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if (r == utf8.RuneError && n == 1) || (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return text, nil
	}
	var b []byte
	orig := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && n == 1, r == 0x3000:
			b = append(b, ' ')
			orig = append(orig, i)
		case r >= 0xFF01 && r <= 0xFF5E:
			b = append(b, byte(r-0xFEE0))
			orig = append(orig, i)
		default:
			b = append(b, text[i:i+n]...)
			for k := 0; k < n; k++ {
				orig = append(orig, i)
			}
		}
		i += n
	}
	orig = append(orig, len(text))
	return string(b), orig
}

func (s *Segmenter) refTokens(text string, subwords bool) []Token {
	segs := s.refSegments(text)
	out := make([]Token, 0, len(segs))
	pos := 0
	for _, sg := range segs {
		if !hasLetter(sg.text) {
			continue
		}
		pos++
		term := lower(sg.text)
		out = append(out, Token{Term: term, Start: sg.start, End: sg.end, Position: pos})
		if !subwords {
			continue
		}
		first := len(out) - 1
		for _, sub := range sg.subs {
			if utf8.RuneCountInString(sub.text) < 2 || !hasLetter(sub.text) {
				continue
			}
			st := lower(sub.text)
			if s.stop[st] || slices.ContainsFunc(out[first:], func(t Token) bool { return t.Term == st }) {
				continue
			}
			out = append(out, Token{Term: st, Start: sub.start, End: sub.end, Position: pos})
		}
	}
	return out
}

func (s *Segmenter) refCut(text string) []string {
	var out []string
	for _, sg := range s.refSegments(text) {
		w := text[sg.start:sg.end]
		if strings.TrimSpace(w) == "" || !utf8.ValidString(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}
