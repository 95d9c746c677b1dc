package termcache

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"sync"

	"github.com/urumqi-hrss/jobmatch/store/cachefile"
)

// format names the file's layout; a file of another is ignored. Layout 2
// added each post's shown words (Cache.Shown); layout 3 is the same data
// in the package's own encoding (encoding.go) instead of gob's.
const format = "jobmatch-termcache-3"

// Cache is one file's term counts, used by an engine build (it satisfies
// engine.TermStore) and then saved.
type Cache struct {
	path, analyzer string

	mu     sync.Mutex
	vocab  []string                      // the file's terms
	old    map[string]entry              // read from the file, by key
	used   map[string]map[string]float64 // asked for or put since Open; nil: old's or sorted's
	sorted map[string]sortedEntry        // put sorted since Open (PutSorted, PutRanked), not asked as a map since
	ranked map[*string]*rankedVocab      // PutRanked's vocabularies, by their first term's address
	misses int                           // counts put since Open (or the last Save)
	shown  map[string][]string           // shown words put since Open
	shownN int                           // shown words put since Open (or the last Save)
}

// entry is one post's counts: term ids into the file's vocabulary; and,
// when HasShown, which of its terms are words its title and description
// show (Shown, ids too).
type entry struct {
	Terms    []uint32
	Counts   []float64
	HasShown bool
	Shown    []uint32
}

// sortedEntry is one post's counts put sorted by term: the terms
// themselves (PutSorted), or ids into a vocabulary many posts' counts share
// (PutRanked).
type sortedEntry struct {
	terms  []string
	counts []float64
	vocab  *rankedVocab
	ids    []uint32
}

// rankedVocab is a vocabulary of PutRanked: strictly sorted terms.
type rankedVocab struct{ terms []string }

// termStrings is the entry's terms.
func (se sortedEntry) termStrings() []string {
	if se.vocab == nil {
		return se.terms
	}
	ts := make([]string, len(se.ids))
	for i, id := range se.ids {
		ts[i] = se.vocab.terms[id]
	}
	return ts
}

// file is the layout on disk.
type file struct {
	Format, Analyzer string
	Vocab            []string
	Keys             []string
	Entries          []entry
}

