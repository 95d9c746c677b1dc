package engine

import (
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// CountTerms gives ts the term counts an engine build over posts would ask
// it for, cutting with an only the posts whose texts ts lacks, on every
// core. An import calls it after writing posts, so that the next build
// (`jobmatch recommend --local`, the batch, a starting server) finds every
// post cut already instead of paying for the cut itself. The counts are
// the build's own (postTermCounts, the same key), so a build from them
// answers exactly as one that cut the texts. progress, if set, hears how
// many posts are done.
//
// With a TermIDAnalyzer the counts are made from term ids (TermCounter's
// Finish), the same counts to the bit.
func CountTerms(posts []matcher.Post, an matcher.Analyzer, ts TermStore, progress func(done, total int)) {
	c := NewTermCounter(an, ts)
	c.e.progress = progress
	c.Add(posts)
	c.Finish()
}

// TermCounter is CountTerms for posts that arrive in batches (a store's
// posts as they are read), their terms ranked once at the end: CountTerms
// on each batch ranked the whole vocabulary again for every one.
// The counts put are CountTerms's to the bit. Add may be called from
// several goroutines; no post ID may come in two batches.
type TermCounter struct {
	e    *Engine
	ia   TermIDAnalyzer // nil: each batch counted as it is added
	mu   sync.Mutex
	todo []*idPost
	keys map[string]bool
}

// NewTermCounter counts for ts, cutting with an (nil: BigramAnalyzer).
func NewTermCounter(an matcher.Analyzer, ts TermStore) *TermCounter {
	if an == nil {
		an = BigramAnalyzer{}
	}
	c := &TermCounter{e: &Engine{an: an, terms: ts}, keys: map[string]bool{}}
	if ia, ok := an.(TermIDAnalyzer); ok && ts != nil {
		c.ia = ia
	}
	return c
}

// Add cuts the texts of posts the TermStore lacks counts for; their counts
// are put by Finish (without a TermIDAnalyzer, here).
func (c *TermCounter) Add(posts []matcher.Post) {
	last := make(map[string]int, len(posts))
	for i := range posts {
		last[posts[i].ID] = i
	}
	if c.ia == nil {
		c.e.segmentPosts(posts, last, false)
		return
	}
	todo := c.e.postIDs(posts, last, c.ia)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ip := range todo {
		if ip != nil && !c.keys[ip.key] { // posts with the same texts: counted once
			c.keys[ip.key] = true
			c.todo = append(c.todo, ip)
		}
	}
}

// Finish puts the counts of the posts added, from their term ids. Every
// term id the counted posts use is normalised once (usefulTerm) and ranked by its
// normalised term in the order sortedTermCounts sorts by; a post's
// weights are then summed by rank (rankCounter), read out in rank order.
// The sums are of small integers, exact in any order, and the terms come
// out in strings.Compare order each once: sortedTermCounts's counts to the
// bit.
func (c *TermCounter) Finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ia == nil || len(c.todo) == 0 {
		return
	}
	rank, terms := rankTerms(c.todo, c.ia.Vocabulary())
	c.e.putRankedCounts(c.todo, rank, terms)
	c.todo, c.keys = nil, map[string]bool{}
}

// TermIDAnalyzer is an Analyzer that keeps the terms of the texts it cuts
// as ids into one vocabulary (`ingest posts` keeps those of every text it
// cut, cmd/jobmatch). CountTerms then counts a post's terms as numbers:
// handing out every term of every post as a string, normalising it and
// sorting a post's terms by string comparison was most of the counting
// once the texts were cut.
type TermIDAnalyzer interface {
	matcher.Analyzer
	// TermIDs is Terms(text) as ids into Vocabulary. The slice is the
	// analyzer's: the caller only reads it.
	TermIDs(text string) []uint32
	// Vocabulary is the terms the ids handed out so far stand for; it
	// never changes (an id handed out later may lie past its end).
	Vocabulary() []string
}

// idPost is a post a TermCounter counts: its TermStore key and each text's
// term ids, in postTexts's order.
type idPost struct {
	key string
	ids [][]uint32
}

