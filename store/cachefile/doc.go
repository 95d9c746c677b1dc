// Package cachefile writes the data directory's cache files (the engine's
// term counts, store/termcache, and post vectors, store/vectorcache) whole
// or not at all: a process reading one while another writes it, or after a
// crash mid-write, sees the old file or the new one, never a part — a part
// would be a miss at best and, for a reader that trusts its checks less, a
// wrong answer.
package cachefile
