package engine

import (
	"slices"
	"strings"
	"sync/atomic"

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
// With a TermIDAnalyzer the counts are made from term ids (countTermIDs),
// the same counts to the bit.
func CountTerms(posts []matcher.Post, an matcher.Analyzer, ts TermStore, progress func(done, total int)) {
	if an == nil {
		an = BigramAnalyzer{}
	}
	e := &Engine{an: an, terms: ts, progress: progress}
	last := make(map[string]int, len(posts))
	for i := range posts {
		last[posts[i].ID] = i // the later copy wins, as in build
	}
	if ia, ok := an.(TermIDAnalyzer); ok && ts != nil {
		e.countTermIDs(posts, last, ia)
		return
	}
	e.segmentPosts(posts, last, false) // the store keeps them; no second copy here
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

// idPost is a post countTermIDs counts: its TermStore key and each text's
// term ids, in postTexts's order.
type idPost struct {
	key string
	ids [][]uint32
}

// countTermIDs is CountTerms for a TermIDAnalyzer. Every term id the
// counted posts use is normalised once (usefulTerm) and ranked by its
// normalised term in the order sortedTermCounts sorts by; a post's terms
// are then (rank, weight) pairs sorted as integers, equal ranks summed.
// The sums are of small integers, exact in any order, and the terms come
// out in strings.Compare order each once: sortedTermCounts's counts to the
// bit.
func (e *Engine) countTermIDs(posts []matcher.Post, last map[string]int, an TermIDAnalyzer) {
	// The posts' ids, on every core: the analyzer cuts the texts it has
	// not kept (a post's majors, skills and certificates, each joined).
	todo := make([]*idPost, len(posts)) // nil: an earlier copy, or counts the store has
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
	_, weights := postTexts(&matcher.Post{}) // every post's texts weigh the same

	// rank[id] is 0 for an id no counted post uses, -1 for one whose term
	// does not count (usefulTerm), else 1 + the rank of its normalised term
	// among terms.
	vocab := an.Vocabulary()
	rank := make([]int32, len(vocab))
	var met []uint32
	keys := make(map[string]bool, len(todo))
	for j, ip := range todo {
		if ip == nil {
			continue
		}
		if keys[ip.key] {
			todo[j] = nil // posts with the same texts: counted once
			continue
		}
		keys[ip.key] = true
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
	terms := make([]string, 0, len(norm))
	for _, x := range norm {
		if len(terms) == 0 || terms[len(terms)-1] != x.term {
			terms = append(terms, x.term)
		}
		rank[x.id] = int32(len(terms))
	}

	var done atomic.Int64
	parallelRange(len(todo), func(j int) {
		ip := todo[j]
		if ip != nil {
			ts, ns := rankedCounts(ip.ids, weights, rank, terms)
			e.putSortedCounts(ip.key, ts, ns)
		}
		if n := done.Add(1); e.progress != nil && (n%segmentBatch == 0 || int(n) == len(todo)) {
			e.progress(int(n), len(todo))
		}
	})
}

// rankedCounts is the sorted term counts of texts whose term ids are ids,
// each text's terms counting its weight, by the ranks and terms of
// countTermIDs.
func rankedCounts(ids [][]uint32, weights []int, rank []int32, terms []string) ([]string, []float64) {
	var n int
	for _, t := range ids {
		n += len(t)
	}
	// rank << 32 | weight: sorted as integers, by rank first.
	pairs := make([]uint64, 0, n)
	for i, t := range ids {
		for _, id := range t {
			if r := rank[id]; r > 0 {
				pairs = append(pairs, uint64(r-1)<<32|uint64(weights[i]))
			}
		}
	}
	slices.Sort(pairs)
	distinct := 0
	for k := range pairs {
		if k == 0 || pairs[k]>>32 != pairs[k-1]>>32 {
			distinct++
		}
	}
	// Sized exactly: the store keeps them until it is saved.
	ts, ns := make([]string, 0, distinct), make([]float64, 0, distinct)
	for k := 0; k < len(pairs); {
		r := pairs[k] >> 32
		var sum uint64
		for ; k < len(pairs) && pairs[k]>>32 == r; k++ {
			sum += pairs[k] & (1<<32 - 1)
		}
		ts, ns = append(ts, terms[r]), append(ns, float64(sum))
	}
	return ts, ns
}
