package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/sync/singleflight"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/api/web"
	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// Config is what a Server needs. Stores (every part), Index and Engine
// are required.
type Config struct {
	Stores Stores // StoresOf(store) when one store serves all
	Index  *index.Index
	Engine *engine.Engine
	Log    *slog.Logger // nil: nowhere (cmd injects its own; the global logger is never used)
	// Policy is the plan the casework applies (cmd reads it: the embedded
	// policy.json or --policy FILE); the zero value is the embedded one.
	Policy catalog.Policy
	// ReloadPolicy reads the policy again from where Policy came from (cmd:
	// the --policy file, or the embedded one), validated: POST
	// /v1/policy/reload applies what it returns (Server.SetPolicy). Nil:
	// the route answers that this server cannot reload.
	ReloadPolicy func() (catalog.Policy, error)
	// Now is the business clock: deadlines, the internship window, contact
	// overdue — what `--now` sets (the demo pins its data's date; default time.Now).
	Now func() time.Time
	// Clock is the wall clock: rate limits, key expiry, sessions and the
	// time stamps of audit entries and feedback, which must be real
	// whatever date the data is matched as of. Casework records (contacts,
	// plan edits, registration and placement) are dated on Now's day at
	// Clock's time of day (caseClock): one business clock for what the
	// workspace shows. Default time.Now.
	Clock func() time.Time

	// RateLimit is the sustained requests per second allowed per key
	// (default 20), RateBurst how many may come at once (default 40): the
	// defaults of keys created without their own (APIKey.Rate). A
	// negative RateLimit disables limiting (load tests).
	RateLimit float64
	RateBurst int

	// AuthFailRate is how many failed authentications a second one client
	// address may keep making (default 1), AuthFailBurst how many it may
	// make at once (default 20); beyond them its requests are answered 429
	// with Retry-After before any key is looked at. Negative: no limit.
	AuthFailRate  float64
	AuthFailBurst int

	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (clientaddr.go). Empty: none.
	TrustedProxies []netip.Prefix
	// DeviceKeys sign sign-in device cookies (signin_throttle.go): cmd's
	// come from the data key. Empty: this process's, lost on restart.
	DeviceKeys [][]byte

	// PDFFont is the CJK TrueType font handouts' PDFs are set in; ""
	// looks in render.FontPaths (Debian's fonts-droid-fallback).
	PDFFont string

	// MaxBody caps a request body (default 1 MiB); MaxBatchBody the body of
	// POST /v1/posts:batchUpsert (default 8 MiB).
	MaxBody      int64
	MaxBatchBody int64

	// SessionIdle ends a session after this long without a request
	// (default 30 min); SessionMax after this long in any case (12 h).
	SessionIdle, SessionMax time.Duration

	// KeyCacheTTL is how long a looked-up key is trusted before the store
	// is asked again: the longest a revocation takes to bite (default 2 s).
	KeyCacheTTL time.Duration

	// MaxRunAge is how old a published batch run may be and still answer a stored
	// graduate's default recommendations (default 36 h; negative: always online).
	MaxRunAge time.Duration

	// FiguresMaxAge is how old the dashboard's kept figures may grow before
	// a background pass over the ledger refreshes them (default 1 min;
	// negative: none kept, every dashboard and chart reads the store).
	FiguresMaxAge time.Duration

	// MaxConcurrentMatches bounds the requests in flight that read
	// graduates and run the engine (default 4 × GOMAXPROCS); a request that
	// waits longer than MatchQueueWait (default 100 ms) for a slot, or finds
	// MaxQueuedMatches (default 8 × MaxConcurrentMatches) waiting already,
	// gets a 503 with Retry-After (matchSlot). The time is what sheds: a
	// burst below capacity queues for a few milliseconds and is served (at
	// 2 × slots, the old default, open-loop loads of 1,000–1,500 req/s that
	// the server could carry were shed by the hundred); the count bounds
	// the goroutines a flood can park. Past capacity a longer wait is worse:
	// at 500 ms on a machine loaded 20 deep the answered requests' p50 went
	// to seconds, as the clients opened more connections to the slow server
	// (benchmarks/RESULTS.md, "… helper online").
	MaxConcurrentMatches int
	MaxQueuedMatches     int
	MatchQueueWait       time.Duration

	// MaxConcurrentPasswordChecks bounds argon2id hashes in flight (sign-in,
	// account creation, password reset; 19 MiB each); default GOMAXPROCS.
	// A request that waits 5 s for a slot gets a 503 with Retry-After.
	MaxConcurrentPasswordChecks int

	// Timeouts against slow clients (defaults: 5 s for the headers, 30 s
	// for the whole request, 60 s for the response, 120 s idle).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration

	// ShutdownTimeout bounds how long Serve waits for in-flight requests
	// after its context is cancelled (default 20 s).
	ShutdownTimeout time.Duration
}

