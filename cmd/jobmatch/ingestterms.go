package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// keptTerms is the segmenter as `ingest posts` hands it to the importer: it
// keeps the terms of every text the importer cuts before indexing (each
// post's title and description, for near-duplicate linking), so that the
// engine's term counts written after the import (saveEngineTerms) take
// them instead of cutting those texts a second time. Terms and
// TermsBeforeIndexing give the same terms for a text (both are the zh_gse
// analyzer's output), so a kept text answers Terms too.
//
// A text's terms are kept as ids into one vocabulary of the import's
// terms: kept as the segmenter's strings (a slice header and a string of
// their own each) they were 85 MB of the import's live heap on the
// generated set, growing to its end and marked by every collection; as
// ids they are a fifth of that.
type keptTerms struct {
	*index.Segmenter
	mu    sync.Mutex
	kept  map[string][]uint32 // text → its terms, as ids into vocab
	ids   map[string]uint32
	vocab []string
}

func newKeptTerms(seg *index.Segmenter) *keptTerms {
	return &keptTerms{Segmenter: seg, kept: map[string][]uint32{}, ids: map[string]uint32{}}
}

// TermsBeforeIndexing cuts text for the index's tokenizer and keeps its
// terms. The slice is clipped, as Terms's: a caller appending to it must
// not write into the segmenter's.
func (k *keptTerms) TermsBeforeIndexing(text string) []string {
	ts := slices.Clip(k.Segmenter.TermsBeforeIndexing(text))
	k.keep(text, ts)
	return ts
}

// keep keeps text's terms ts, and returns them as ids.
func (k *keptTerms) keep(text string, ts []string) []uint32 {
	ids := make([]uint32, len(ts))
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, t := range ts {
		id, ok := k.ids[t]
		if !ok {
			// A copy: the segmenter's string may share memory with more
			// than the term.
			t = strings.Clone(t)
			id = uint32(len(k.vocab))
			k.ids[t] = id
			k.vocab = append(k.vocab, t)
		}
		ids[i] = id
	}
	k.kept[text] = ids
	return ids
}

// Terms is a kept text's terms, or the segmenter's, kept too: the other
// texts the engine counts (a post's majors, skills and certificates, each
// list joined) are short and repeat from post to post, and cutting them
// was half of saveEngineTerms's segmentation.
func (k *keptTerms) Terms(text string) []string {
	k.mu.Lock()
	ids, ok := k.kept[text]
	var ts []string
	if ok {
		ts = make([]string, len(ids))
		for i, id := range ids {
			ts[i] = k.vocab[id]
		}
	}
	k.mu.Unlock()
	if ok {
		return ts
	}
	ts = slices.Clip(k.Segmenter.Terms(text))
	k.keep(text, ts)
	return ts
}

// TermIDs is Terms as ids into Vocabulary (engine.TermIDAnalyzer): the
// engine's counts after the import are then made from the ids kept, with
// no string handed out per term.
func (k *keptTerms) TermIDs(text string) []uint32 {
	k.mu.Lock()
	ids, ok := k.kept[text]
	k.mu.Unlock()
	if ok {
		return ids
	}
	return k.keep(text, k.Segmenter.Terms(text))
}

// Vocabulary is the terms the ids handed out so far stand for
// (engine.TermIDAnalyzer). The vocabulary is only appended to, so the
// slice stays what it is.
func (k *keptTerms) Vocabulary() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clip(k.vocab)
}

// saveEngineTerms writes the data directory's engine term cache for the
// posts open now, right after an import changed the posts: the first
// `jobmatch recommend --local` (or batch, or server start) after an import
// then finds every post cut, where it used to cut the new ones itself
// (2.7 s against 1.4–1.6 s on the generated set). Texts the import cut
// come from an (keptTerms); the cache only saves time, so a failure is a
// warning and never fails the import.
func (m *Main) saveEngineTerms(ctx context.Context, st engine.Source, an matcher.Analyzer, indexed *indexedPosts, progress bool) {
	start := time.Now()
	var eo engine.Options
	save := m.openTermCache()(&eo)
	if eo.Terms == nil {
		return // no data directory: no cache
	}
	var bar *progressBar
	if progress {
		bar = m.newProgress("caching the posts' terms for the matching engine", "posts")
	}
	var n int
	var err error
	if indexed != nil {
		posts := indexed.open(m.Now())
		engine.CountTerms(posts, an, eo.Terms, bar.report())
		n = len(posts)
	} else {
		n, err = countOpenPosts(ctx, st, m.Now(), an, eo.Terms, bar.report())
	}
	bar.finish()
	if err != nil {
		// Nothing is saved: the counts put so far are right, but a file
		// without the rest would be rewritten by the next build anyway.
		m.Log.Warn("engine term cache not written after the import", "err", err)
		return
	}
	save()
	m.Log.Debug("engine term cache written after the import", "posts", n, "elapsed", time.Since(start).Round(time.Millisecond))
}

