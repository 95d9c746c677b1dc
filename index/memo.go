package index

import "sync"

// memoSize bounds the token memo: the importer segments a chunk of posts
// (1,000 posts, a title and a description each) for near-duplicate linking
// while up to two earlier chunks wait to be indexed, so 8,192 texts cover
// the lag with room to spare. At about 5 KiB of tokens for a 200-character
// description that is at most some 40 MiB, and in practice far less: the
// tokenizer takes every entry it uses out of the memo.
const memoSize = 8192

// shortText is the longest text (in bytes: 21 Chinese characters) whose
// tokens the tokenizer caches, and shortCacheSize how many such texts a
// cache holds: employers, majors, skills and occupation names recur from
// post to post. 16,384 entries of a few tokens each are a few MiB.
const (
	shortText      = 64
	shortCacheSize = 16384
)

// tokenMemo keeps the zh_gse tokens of recently segmented texts, so that
// the index's tokenizer does not segment again a text that
// TermsBeforeIndexing has just segmented. It is bounded: a ring of the last
// memoSize insertions, the oldest evicted first. Analysis is a pure
// function of the text, so a hit gives exactly what segmenting would.
type tokenMemo struct {
	mu   sync.Mutex
	m    map[string]memoEntry
	ring []memoKey
	next int
	seq  uint64
}

type memoEntry struct {
	toks []Token
	seq  uint64
	slot int
}

type memoKey struct {
	text string
	seq  uint64
}

func newTokenMemo(size int) *tokenMemo {
	return &tokenMemo{m: make(map[string]memoEntry, size), ring: make([]memoKey, size)}
}

// put records text's tokens, evicting the oldest entry when full.
func (m *tokenMemo) put(text string, toks []Token) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.ring[m.next]
	if e, ok := m.m[old.text]; ok && e.seq == old.seq {
		delete(m.m, old.text)
	}
	m.seq++
	m.ring[m.next] = memoKey{text: text, seq: m.seq}
	m.m[text] = memoEntry{toks: toks, seq: m.seq, slot: m.next}
	m.next = (m.next + 1) % len(m.ring)
}

// peek returns text's tokens if they are in the memo.
func (m *tokenMemo) peek(text string) ([]Token, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[text]
	return e.toks, ok
}

// take returns text's tokens and removes them from the memo: a text is
// indexed once, and its entry should not hold memory until it is evicted.
func (m *tokenMemo) take(text string) ([]Token, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[text]
	if !ok {
		return nil, false
	}
	delete(m.m, text)
	if m.ring[e.slot].seq == e.seq {
		m.ring[e.slot] = memoKey{}
	}
	return e.toks, true
}

// len is the number of texts in the memo.
func (m *tokenMemo) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}
