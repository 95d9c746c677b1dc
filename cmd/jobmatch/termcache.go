package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/termcache"
)

// termCacheFile is the engine's term counts in the data directory.
const termCacheFile = "engine-terms.cache"

// useTermCache gives the engine build of o the data directory's cache of
// the posts' term counts (store/termcache), and returns what to call once
// the build is done: it saves the counts the build used for the next one.
// Without a data directory there is no cache: it only saves time.
func (m *Main) useTermCache(o *engine.Options) (save func()) {
	if fi, err := os.Stat(m.DataDir); err != nil || !fi.IsDir() {
		return func() {}
	}
	c, err := termcache.Open(filepath.Join(m.DataDir, termCacheFile), analyzerID())
	if err != nil {
		m.Log.Warn("engine term cache not used; every post is cut again", "err", err)
	}
	o.Terms = c
	return func() {
		used, cut := c.Len()
		if err := c.Save(); err != nil {
			m.Log.Warn("engine term cache not saved", "err", err)
			return
		}
		m.Log.Debug("engine term cache", "posts", used, "cut_now", cut)
	}
}

// analyzerID names the analyzer whose counts the cache holds. The gse
// dictionary and the domain words are compiled into the binary, so the
// binary names it: its VCS revision and, for a build from a modified tree
// (or without VCS data), its size and modification time. Another binary
// cuts the posts again rather than trust counts it may cut differently.
func analyzerID() string {
	id := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		id = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				id += " " + s.Value
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			id += fmt.Sprintf(" %d %d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return id
}
