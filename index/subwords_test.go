package index

import "testing"

// TestSubwordsMatchCalcToken holds the sub-segments computed on first use
// (subwordsOf) to gse's own, which CalcToken computes for every word at
// load: for every word of the dictionary, the same segments at the same
// byte offsets with the same dictionary tokens.
func TestSubwordsMatchCalcToken(t *testing.T) {
	s, err := NewSegmenter(dictZh, DomainWords())
	if err != nil {
		t.Fatal(err)
	}
	if !s.FastPath() {
		t.Fatal("the side table failed its check: the fast path (and subwordsOf) is not in use")
	}
	s.gseReady()
	withSubs := 0
	for i := range s.dictTokens {
		tok := &s.dictTokens[i]
		got, ok := s.subwordsOf(tok)
		if !ok {
			t.Fatalf("word %q: no sub-segments computed", tok.Text())
		}
		want := tok.Segments()
		if len(got) != len(want) {
			t.Fatalf("word %q: %d sub-segments, gse %d", tok.Text(), len(got), len(want))
		}
		for k, w := range want {
			g := got[k]
			if g.start != w.Start() || g.end != w.End() {
				t.Fatalf("word %q sub-segment %d: bytes %d-%d, gse %d-%d", tok.Text(), k, g.start, g.end, w.Start(), w.End())
			}
			wi := s.tokenIndex(w.Token())
			if int(g.tok) != wi {
				t.Fatalf("word %q sub-segment %d (%q): token %d, gse %d", tok.Text(), k, w.Token().Text(), g.tok, wi)
			}
		}
		if len(want) > 0 {
			withSubs++
		}
	}
	if withSubs < len(s.dictTokens)/4 {
		t.Fatalf("only %d of %d words have sub-segments: the comparison compared little", withSubs, len(s.dictTokens))
	}
	t.Logf("%d words, %d with sub-segments: all as gse's", len(s.dictTokens), withSubs)
}