// Open reads the cache at path, made by analyzer. A missing, unreadable or
// foreign file (another format or analyzer) gives an empty cache and the
// reason it was not used (nil when the file is simply not there yet).
func Open(path, analyzer string) (*Cache, error) {
	c := &Cache{path: path, analyzer: analyzer, old: map[string]entry{}, used: map[string]map[string]float64{}, sorted: map[string]sortedEntry{}, ranked: map[*string]*rankedVocab{}, shown: map[string][]string{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("term cache %s: %w", path, err)
	}
	d, err := decode(b)
	switch {
	case errors.Is(err, errFormat):
		return c, fmt.Errorf("term cache %s: %w: ignored", path, err)
	case err != nil:
		return c, fmt.Errorf("term cache %s: not readable, ignored: %w", path, err)
	case d.Analyzer != analyzer:
		return c, nil // cut by another build of jobmatch: cut again
	case len(d.Keys) != len(d.Entries):
		return c, fmt.Errorf("term cache %s: %d keys for %d entries: ignored", path, len(d.Keys), len(d.Entries))
	}
	for i, e := range d.Entries {
		if len(e.Terms) != len(e.Counts) || !inVocab(e.Terms, len(d.Vocab)) || !inVocab(e.Shown, len(d.Vocab)) {
			return c, fmt.Errorf("term cache %s: entry %d is damaged: ignored", path, i)
		}
	}
	c.vocab = d.Vocab
	c.old = make(map[string]entry, len(d.Keys))
	for i, k := range d.Keys {
		c.old[k] = d.Entries[i]
	}
	return c, nil
}

func inVocab(ids []uint32, n int) bool {
	for _, id := range ids {
		if int(id) >= n {
			return false
		}
	}
	return true
}

// Terms returns the counts kept under key (engine.TermStore). The map is
// built outside the lock: a build asks from every core at once, and
// building under it made the workers take turns.
func (c *Cache) Terms(key string) (map[string]float64, bool) {
	c.mu.Lock()
	if tf := c.used[key]; tf != nil {
		c.mu.Unlock()
		return tf, true
	}
	se, sorted := c.sorted[key]
	e, ok := c.old[key]
	c.mu.Unlock()
	var tf map[string]float64
	switch {
	case sorted:
		ts := se.termStrings()
		tf = make(map[string]float64, len(ts))
		for i, t := range ts {
			tf[t] = se.counts[i]
		}
	case ok:
		tf = make(map[string]float64, len(e.Terms))
		for i, id := range e.Terms {
			tf[c.vocab[id]] = e.Counts[i]
		}
	default:
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept := c.used[key]; kept != nil {
		return kept, true // asked twice at once: both get the first
	}
	c.used[key] = tf // a sorted entry stays: Save writes it, the same counts
	return tf, true
}

// SortedTerms returns the counts the file holds under key, sorted by term
// (engine.SortedTermStore): Save writes every entry so, and the engine
// checks the order. The counts slice is the cache's: read only.
func (c *Cache) SortedTerms(key string) ([]string, []float64, bool) {
	c.mu.Lock()
	if se, ok := c.sorted[key]; ok {
		c.mu.Unlock()
		// The strings built outside the lock, as Terms builds its map: a
		// build asks from every core at once. An entry is never changed
		// once put, so the copy read under the lock stays valid.
		return se.termStrings(), se.counts, true // read only, as the file's are
	}
	defer c.mu.Unlock()
	if tf := c.used[key]; tf != nil {
		return nil, nil, false // put or asked as a map: Terms answers
	}
	// A nil mark is an entry already asked this way (or put sorted, which
	// the branch above answered): asked again — a later build on the same
	// cache, or a post repeating another's texts — it reads the file again.

	e, ok := c.old[key]
	if !ok {
		return nil, nil, false
	}
	ts := make([]string, len(e.Terms))
	for i, id := range e.Terms {
		ts[i] = c.vocab[id]
	}
	c.used[key] = nil // used: Save keeps the file's entry
	return ts, e.Counts, true
}

// Put keeps counts cut by the engine (engine.TermStore).
func (c *Cache) Put(key string, tf map[string]float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[key] = tf
	delete(c.sorted, key)
	c.misses++
}

// PutSorted keeps counts cut by the engine, sorted by term with each term
// once (engine.SortedPutter): Save writes them in this order without
// sorting them again. Both slices are the cache's from then on.
func (c *Cache) PutSorted(key string, terms []string, counts []float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[key] = nil
	c.sorted[key] = sortedEntry{terms: terms, counts: counts}
	c.misses++
}

// PutRanked keeps counts cut by the engine as ids into terms, a strictly
// sorted vocabulary shared by many posts' counts (engine.RankedPutter):
// counts[i] is the count of terms[ids[i]], the ids strictly increasing.
// Save then maps each term of the vocabulary to the file's id once, not
// once for every post using it, and the cache holds no string per term
// of every post. The slices are the cache's from then on.
func (c *Cache) PutRanked(key string, terms []string, ids []uint32, counts []float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var v *rankedVocab
	if len(terms) > 0 {
		if v = c.ranked[&terms[0]]; v == nil || len(v.terms) != len(terms) {
			v = &rankedVocab{terms: terms}
			c.ranked[&terms[0]] = v
		}
	}
	c.used[key] = nil
	c.sorted[key] = sortedEntry{counts: counts, vocab: v, ids: ids}
	c.misses++
}

// Shown returns the words of a post's title and description that are
// among its terms, as the engine's explanations compare them
// (engine.ShownStore), kept under the post's key.
func (c *Cache) Shown(key string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ws, ok := c.shown[key]; ok {
		return ws, true
	}
	e, ok := c.old[key]
	if !ok || !e.HasShown {
		return nil, false
	}
	ws := make([]string, len(e.Shown))
	for i, id := range e.Shown {
		ws[i] = c.vocab[id]
	}
	c.shown[key] = ws
	return ws, true
}

// PutShown keeps a post's shown words (engine.ShownStore).
func (c *Cache) PutShown(key string, words []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shown[key] = words
	c.shownN++
}

// Len is how many posts' counts the cache has handed out or been given
// since Open, and how many of them it did not have.
func (c *Cache) Len() (used, cut int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.used), c.misses
}

// ShownCut is how many posts' shown words were put since Open (or the
// last Save): cut by the engine, not found in the file.
func (c *Cache) ShownCut() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shownN
}