// indexedPosts is the search index as `ingest posts` into a store without
// posts hands it to the importer: it keeps the posts of each chunk
// indexed (a copy of each Post, sharing its strings), the later copy of an
// ID replacing the earlier as in the store. The store then holds exactly
// these posts, so saveEngineTerms takes the open ones from here instead of
// reading and decoding every post back from the store (0.4 s of a core on
// the generated set).
type indexedPosts struct {
	ingest.UnpersistedIndexer
	mu    sync.Mutex
	posts map[string]matcher.Post
}

// watchIndexedPosts wraps ix when the embedded store has no posts yet;
// nil (read the store after the import) when it has some or cannot tell,
// or on PostgreSQL, where other processes may write posts meanwhile.
func (m *Main) watchIndexedPosts(ctx context.Context, st ingest.Store, ix ingest.UnpersistedIndexer) *indexedPosts {
	if m.DBURL != "" {
		return nil
	}
	errSome := errors.New("the store has posts")
	if err := st.EachPost(ctx, matcher.PostFilter{}, func(*matcher.Post) error { return errSome }); err != nil {
		return nil
	}
	return &indexedPosts{UnpersistedIndexer: ix, posts: map[string]matcher.Post{}}
}

// IndexPosts indexes posts and keeps them. The import's index queue calls
// it in commit order, one chunk at a time.
func (ip *indexedPosts) IndexPosts(posts []matcher.Post) error {
	return ip.keep(posts, ip.UnpersistedIndexer.IndexPosts(posts))
}

// IndexPostsUnpersisted is IndexPosts for writes Persist makes durable.
func (ip *indexedPosts) IndexPostsUnpersisted(posts []matcher.Post) error {
	return ip.keep(posts, ip.UnpersistedIndexer.IndexPostsUnpersisted(posts))
}

// keep keeps posts, whatever the index write's err, and returns err.
func (ip *indexedPosts) keep(posts []matcher.Post, err error) error {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	for i := range posts {
		ip.posts[posts[i].ID] = posts[i]
	}
	return err
}

// open is the posts kept that are open at t (the store's
// matcher.PostFilter{OpenAt: t}).
func (ip *indexedPosts) open(t time.Time) []matcher.Post {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	out := make([]matcher.Post, 0, len(ip.posts))
	for _, p := range ip.posts {
		if p.Searchable(t) {
			out = append(out, p)
		}
	}
	return out
}

// countBatch is how many posts countOpenPosts hands a counter at a time.
const countBatch = 256

// countOpenPosts gives ts the term counts of the posts open at t, as
// engine.CountTerms does, cutting while the store is still being read:
// reading and decoding the posts takes one core for a few tenths of a
// second on the generated set, and cutting them after the read left the
// other core idle for it. The terms are ranked once, after the read
// (engine.TermCounter). The store hands each post ID once, so batches
// never hold two copies of a post. progress hears posts cut of posts
// read so far.
func countOpenPosts(ctx context.Context, st engine.Source, t time.Time, an matcher.Analyzer, ts engine.TermStore, progress func(done, total int)) (int, error) {
	tc := engine.NewTermCounter(an, ts)
	batches := make(chan []matcher.Post, runtime.GOMAXPROCS(0))
	var read, done atomic.Int64
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				tc.Add(b)
				if n := done.Add(int64(len(b))); progress != nil {
					progress(int(n), int(read.Load()))
				}
			}
		}()
	}
	batch := make([]matcher.Post, 0, countBatch)
	err := st.EachPost(ctx, matcher.PostFilter{OpenAt: t}, func(p *matcher.Post) error {
		batch = append(batch, *p)
		read.Add(1)
		if len(batch) == countBatch {
			batches <- batch
			batch = make([]matcher.Post, 0, countBatch)
		}
		return nil
	})
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if err != nil {
		return int(done.Load()), fmt.Errorf("read the open posts: %w", err)
	}
	tc.Finish()
	return int(done.Load()), nil
}
