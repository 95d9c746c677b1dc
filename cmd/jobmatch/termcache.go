package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
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
	if fi, err := os.Stat(m.DataDir); err != nil || !fi.IsDir() {
		return func(*engine.Options) func() { return func() {} }
	}
	type opened struct {
		c   *termcache.Cache
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		c, err := termcache.Open(filepath.Join(m.DataDir, termCacheFile), analyzerID())
		ch <- opened{c, err}
	}()
	return func(o *engine.Options) func() {
		op := <-ch
		c := op.c
		if op.err != nil {
			m.Log.Warn("engine term cache not used; every post is cut again", "err", op.err)
		}
		o.Terms = c
		return func() {
			used, cut := c.Len()
			shown := c.ShownCut()
			if err := c.Save(); err != nil {
				m.Log.Warn("engine term cache not saved", "err", err)
				return
			}
			m.Log.Debug("engine term cache", "posts", used, "cut_now", cut, "shown_cut_now", shown)
		}
	}
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