// postIDs is, on every core, each post's key and its texts' term ids: nil
// for an earlier copy of a post ID, or a post whose counts the store has.
// The analyzer cuts the texts it has not kept (a post's majors, skills and
// certificates, each list joined).
func (e *Engine) postIDs(posts []matcher.Post, last map[string]int, an TermIDAnalyzer) []*idPost {
	todo := make([]*idPost, len(posts))
	parallelRange(len(posts), func(j int) {
		p := &posts[j]
		if last[p.ID] != j {
			return
		}
		texts, reps := postTexts(p)
		key := termKey(texts, reps)
		if _, ok := e.storedTermCounts(key); ok {
			return
		}
		ip := &idPost{key: key, ids: make([][]uint32, len(texts))}
		for i, t := range texts {
			if t != "" {
				ip.ids[i] = an.TermIDs(t)
			}
		}
		todo[j] = ip
	})
	return todo
}

// rankTerms ranks the terms of vocab the posts of todo use: rank[id] is 0
// for an id none uses, -1 for one whose term does not count (usefulTerm),
// else 1 + the index in terms of its normalised term; terms is every
// normalised term once, in strings.Compare order.
func rankTerms(todo []*idPost, vocab []string) (rank []int32, terms []string) {
	rank = make([]int32, len(vocab))
	var met []uint32
	for _, ip := range todo {
		if ip == nil {
			continue
		}
		for _, ids := range ip.ids {
			for _, id := range ids {
				if rank[id] == 0 {
					rank[id] = -1
					met = append(met, id)
				}
			}
		}
	}
	type normalised struct {
		term string
		id   uint32
	}
	norm := make([]normalised, 0, len(met))
	for _, id := range met {
		if t, ok := usefulTerm(vocab[id]); ok {
			norm = append(norm, normalised{t, id})
		}
	}
	slices.SortFunc(norm, func(a, b normalised) int { return strings.Compare(a.term, b.term) })
	terms = make([]string, 0, len(norm))
	for _, x := range norm {
		if len(terms) == 0 || terms[len(terms)-1] != x.term {
			terms = append(terms, x.term)
		}
		rank[x.id] = int32(len(terms))
	}
	return rank, terms
}

// putRankedCounts sums the posts of todo by rank on every core and hands
// each post's counts to the TermStore: as ids into terms to a
// RankedPutter, as terms to another.
func (e *Engine) putRankedCounts(todo []*idPost, rank []int32, terms []string) {
	_, weights := postTexts(&matcher.Post{}) // every post's texts weigh the same
	parallelBatches(len(todo), func() func(lo, hi int) {
		rc := newRankCounter(len(terms))
		return func(lo, hi int) {
			for _, ip := range todo[lo:hi] {
				if ip == nil {
					continue
				}
				ranks, ns := rc.counts(ip.ids, weights, rank)
				if rp, ok := e.terms.(RankedPutter); ok {
					rp.PutRanked(ip.key, terms, ranks, ns)
					continue
				}
				ts := make([]string, len(ranks))
				for k, r := range ranks {
					ts[k] = terms[r]
				}
				e.putSortedCounts(ip.key, ts, ns)
			}
		}
	}, e.progress)
}

// rankCounter sums a post's term weights by rank (countTermIDs), one per
// worker: the sums by rank and a bitset of the ranks met, so the counts
// come out in rank order, which is term order, without sorting them.
type rankCounter struct {
	sum []int
	met []uint64 // bit r%64 of word r/64: rank r met
}

func newRankCounter(ranks int) *rankCounter {
	return &rankCounter{sum: make([]int, ranks), met: make([]uint64, (ranks+63)/64)}
}

// counts is the term counts of texts whose term ids are ids, each text's
// terms counting its weight, as the ranks of countTermIDs in increasing
// order (term order) and their counts; it leaves rc empty again.
func (rc *rankCounter) counts(ids [][]uint32, weights []int, rank []int32) ([]uint32, []float64) {
	lo, hi, distinct := len(rc.met), -1, 0
	for i, t := range ids {
		for _, id := range t {
			r := int(rank[id]) - 1
			if r < 0 {
				continue
			}
			if rc.sum[r] == 0 { // every weight is at least 1
				distinct++
				rc.met[r/64] |= 1 << (r % 64)
				lo, hi = min(lo, r/64), max(hi, r/64)
			}
			rc.sum[r] += weights[i]
		}
	}
	// Sized exactly: the store keeps them until it is saved.
	ranks, ns := make([]uint32, 0, distinct), make([]float64, 0, distinct)
	for w := lo; w <= hi; w++ {
		for b := rc.met[w]; b != 0; b &= b - 1 {
			r := w*64 + bits.TrailingZeros64(b)
			ranks, ns = append(ranks, uint32(r)), append(ns, float64(rc.sum[r]))
			rc.sum[r] = 0
		}
		rc.met[w] = 0
	}
	return ranks, ns
}