// Save writes the counts used since Open when any were cut anew or the
// file held others (posts since removed); otherwise the file is already
// what it would write, and Save does nothing.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.misses == 0 && c.shownN == 0 && len(c.old) == len(c.used) {
		return nil
	}
	d := file{Format: format, Analyzer: c.analyzer, Vocab: make([]string, 0, len(c.vocab)),
		Keys: make([]string, 0, len(c.used)), Entries: make([]entry, 0, len(c.used))}
	ids := make(map[string]uint32, len(c.vocab))
	// fileIDs[v][i] is 1 + the file's id of v.terms[i], 0 until met.
	fileIDs := make(map[*rankedVocab][]uint32, len(c.ranked))
	intern := func(t string) uint32 {
		id, ok := ids[t]
		if !ok {
			id = uint32(len(d.Vocab))
			ids[t] = id
			d.Vocab = append(d.Vocab, t)
		}
		return id
	}
	for k, tf := range c.used {
		var e entry
		if se, ok := c.sorted[k]; ok && se.vocab != nil {
			e.Terms, e.Counts = make([]uint32, len(se.ids)), se.counts
			f := fileIDs[se.vocab]
			if f == nil {
				f = make([]uint32, len(se.vocab.terms))
				fileIDs[se.vocab] = f
			}
			for i, id := range se.ids {
				if f[id] == 0 {
					f[id] = intern(se.vocab.terms[id]) + 1
				}
				e.Terms[i] = f[id] - 1
			}
		} else if ok {
			e.Terms, e.Counts = make([]uint32, len(se.terms)), se.counts
			for i, t := range se.terms {
				e.Terms[i] = intern(t)
			}
		} else if o, ok := c.old[k]; tf == nil && ok {
			// The file's entry, in its order (sorted), onto the new vocabulary.
			e.Terms, e.Counts = make([]uint32, len(o.Terms)), o.Counts
			for i, id := range o.Terms {
				e.Terms[i] = intern(c.vocab[id])
			}
		} else {
			e.Terms, e.Counts = make([]uint32, 0, len(tf)), make([]float64, 0, len(tf))
			for _, t := range slices.Sorted(maps.Keys(tf)) {
				e.Terms = append(e.Terms, intern(t))
				e.Counts = append(e.Counts, tf[t])
			}
		}
		if ws, ok := c.shown[k]; ok {
			e.HasShown, e.Shown = true, make([]uint32, len(ws))
			for i, w := range ws {
				e.Shown[i] = intern(w)
			}
		} else if o, ok := c.old[k]; ok && o.HasShown {
			e.HasShown, e.Shown = true, make([]uint32, len(o.Shown))
			for i, id := range o.Shown {
				e.Shown[i] = intern(c.vocab[id])
			}
		}
		d.Keys = append(d.Keys, k)
		d.Entries = append(d.Entries, e)
	}
	if err := cachefile.Write(c.path, func(w *bufio.Writer) error { return encode(w, &d) }); err != nil {
		return fmt.Errorf("term cache %s: %w", c.path, err)
	}
	c.misses, c.shownN = 0, 0
	return nil
}
