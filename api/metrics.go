package api

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Server's Prometheus collectors, on a registry of its own
// so that several Servers (replicas in one test process) do not collide.
type metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	matcherSeconds *prometheus.HistogramVec
	// recommendSeconds is matcherSeconds' "recommend" series, looked up
	// once, at its first use (the hottest: every online list).
	recommendOnce    sync.Once
	recommendSeconds prometheus.Observer
	searchSeconds    prometheus.Histogram
	rateLimited      prometheus.Counter
	authThrottled    prometheus.Counter
	shed             prometheus.Counter
	feedApplied      prometheus.Counter
	feedErrors       prometheus.Counter
	auditCommit      prometheus.Histogram
	auditEntries     prometheus.Histogram
	auditWait        prometheus.Histogram
	// The online path's graduate (recommend.go): held, read, held but
	// written since.
	graduateHit, graduateRead, graduateStale prometheus.Counter
	handler                                  http.Handler
}

// Buckets from 0.5 ms: the matcher answers in a few milliseconds, and the
// interesting question is how the tail compares with 50 ms.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jobmatch_http_requests_total", Help: "HTTP requests by route template, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "jobmatch_http_request_duration_seconds", Help: "HTTP request latency by route template and method.", Buckets: latencyBuckets,
	}, []string{"route", "method"})
	m.matcherSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "jobmatch_matcher_duration_seconds", Help: "Time in the matching engine by operation (recommend, profile, candidates).", Buckets: latencyBuckets,
	}, []string{"op"})
	m.searchSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "jobmatch_index_search_duration_seconds", Help: "Time in the search index per search.", Buckets: latencyBuckets,
	})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "jobmatch_rate_limited_total", Help: "Requests refused by the per-key rate limit.",
	})
	m.authThrottled = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "jobmatch_auth_throttled_total", Help: "Requests refused because their client address failed to authenticate too often.",
	})
	m.shed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "jobmatch_shed_total", Help: "Requests answered 503 because every engine slot was taken and enough requests waited for one already (or waited too long).",
	})
	m.feedApplied = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "jobmatch_feed_changes_applied_total", Help: "Post changes applied from the store's change feed.",
	})
	m.feedErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "jobmatch_feed_errors_total", Help: "Failed polls or applications of the change feed.",
	})
	m.auditCommit = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "jobmatch_audit_commit_duration_seconds", Help: "Time of one group commit of audit entries (the store's write of the group, its sync included).", Buckets: latencyBuckets,
	})
	m.auditEntries = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "jobmatch_audit_commit_entries", Help: "Audit entries per group commit.", Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
	})
	m.auditWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "jobmatch_audit_wait_seconds", Help: "Time a request waited for its audit entries to be durable once its answer was ready (the rest of its group's commit, and any commit in flight before it).", Buckets: latencyBuckets,
	})
	pool := []prometheus.Collector{}
	if p, ok := s.cfg.Stores.Audit.(PoolWaits); ok {
		pool = append(pool, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "jobmatch_db_pool_waits_total", Help: "Database connections asked for when none was idle (the caller waited for one to be freed or opened).",
		}, func() float64 { n, _ := p.PoolWaits(); return float64(n) }), prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "jobmatch_db_pool_wait_seconds_total", Help: "Time spent waiting for a database connection when none was idle.",
		}, func() float64 { _, d := p.PoolWaits(); return d.Seconds() }))
	}
	graduates := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jobmatch_online_graduates_total", Help: "Graduates of online recommendations by where they came from: held (the server's copy, still current), read (from the store), stale (held, written since: read again).",
	}, []string{"from"})
	m.graduateHit, m.graduateRead, m.graduateStale = graduates.WithLabelValues("held"), graduates.WithLabelValues("read"), graduates.WithLabelValues("stale")
	indexDocs := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "jobmatch_index_documents", Help: "Documents (posts and courses) in this replica's search index.",
	}, func() float64 {
		n, err := s.index.DocCount()
		if err != nil {
			return -1
		}
		return float64(n)
	})
	enginePosts := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "jobmatch_engine_posts", Help: "Open posts resident in this replica's matching engine.",
	}, func() float64 { return float64(s.engine.Len()) })
	feedSeq := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "jobmatch_feed_sequence", Help: "The last change-feed sequence number applied by this replica.",
	}, func() float64 { return float64(s.feedSeq.Load()) })
	m.reg.MustRegister(m.requests, m.latency, m.matcherSeconds, m.searchSeconds, m.rateLimited, m.authThrottled, m.shed,
		m.feedApplied, m.feedErrors, m.auditCommit, m.auditEntries, graduates, indexDocs, enginePosts, feedSeq,
		m.auditWait, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(pool...)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// PoolWaits is a store with a connection pool (store/postgres): how many
// times a caller found no idle connection and waited, and for how long in
// all.
type PoolWaits interface {
	PoolWaits() (int64, time.Duration)
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
}

// routeMetrics are one route's series of its usual answer (its method,
// status 200), looked up once, at its first such answer (a series
// appears on /metrics only once it has counted something):
// WithLabelValues hashes the labels and takes the vector's lock on every
// call.
type routeMetrics struct {
	route, method string
	once          sync.Once
	ok            prometheus.Counter
	latency       prometheus.Observer
}

func (m *metrics) forRoute(route, method string) *routeMetrics {
	return &routeMetrics{route: route, method: method}
}

// observe counts one request of the route, as metrics.observe does.
func (rm *routeMetrics) observe(m *metrics, method string, status int, d time.Duration) {
	if status != http.StatusOK || method != rm.method {
		m.observe(rm.route, method, status, d)
		return
	}
	rm.once.Do(func() {
		rm.ok = m.requests.WithLabelValues(rm.route, rm.method, "200")
		rm.latency = m.latency.WithLabelValues(rm.route, rm.method)
	})
	rm.ok.Inc()
	rm.latency.Observe(d.Seconds())
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}

// MetricsHandler serves the Prometheus metrics without a key, for a
// listener of their own (`jobmatch serve --metrics-addr`, e.g. on a
// loopback or management address the scraper reaches). On the API's own
// address /metrics needs an admin key: the figures (routes hit, request
// rates, index size) tell an outsider how the service is used.
func (s *Server) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setSecurityHeaders(w, r)
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		s.metrics.handler.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the store and the index both answer: a load
// balancer sends no traffic to a replica that cannot serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := map[string]any{"status": "ready", "store": "ok", "index": "ok", "feed_seq": s.feedSeq.Load()}
	ready := true
	if _, err := s.stores.Feed.PostSeq(ctx); err != nil {
		s.log.Warn("readyz: store unreachable", "err", err)
		body["store"], ready = "unreachable", false
	}
	if n, err := s.index.DocCount(); err != nil {
		s.log.Warn("readyz: index unreachable", "err", err)
		body["index"], ready = "unreachable", false
	} else {
		body["index_documents"] = n
	}
	if !ready {
		body["status"] = "not ready"
		return writeJSON(w, http.StatusServiceUnavailable, body)
	}
	return writeJSON(w, http.StatusOK, body)
}