// Server is the REST API over one store, one index and one engine.
type Server struct {
	cfg    Config
	stores Stores
	index  *index.Index
	log    *slog.Logger
	now    func() time.Time // business clock (Config.Now)
	wall   func() time.Time // wall clock (Config.Clock)
	keys   *keyCache
	// keyLookups: requests for the same uncached key share one look-up
	keyLookups singleflight.Group
	limiter    *limiters // requests per key
	authFails  *limiters // failed authentications per client address
	// signInThr: failed sign-ins per name and client, and per name
	signInThr *signInThrottle
	metrics   *metrics
	router    *mux.Router
	web       http.Handler // the counselor workspace (api/web)

	// engine is safe for concurrent use: Recommend and Candidates read
	// under its own read lock, Upsert and Remove take it briefly.
	engine *engine.Engine

	auditLog *auditLog // group commit of audit entries (audit.go)
	// graduates holds the online path's graduates (recommend.go); nil
	// when the store cannot check them.
	graduates *graduateCache

	// casework runs the counselors' casework (the 一人一策 plan, contacts,
	// caseload, dashboard) on the store and the engine.
	casework *casework.Service

	// font is the CJK font of PDFs (render.FindFont), read on first use.
	fontOnce sync.Once
	font     *render.Font
	fontErr  error

	runs   runInfo       // the published batch run, cached
	slots  chan struct{} // online engine calls in flight
	queued atomic.Int32  // requests waiting for a slot
	// hashSlots: password hashes in flight (sessions.go hashSlot)
	hashSlots chan struct{}
	// docSlot is held while a district document (handouts.go) is built.
	docSlot chan struct{}

	reqPrefix string
	reqSeq    atomic.Uint64
	feedSeq   atomic.Int64 // last change-feed sequence applied (Follow)
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Index == nil || cfg.Engine == nil {
		return nil, errors.New("api: Config needs Stores, Index and Engine")
	}
	if err := cfg.Stores.check(); err != nil {
		return nil, err
	}
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	go dummyHash() // ready before the first sign-in that names no account
	s := &Server{
		cfg:       cfg,
		stores:    cfg.Stores,
		index:     cfg.Index,
		engine:    cfg.Engine,
		log:       cfg.Log,
		now:       cfg.Now,
		wall:      cfg.Clock,
		keys:      &keyCache{ttl: cfg.KeyCacheTTL, m: map[[32]byte]cachedKey{}},
		limiter:   newLimiters(cfg.RateLimit, cfg.RateBurst, 100000),
		authFails: newLimiters(cfg.AuthFailRate, cfg.AuthFailBurst, 100000),
		signInThr: newSignInThrottle(cfg.DeviceKeys),
		slots:     make(chan struct{}, cfg.MaxConcurrentMatches),
		hashSlots: make(chan struct{}, cfg.MaxConcurrentPasswordChecks),
		docSlot:   make(chan struct{}, 1),
	}
	s.auditLog = newAuditLog(cfg.Stores.Audit)
	s.graduates = newGraduateCache(cfg.Stores)
	cw, err := casework.New(casework.Config{Store: cfg.Stores.Casework, Recommender: cfg.Engine, Policy: cfg.Policy, Now: cfg.Now, Clock: caseClock(cfg.Now, cfg.Clock), MaxRunAge: cfg.MaxRunAge, FiguresMaxAge: cfg.FiguresMaxAge, Log: cfg.Log})
	if err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	s.casework = cw
	var b [4]byte
	rand.Read(b[:])
	s.reqPrefix = hex.EncodeToString(b[:])
	s.metrics = newMetrics(s)
	s.auditLog.observe = func(d time.Duration, n int) {
		s.metrics.auditCommit.Observe(d.Seconds())
		s.metrics.auditEntries.Observe(float64(n))
	}
	s.router = s.newRouter()
	s.web = web.Handler(WorkspacePath)
	return s, nil
}

