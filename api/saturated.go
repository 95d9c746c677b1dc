package api

// Saturated reports whether a request that needs the engine now would be
// shed (503): every engine slot is taken and as many requests wait for one
// as may (Config.MaxQueuedMatches). `jobmatch serve` refuses new TLS
// handshakes meanwhile: past capacity, clients whose requests time out
// close their connections and open new ones, and each new connection's
// handshake (about a millisecond of CPU for client and server) would
// come before anything could be shed, so that the handshakes, not the
// requests, would take the machine (benchmarks/RESULTS.md, "Privacy and
// hardening, fourth audit").
func (s *Server) Saturated() bool {
	return len(s.slots) == cap(s.slots) && s.queued.Load() >= int32(s.cfg.MaxQueuedMatches)
}
