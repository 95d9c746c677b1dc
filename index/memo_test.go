package index

import (
	"fmt"
	"slices"
	"testing"
)

func TestTokenMemoBounded(t *testing.T) {
	const size = 4
	m := newTokenMemo(size)
	toks := func(i int) []Token { return []Token{{Term: fmt.Sprint(i), Position: 1}} }
	for i := range 10 {
		m.put(fmt.Sprint("text", i), toks(i))
		if n := m.len(); n > size {
			t.Fatalf("after %d puts the memo holds %d texts, more than %d", i+1, n, size)
		}
	}
	// The oldest went first.
	for i := range 10 {
		_, ok := m.peek(fmt.Sprint("text", i))
		if want := i >= 10-size; ok != want {
			t.Errorf("text%d in the memo: %v, want %v", i, ok, want)
		}
	}
	got, ok := m.take("text9")
	if !ok || len(got) != 1 || got[0].Term != "9" {
		t.Fatalf("take(text9) = %v, %v", got, ok)
	}
	if _, ok := m.take("text9"); ok {
		t.Error("take gave text9 twice")
	}
	// A re-put text is one entry, and its stale ring slot does not evict
	// the fresh one.
	m.put("text8", toks(80))
	for i := range size - 1 {
		m.put(fmt.Sprint("new", i), toks(100+i))
	}
	if got, ok := m.peek("text8"); !ok || got[0].Term != "80" {
		t.Errorf("re-put text8 = %v, %v; want the new tokens", got, ok)
	}
	if n := m.len(); n > size {
		t.Errorf("memo holds %d texts, more than %d", n, size)
	}
	var nilMemo *tokenMemo
	nilMemo.put("x", nil)
	if _, ok := nilMemo.take("x"); ok {
		t.Error("a nil memo remembered")
	}
}

func TestTermsBeforeIndexing(t *testing.T) {
	s := segmenter(t)
	const text = "招聘会计2名，要求会计学专业本科及以上学历，熟练使用Excel"
	want := s.Terms(text)
	if _, ok := s.memo.peek(text); ok {
		t.Fatal("Terms left tokens in the memo: only texts about to be indexed go there")
	}
	if got := s.TermsBeforeIndexing(text); !slices.Equal(got, want) {
		t.Errorf("TermsBeforeIndexing = %q, Terms = %q", got, want)
	}
	if _, ok := s.memo.peek(text); !ok {
		t.Error("TermsBeforeIndexing did not keep the tokens for the tokenizer")
	}
	if _, err := Analyze(text); err != nil { // the tokenizer takes them
		t.Fatal(err)
	}
	if _, ok := s.memo.peek(text); ok {
		t.Error("the tokenizer left the tokens in the memo")
	}
	if !s.TermsReusedByIndex() {
		t.Error("the default segmenter's terms are not reused by the index")
	}
	other, err := NewSegmenter("工作 100 n\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if other.TermsReusedByIndex() {
		t.Error("a segmenter the index does not run on claims its terms are reused")
	}
}

// A short text (a title) goes to the tokenizer's cache of short texts, not
// the memo: titles repeat, and the cache keeps them for every post.
func TestTermsBeforeIndexingShort(t *testing.T) {
	s := segmenter(t)
	const text = "幼儿园教师（ＪＡＶＡ）"
	want := s.Terms(text)
	ref, err := Analyze(text)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if got := s.TermsBeforeIndexing(text); !slices.Equal(got, want) {
			t.Errorf("call %d: TermsBeforeIndexing = %q, Terms = %q", i, got, want)
		}
	}
	if _, ok := s.memo.peek(text); ok {
		t.Error("a short text went to the memo")
	}
	if _, ok := s.short[1].peek(text); !ok {
		t.Error("a short text is not in the short-text cache")
	}
	if got, err := Analyze(text); err != nil || !slices.Equal(got, ref) {
		t.Errorf("analyzer after TermsBeforeIndexing = %v (%v), before %v", got, err, ref)
	}
}