// setDefaults fills in every zero setting with its documented default,
// the embedded policy included.
func (cfg *Config) setDefaults() error {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 20
	}
	if cfg.RateBurst == 0 {
		cfg.RateBurst = 2 * int(max(cfg.RateLimit, 1))
	}
	if cfg.AuthFailRate == 0 {
		cfg.AuthFailRate = 1
	}
	if cfg.AuthFailBurst == 0 {
		cfg.AuthFailBurst = 20
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxBatchBody <= 0 {
		cfg.MaxBatchBody = 8 << 20
	}
	if cfg.MaxRunAge == 0 {
		cfg.MaxRunAge = 36 * time.Hour
	}
	if cfg.MaxConcurrentMatches <= 0 {
		cfg.MaxConcurrentMatches = 4 * runtime.GOMAXPROCS(0)
	}
	if cfg.MaxConcurrentPasswordChecks <= 0 {
		cfg.MaxConcurrentPasswordChecks = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueuedMatches <= 0 {
		cfg.MaxQueuedMatches = 8 * cfg.MaxConcurrentMatches
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&cfg.KeyCacheTTL, 2 * time.Second}, {&cfg.SessionIdle, 30 * time.Minute}, {&cfg.SessionMax, 12 * time.Hour}, {&cfg.MatchQueueWait, 100 * time.Millisecond},
		{&cfg.ReadHeaderTimeout, 5 * time.Second}, {&cfg.ReadTimeout, 30 * time.Second}, {&cfg.WriteTimeout, 60 * time.Second}, {&cfg.IdleTimeout, 120 * time.Second},
		{&cfg.ShutdownTimeout, 20 * time.Second},
	} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if len(cfg.Policy.ChannelPlan) == 0 {
		pol, err := catalog.LoadPolicy()
		if err != nil {
			return fmt.Errorf("api: embedded policy: %w", err)
		}
		cfg.Policy = pol
	}
	return nil
}

// Handler returns the API's http.Handler.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The last line of defence: a panic outside a route's own recover
		// (in the router itself) still gets a problem, not a torn connection.
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic outside a route", "panic", fmt.Sprint(v))
				writeProblem(w, r, errors.New("panic"))
			}
		}()
		s.setSecurityHeaders(w, r)
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			// The README sends people to the server's address: the root
			// leads to the workspace.
			s.serveWorkspace(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, WorkspacePath) || r.URL.Path == strings.TrimSuffix(WorkspacePath, "/") {
			s.serveWorkspace(w, r)
			return
		}
		s.router.ServeHTTP(w, r)
	})
}

// WorkspacePath is where the counselor workspace (package api/web) is
// served. It sits outside the route table: it is static files, not an API
// operation, so it is not in the OpenAPI document.
const WorkspacePath = "/workspace/"

// serveWorkspace serves the embedded workspace files, with the access log
// line and metrics every route gets (route label "/workspace/").
func (s *Server) serveWorkspace(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	if r.URL.Path == "/" {
		http.Redirect(sw, r, WorkspacePath, http.StatusFound)
	} else if r.URL.Path != WorkspacePath && !strings.HasPrefix(r.URL.Path, WorkspacePath) {
		http.Redirect(sw, r, WorkspacePath, http.StatusMovedPermanently)
	} else {
		s.web.ServeHTTP(sw, r)
	}
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	el := time.Since(start)
	s.metrics.observe(WorkspacePath, r.Method, sw.status, el)
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("client", s.clientAddr(r).String()),
		slog.String("method", r.Method), slog.String("route", WorkspacePath), slog.Int("status", sw.status), slog.Duration("duration", el))
}

// HTTPServer returns an http.Server for the API with timeouts against slow
// clients: a client that trickles its headers or body in is cut off instead
// of holding a connection and a goroutine for ever.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Serve serves the API on ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting connections and waits (up to
// Config.ShutdownTimeout) for in-flight requests to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.HTTPServer(ln.Addr().String())
	go func() {
		// The dashboard's figures, built before the first counselor asks.
		if err := s.casework.WarmFigures(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("dashboard figures not built at start; the first dashboard builds them", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down the API: waiting for in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("API stopped")
	return nil
}

// reqInfo is what the middleware knows about one request, shared with the
// handler through the context.
type reqInfo struct {
	requestID string
	route     string
	client    netip.Addr // clientAddr
	key       *matcher.APIKey
	session   *matcher.Session // the key came from a signed-in session
	user      *matcher.User    // that session's account
	err       error
}

type infoKey struct{}

func infoFrom(r *http.Request) *reqInfo {
	i, _ := r.Context().Value(infoKey{}).(*reqInfo)
	return i
}

// keyFrom returns the authenticated key of a request (nil on open routes).
func keyFrom(r *http.Request) *matcher.APIKey {
	if i := infoFrom(r); i != nil {
		return i.key
	}
	return nil
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap is the middleware every route runs through, in this order: request
// id, recover, authentication, rate limit, role check, handler; then the
// access log line and the metrics. The log line holds only ids, the route
// template, the status and the duration: never a query string, a body or a
// raw path, which may carry personal data.
func (s *Server) wrap(rt *route) http.Handler {
	rm := s.metrics.forRoute(rt.Path, rt.Method)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{requestID: s.reqPrefix + "-" + strconv.FormatUint(s.reqSeq.Add(1), 36), route: rt.Path, client: s.clientAddr(r)}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-ID", info.requestID)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The stack goes to the server log (it holds code locations,
				// not request data); the client gets a plain 500.
				s.log.Error("panic in handler", "request_id", info.requestID, "route", rt.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeProblem(sw, r, errors.New("panic"))
				}
			}
			s.finish(rt, rm, r, sw, info, start)
		}()
		if err := s.serve(rt, sw, r, info); err != nil {
			if clientClosed(r, err) {
				// Nobody reads the answer: no problem body, and the log
				// says what happened instead of an internal error.
				info.err = err
				if sw.status == 0 {
					sw.status = statusClientClosed
				}
				return
			}
			writeProblem(sw, r, err)
		}
	})
}

