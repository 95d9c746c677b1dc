package synth

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Streams keep the row generators of the three files independent: adding a
// field to graduates must not change a single post.
const (
	streamPlan uint64 = iota + 1
	streamEmployers
	streamPosts
	streamDuplicates
	streamCourses
	streamGraduates
)

// rowRNG returns the generator of one row. Every row has its own PCG stream
// derived from (seed, stream, index), so a row depends only on its index:
// output is reproducible byte for byte, and changing Posts does not reshuffle
// the rows that remain.
func rowRNG(seed int64, stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(uint64(seed)^stream*0x9E3779B97F4A7C15), mix(i*0xBF58476D1CE4E5B9+stream)))
}

// mix is SplitMix64's finaliser: nearby seeds give unrelated streams.
func mix(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns an int uniformly in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// weighted picks an index with probability proportional to w[i].
func weighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	if total <= 0 {
		return r.IntN(len(w))
	}
	x := r.Float64() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// sample returns k distinct elements of xs in random order (all of them
// when k >= len(xs)).
func sample[T any](r *rand.Rand, xs []T, k int) []T {
	if k > len(xs) {
		k = len(xs)
	}
	idx := r.Perm(len(xs))[:k]
	out := make([]T, k)
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// wpick is a weighted choice over labelled items.
type wpick[T any] struct {
	items []T
	w     []float64
}

func (p wpick[T]) get(r *rand.Rand) T { return p.items[weighted(r, p.w)] }

// dedupe keeps the first occurrence of each string, preserving order.
func dedupe(xs []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if x == "" {
			continue
		}
		dup := false
		for _, y := range out {
			if y == x {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// isCertificate tells a certificate or licence from a skill in the mixed
// skill lists of the catalogue ("初级会计职称;财务分析;Excel").
func isCertificate(s string) bool {
	for _, k := range []string{"证", "职称", "资格", "等级", "四级", "六级", "执照", "执业", "CET", "驾照", "PMP", "CPA"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}
