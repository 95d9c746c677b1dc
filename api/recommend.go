package api

import (
	"net/http"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// The online path's graduate. On PostgreSQL, reading the graduate was a
// round trip of its own for every GET /v1/graduates/{id}/recommendations:
// more than half of the database's CPU per request (0.20 → 0.09 ms when
// it was left out, benchmarks/RESULTS.md, session 29), beside the audit
// entry every such read writes anyway. So the server holds the graduates
// it read, each with its row's version, and a request for one it holds
// computes from that copy while the audit commit, in the transaction that
// makes the entry durable, reads the graduate's current version
// (AuditChecker). The answer is served only when the two are equal; when
// they differ — the graduate was written since, through this replica or
// another, or deleted — the graduate is read again and the answer computed
// from that. So an answer is never older than one read from the store when
// the request came: the version is read after the request arrived. The
// copy is what a read would have decrypted anyway, the same personal data
// as the caseload's ledger in memory (docs/security.md); nothing of it is
// logged. The embedded store reads a graduate in microseconds: no cache.

// onlineGraduate is the graduate the path names, for the caller, as
// pathGraduate finds it; held says it came from the cache at version, to
// be checked by the audit commit. A held graduate outside the caller's
// district is read again (it may have moved in): a refusal rests on the
// store's copy only.
func (s *Server) onlineGraduate(r *http.Request) (g *matcher.Graduate, version int64, held bool, err error) {
	if s.graduates == nil {
		g, err = s.pathGraduate(r)
		return g, 0, false, err
	}
	id, err := pathID(r, "毕业生")
	if err != nil {
		return nil, 0, false, err
	}
	if g, version, ok := s.graduates.get(id); ok && inDistrict(keyFrom(r), g) {
		s.metrics.graduateHit.Inc()
		return g, version, true, nil
	}
	s.metrics.graduateRead.Inc()
	g, err = s.readGraduate(r, id)
	return g, 0, false, err
}

// readGraduate reads graduate id for the caller (graduateFor) and holds it.
func (s *Server) readGraduate(r *http.Request, id string) (*matcher.Graduate, error) {
	g, version, err := s.graduates.store.GraduateVersion(r.Context(), id)
	if err == nil {
		s.graduates.put(g, version)
	} else {
		s.graduates.drop(id)
	}
	return s.graduateScoped(r, id, g, err)
}

func (s *Server) graduateRecommendations(w http.ResponseWriter, r *http.Request) error {
	v, err := query(r, recPs)
	if err != nil {
		return err
	}
	limit, err := intParam(v, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return err
	}
	q, err := recQuery(limit, v.Get("channel"), v.Get("kind"))
	if err != nil {
		return err
	}
	// The slot covers the store's reads as well as the engine: they are
	// what waits when the store is the bottleneck (a PostgreSQL pool of a
	// few connections), and a request shed here has cost nothing yet. It
	// is given back before the wait for the audit commit: that wait is the
	// disk's fsync, not CPU nor a connection (the group commit's few
	// commits in flight are not per request), and a slot held through it left the CPU idle while requests
	// queued for slots — at 1,000 req/s and more the queue filled and
	// requests were shed with the cores not busy.
	release, err := s.matchSlot(w, r)
	if err != nil {
		return err
	}
	freed := false
	free := func() {
		if !freed {
			freed = true
			release()
		}
	}
	defer func() { free() }()
	g, version, held, err := s.onlineGraduate(r)
	if err != nil {
		return err
	}
	// The audit entry goes to disk while the list is computed; nothing is
	// written to the client until it is durable (and nothing at all if it
	// cannot be written). Its commit reads a held graduate's version.
	var check []string
	if held {
		check = []string{g.ID}
	}
	t := s.auditLog.enqueue(s.auditEntries(r, "graduate.recommendations", "", g.ID), check...)
	audited := s.auditWait(r, "graduate.recommendations", t)
	defer audited() // commits the entry whatever happens below (a panic)
	// A list from the run is built in a recycled buffer, as writeResult's.
	bp := resultBufs.Get().(*[]byte)
	defer resultBufs.Put(bp)
	body, runID, res, err := s.recommendationsOf(r, g, q, (*bp)[:0])
	free()
	if aerr := audited(); aerr != nil {
		return aerr
	}
	if current, ok := t.version(g.ID); held && (!ok || current != version) {
		// Written since it was held (or not checked): the answer is the
		// store's graduate's, under the entry just written.
		s.metrics.graduateStale.Inc()
		if g, err = s.readGraduate(r, g.ID); err != nil {
			return err
		}
		if release, err = s.matchSlot(w, r); err != nil {
			return err
		}
		freed = false
		body, runID, res, err = s.recommendationsOf(r, g, q, (*bp)[:0])
		free()
	}
	if err != nil {
		return err
	}
	if body != nil {
		*bp = body
		w.Header()["X-Recommendation-Source"] = []string{"run:" + runID}
		return writeBody(w, http.StatusOK, body)
	}
	w.Header()["X-Recommendation-Source"] = sourceOnline
	return writeResult(w, http.StatusOK, res)
}

// recommendationsOf is g's list: the published run's (encoded into dst,
// with the run's ID) when it applies, else the engine's result.
func (s *Server) recommendationsOf(r *http.Request, g *matcher.Graduate, q matcher.Query, dst []byte) ([]byte, string, *matcher.Result, error) {
	if body, runID, ok := s.fromRun(r.Context(), g, q, dst); ok {
		return body, runID, nil, nil
	}
	res, err := s.runEngine("recommend", g, q)
	return nil, "", res, err
}
