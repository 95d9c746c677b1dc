package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/termcache"
)

// termCacheFile is the engine's term counts in the data directory.
const termCacheFile = "engine-terms.cache"

// openTermCache starts reading the data directory's cache of the posts'
// term counts (store/termcache) in the background (a few tenths of a
// second of decoding, which overlaps reading the open posts) and returns
// what gives it to the engine build of o, waiting for the read; that in
// turn returns what to call once the build is done: it saves the counts
// the build used for the next one. Without a data directory there is no
// cache: it only saves time.
func (m *Main) openTermCache() func(o *engine.Options) (save func()) {
	if !m.hasDataDir() {
		return func(*engine.Options) func() { return func() {} }
	}
	ch := make(chan *termcache.Cache, 1)
	go func() { ch <- m.readTermCache() }()
	return func(o *engine.Options) func() {
		c := <-ch
		o.Terms = c
		return func() { m.saveTermCache(c) }
	}
}

// openTermCacheLazily is openTermCache for a build that may not ask for
// any count (the vector cache holds its vectors: openVectorCache): the
// file is read at the build's first question, not before, and saved only
// if it was read.
func (m *Main) openTermCacheLazily() func(o *engine.Options) (save func()) {
	if !m.hasDataDir() {
		return func(*engine.Options) func() { return func() {} }
	}
	return func(o *engine.Options) func() {
		l := &lazyTerms{read: m.readTermCache}
		o.Terms = l
		return func() {
			if c, ok := l.opened(); ok {
				m.saveTermCache(c)
			}
		}
	}
}

func (m *Main) hasDataDir() bool {
	fi, err := os.Stat(m.DataDir)
	return err == nil && fi.IsDir()
}

// readTermCache reads the data directory's term cache; one that cannot be
// used is a warning and an empty cache.
func (m *Main) readTermCache() *termcache.Cache {
	c, err := termcache.Open(filepath.Join(m.DataDir, termCacheFile), analyzerID())
	if err != nil {
		m.Log.Warn("engine term cache not used; every post is cut again", "err", err)
	}
	return c
}

// saveTermCache saves the counts a build used for the next one.
func (m *Main) saveTermCache(c *termcache.Cache) {
	used, cut := c.Len()
	shown := c.ShownCut()
	if err := c.Save(); err != nil {
		m.Log.Warn("engine term cache not saved", "err", err)
		return
	}
	m.Log.Debug("engine term cache", "posts", used, "cut_now", cut, "shown_cut_now", shown)
}

// lazyTerms is a term cache read at its first question (engine.TermStore,
// SortedTermStore and SortedPutter, as termcache.Cache is), from any of
// the build's goroutines.
type lazyTerms struct {
	once sync.Once
	read func() *termcache.Cache
	c    *termcache.Cache
}

func (l *lazyTerms) cache() *termcache.Cache {
	l.once.Do(func() { l.c = l.read() })
	return l.c
}

// opened returns the cache if a question read it (after the build: no
// read starts from then on).
func (l *lazyTerms) opened() (*termcache.Cache, bool) {
	l.once.Do(func() {})
	return l.c, l.c != nil
}

func (l *lazyTerms) Terms(key string) (map[string]float64, bool) { return l.cache().Terms(key) }
func (l *lazyTerms) Put(key string, tf map[string]float64)       { l.cache().Put(key, tf) }
func (l *lazyTerms) SortedTerms(key string) ([]string, []float64, bool) {
	return l.cache().SortedTerms(key)
}
func (l *lazyTerms) PutSorted(key string, terms []string, counts []float64) {
	l.cache().PutSorted(key, terms, counts)
}

// analyzerID names the analyzer whose counts the cache holds. The gse
// dictionary and the domain words are compiled into the binary, so the
// binary names it: its VCS revision and, for a build from a modified tree
// (or without VCS data), its size and modification time. Another binary
// cuts the posts again rather than trust counts it may cut differently.
func analyzerID() string {
	id, revision, modified := "unknown", "", true
	if bi, ok := debug.ReadBuildInfo(); ok {
		id = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value != "false"
			}
		}
	}
	if revision != "" && !modified {
		return id + " " + revision
	}
	id += " " + revision
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			id += fmt.Sprintf(" %d %d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return id
}

// openPosts is an engine.Source whose posts open at one time were read
// ahead (readOpenPosts); any other question goes to the store.
type openPosts struct {
	engine.Source
	at    time.Time
	posts []matcher.Post
}

// openPostsChunk is how many posts readOpenPosts gathers in one array
// (about half a megabyte of matcher.Post).
const openPostsChunk = 1024

// readOpenPosts reads the posts open at t, the ones engine.Load asks for.
// They are gathered in fixed chunks and joined once, at their number: one
// slice grown by append (a quarter larger at each growth past a few
// hundred) allocated and copied about five times the 13 MB of the
// generated set's posts, page faults included.
func readOpenPosts(ctx context.Context, st engine.Source, t time.Time) (*openPosts, error) {
	o := &openPosts{Source: st, at: t}
	var chunks [][]matcher.Post
	var cur []matcher.Post
	err := st.EachPost(ctx, matcher.PostFilter{OpenAt: t}, func(p *matcher.Post) error {
		if len(cur) == cap(cur) {
			if cur != nil {
				chunks = append(chunks, cur)
			}
			cur = make([]matcher.Post, 0, openPostsChunk)
		}
		cur = append(cur, *p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the open posts: %w", err)
	}
	o.posts = slices.Concat(append(chunks, cur)...)
	return o, nil
}

// PostsOpenAt gives engine.Load the posts read ahead (engine.HeldSource).
func (o *openPosts) PostsOpenAt(t time.Time) ([]matcher.Post, bool) {
	if !t.Equal(o.at) {
		return nil, false
	}
	return o.posts, true
}

func (o *openPosts) EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error {
	if !reflect.DeepEqual(f, matcher.PostFilter{OpenAt: o.at}) {
		return o.Source.EachPost(ctx, f, fn)
	}
	for i := range o.posts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(&o.posts[i]); err != nil {
			return err
		}
	}
	return nil
}