func (s *Server) serve(rt *route, w http.ResponseWriter, r *http.Request, info *reqInfo) error {
	if rt.Roles == nil {
		return rt.Handler(s, w, r)
	}
	// A client address that has failed to authenticate too often is
	// refused before its key is looked at: guessing keys costs the
	// guesser time, not the store lookups. A key the server has not
	// cached is charged before its look-up (authenticate), so guesses
	// sent at once cannot all pass; other failures are charged here.
	throttle := throttleKey(info.client)
	now := s.wall()
	if wait := s.authFails.waiting(throttle, now); wait > 0 {
		return s.throttled(w, wait)
	}
	k, se, u, err := s.principal(r, throttle, now)
	var th *errThrottled
	if errors.As(err, &th) {
		return s.throttled(w, th.wait)
	}
	if err != nil {
		if matcher.ErrorCode(err) == matcher.EUNAUTHORIZED {
			if !errors.As(err, new(*errCharged)) {
				s.authFails.take(throttle, 0, 0, now)
			}
			s.auditRefusal(r, "auth.refused", rt.Method+" "+rt.Path, "")
		}
		return err
	}
	info.key, info.session, info.user = k, se, u
	if err := checkCSRF(r, se); err != nil {
		return err
	}
	if ok, wait := s.limiter.take(k.ID, k.Rate, k.Burst, now); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
		s.metrics.rateLimited.Inc()
		return matcher.Errorf(matcher.ETOOMANY, "请求过于频繁，请稍后再试", "too many requests: slow down and retry later")
	}
	if !allows(rt.Roles, k.Role) {
		s.auditRefusal(r, "role.refused", rt.Method+" "+rt.Path, "")
		return errForbidden()
	}
	w.Header()["Cache-Control"] = noStore
	return rt.Handler(s, w, r)
}

func (s *Server) finish(rt *route, rm *routeMetrics, r *http.Request, sw *statusWriter, info *reqInfo, start time.Time) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	el := time.Since(start)
	rm.observe(s.metrics, r.Method, sw.status, el)
	lvl := slog.LevelDebug
	switch {
	case sw.status == statusClientClosed || (sw.status >= 400 && sw.status < 500):
		lvl = slog.LevelInfo
	case sw.status >= 500:
		lvl = slog.LevelError
	}
	if !s.log.Enabled(r.Context(), lvl) {
		return // the line would be dropped: do not build it (most requests, at the default level)
	}
	attrs := []slog.Attr{
		slog.String("request_id", info.requestID),
		slog.String("client", info.client.String()),
		slog.String("method", r.Method),
		slog.String("route", rt.Path),
		slog.Int("status", sw.status),
		slog.Duration("duration", el),
	}
	if info.key != nil {
		attrs = append(attrs, slog.String("key_id", info.key.ID))
	}
	if sw.status == statusClientClosed {
		attrs = append(attrs, slog.String("code", "client_closed"))
	} else if sw.status >= 500 {
		if info.err != nil {
			// Internal errors are logged for operators. Their text comes from
			// our own code and the store drivers, which never put personal
			// data in error messages.
			attrs = append(attrs, slog.String("error", info.err.Error()))
		}
	} else if sw.status >= 400 {
		if info.err != nil {
			attrs = append(attrs, slog.String("code", matcher.ErrorCode(info.err)))
		}
	}
	s.log.LogAttrs(r.Context(), lvl, "request", attrs...)
}

// statusClientClosed is nginx's 499 "client closed request": the client
// went away before the answer was ready. It is logged as that, at info
// level, not as a server error.
const statusClientClosed = 499

// clientClosed reports whether err comes from the client's request being
// cancelled (the connection closed) rather than from the server.
func clientClosed(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled))
}
