// Package cachefile writes and reads the data directory's cache files (the
// engine's term counts, store/termcache, and post vectors,
// store/vectorcache). Write writes one whole or not at all: a process reading one while another writes it, or after a
// crash mid-write, sees the old file or the new one, never a part — a part
// would be a miss at best and, for a reader that trusts its checks less, a
// wrong answer. Reader takes an encoding of varints and strings apart,
// its first error sticking, so a damaged file is a miss, never a panic.
package cachefile
