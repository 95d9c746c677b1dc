package main

import (
	"path/filepath"

	"github.com/urumqi-hrss/jobmatch/matcher/engine"
	"github.com/urumqi-hrss/jobmatch/store/vectorcache"
)

// vectorCacheFile is the engine's text vectors of the last build over the
// open posts, in the data directory (store/vectorcache).
const vectorCacheFile = "engine-vectors.cache"

// openVectorCache starts reading the data directory's vector cache in the
// background (it overlaps reading the open posts) and returns what gives
// it to the engine build of o, waiting for the read; that in turn returns
// what to call once the build is done: it writes the vectors the build
// computed, when it did not find its own in the file. Without a data
// directory there is no cache: it only saves time.
func (m *Main) openVectorCache() func(o *engine.Options) (save func()) {
	if !m.hasDataDir() {
		return func(*engine.Options) func() { return func() {} }
	}
	ch := make(chan *vectorcache.Cache, 1)
	go func() {
		c, err := vectorcache.Open(filepath.Join(m.DataDir, vectorCacheFile), analyzerID())
		if err != nil {
			m.Log.Warn("engine vector cache not used; the vectors are computed again", "err", err)
		}
		ch <- c
	}()
	return func(o *engine.Options) func() {
		c := <-ch
		o.Vectors = c
		return func() {
			hits, computed := c.Hits(), c.Put()
			if err := c.Save(); err != nil {
				m.Log.Warn("engine vector cache not saved", "err", err)
				return
			}
			m.Log.Debug("engine vector cache", "found", hits, "computed", computed)
		}
	}
}
