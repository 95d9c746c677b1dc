package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// PostVectors is the text side of a build over a list of posts: the
// vocabulary in id order, each term's document frequency, and every post's
// text vector (term ids ascending, weights). It is what build computes from
// the posts' term counts — cutting or looking up every post's counts, the
// document frequencies, a logarithm and a norm per vector — about 0.9
// CPU-seconds of a `recommend --local` on the generated 23,771 open posts.
type PostVectors struct {
	Terms []string // by term id
	DF    []int32  // by term id
	// Has[i] is false for a post the build skipped (an earlier copy of an ID
	// seen again); IDs[i] and Weights[i] are then nil.
	Has     []bool
	IDs     [][]uint32
	Weights [][]float32
}

// VectorStore keeps a build's PostVectors between processes (cmd keeps
// them in the data directory: store/vectorcache), under a key of
// everything they are computed from but the Analyzer: the posts' IDs, their
// order and the texts the text feature reads (PostVectorsKey). A store is
// tied to one Analyzer, as a TermStore is. Only New's build asks it; the
// engine does not keep it.
type VectorStore interface {
	// Vectors returns what was put under key, if anything. The engine
	// checks it against the posts before it uses it (a damaged or foreign
	// value is a miss, never an answer) and does not change it.
	Vectors(key string) (*PostVectors, bool)
	// PutVectors hands over what a build computed under key; the slices
	// are shared with the engine and must not be changed.
	PutVectors(key string, v *PostVectors)
}

// postVectorsFormat names how build turns counts into vectors: a change
// to vectorizeCounts, idf or the texts' weights must change it (the
// binary's identity, which a VectorStore is tied to, changes with it too).
const postVectorsFormat = "jobmatch post vectors 1"

// PostVectorsKey is the key build looks its PostVectors up under: a
// SHA-256 of postVectorsFormat, the number of posts and, in order, every
// post's ID and the key of its texts (termKey). The posts' order is in it
// because the ids are handed out in first-seen order.
func PostVectorsKey(posts []matcher.Post) string {
	keys := make([]string, len(posts))
	parallelRange(len(posts), func(i int) {
		keys[i] = termKey(postTexts(&posts[i]))
	})
	h := sha256.New()
	h.Write([]byte(postVectorsFormat))
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(posts)))
	h.Write(n[:])
	for i := range posts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(posts[i].ID)))
		h.Write(n[:])
		h.Write([]byte(posts[i].ID))
		h.Write([]byte(keys[i]))
	}
	return string(h.Sum(nil))
}

// storedVectors returns the VectorStore's vectors for posts when it has
// them and they fit: one entry a post, skipped exactly where build skips
// (last), every id in the vocabulary and ascending, a weight each, the
// document frequencies those of the vectors, the vocabulary without
// repeats. It returns the term-id map too.
func (e *Engine) storedVectors(key string, posts []matcher.Post, last map[string]int) (*PostVectors, map[string]uint32, bool) {
	if e.vectors == nil {
		return nil, nil, false
	}
	v, ok := e.vectors.Vectors(key)
	if !ok || v == nil || len(v.Has) != len(posts) || len(v.IDs) != len(posts) || len(v.Weights) != len(posts) || len(v.DF) != len(v.Terms) {
		return nil, nil, false
	}
	df := make([]int32, len(v.Terms))
	for i := range posts {
		if v.Has[i] != (last[posts[i].ID] == i) {
			return nil, nil, false
		}
		ids := v.IDs[i]
		if len(v.Weights[i]) != len(ids) || !v.Has[i] && len(ids) > 0 {
			return nil, nil, false
		}
		for j, id := range ids {
			if int(id) >= len(df) || j > 0 && ids[j-1] >= id {
				return nil, nil, false
			}
			df[id]++
		}
	}
	if !slices.Equal(df, v.DF) {
		return nil, nil, false
	}
	termIDs := make(map[string]uint32, len(v.Terms))
	for i, t := range v.Terms {
		termIDs[t] = uint32(i)
	}
	if len(termIDs) != len(v.Terms) {
		return nil, nil, false
	}
	return v, termIDs, true
}

// useVectors makes v (checked by storedVectors) the engine's text side,
// as build's own pass would have left it.
func (e *Engine) useVectors(v *PostVectors, termIDs map[string]uint32) {
	e.termIDs, e.termStr = termIDs, slices.Clip(v.Terms)
	e.df = slices.Clone(v.DF) // counted on by later upserts
	e.postings = make([][]posting, len(v.Terms))
	for _, has := range v.Has {
		if has {
			e.live++
		}
	}
}

// putVectors hands the VectorStore what this build computed.
func (e *Engine) putVectors(key string, posts []matcher.Post, terms [][]uint32, weights [][]float32) {
	v := &PostVectors{Terms: slices.Clip(e.termStr), DF: slices.Clone(e.df),
		Has: make([]bool, len(posts)), IDs: terms, Weights: weights}
	for i := range terms {
		v.Has[i] = terms[i] != nil
	}
	e.vectors.PutVectors(key, v)
}
