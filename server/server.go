package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gorilla/mux"

	"nmnsearch/search"
	"nmnsearch/server/analytics"
)

// Limits of the HTTP server. NewHTTPServer applies the first five;
// SearchTimeout bounds each call into the index. AdminWriteTimeout
// replaces WriteTimeout for the answers of the admin API's writes, which
// come once the write is done: a reindex of a large index, or a large
// article, takes seconds to tens of seconds.
const (
	MaxHeaderBytes    = 16 << 10 // request line and headers; q travels in the URL
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 15 * time.Second // longer than SearchTimeout, so the 503 gets out
	IdleTimeout       = 60 * time.Second
	SearchTimeout     = 5 * time.Second
	AdminWriteTimeout = 10 * time.Minute
)

// Searcher is what the handlers need from package search. *search.Service
// implements it; tests use a fake.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
	Article(id string) (*search.Article, error)
	Articles() []*search.Article
	Topics(ctx context.Context) ([]search.FacetValue, error)
	Suggest(q string) ([]search.Suggestion, error)
	MarkArticle(ctx context.Context, id, q string) (*search.Article, [][]search.Mark, error)
	Ready() bool
}

var _ Searcher = (*search.Service)(nil)

// Option configures New.
type Option func(*config)

type config struct {
	cors         CORSPolicy
	rate         float64 // requests a second per client; 0: no limit
	burst        int
	trustProxy   bool
	maxSearches  int // 0: no cap
	searchWait   time.Duration
	metrics      *Metrics
	metricsRoute bool
	adminToken   string // "": no admin routes
	admin        Admin
	adminRate    float64
	adminBurst   int
	cacheBytes   int64 // 0: no response cache
	cacheVersion func() uint64
	readOnly     bool
	dataDir      string           // reported by GET /api/admin/info
	stop         context.Context  // ends admin writes and reindexes; nil: never
	sync         SyncStatus       // GET /api/admin/sync; nil: no such route
	analytics    *analytics.Store // POST /api/events and the report; nil: off
}

// WithCORS sets which origins may read the read-only API from a browser; the
// default is AnyOrigin.
func WithCORS(p CORSPolicy) Option {
	return func(c *config) { c.cors = p }
}

// WithRateLimit limits each client (see WithTrustProxy) to perSecond
// requests a second on average, burst at once (at least 1), over the API
// and the pages; past it a request is answered 429 rate_limited with
// Retry-After. perSecond 0 turns the limit off, the default of New. The
// probes, /metrics, /widget.js and /static/ are never limited: the first
// two are for the operator, the files are cached and cost nothing.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) { c.rate, c.burst = perSecond, burst }
}

// WithTrustProxy makes the client of a request, for the rate limit and the
// access log, the last address of X-Forwarded-For rather than the peer: for
// a service behind exactly one proxy that appends to that header. Off by
// default, since without such a proxy every client could name itself.
func WithTrustProxy(trust bool) Option {
	return func(c *config) { c.trustProxy = trust }
}

// WithMaxConcurrentSearches caps the requests that query the index at once
// (/api/search, /api/suggest, /api/topics, /articles/{id}); one that finds
// every slot busy for SearchQueueWait is answered 503 overloaded with
// Retry-After. n 0 removes the cap; the default is
// DefaultMaxConcurrentSearches.
func WithMaxConcurrentSearches(n int) Option {
	return func(c *config) { c.maxSearches = n }
}

// WithMetrics records the service's metrics in m, which the caller may also
// count index builds in; by default New makes its own. m counts the
// documents of the Searcher of the last New it was given to.
func WithMetrics(m *Metrics) Option {
	return func(c *config) { c.metrics = m }
}

// WithoutMetricsRoute leaves GET /metrics out of the handler, for a caller
// that serves Metrics.Handler on a listener of its own.
func WithoutMetricsRoute() Option {
	return func(c *config) { c.metricsRoute = false }
}

// WithAdmin turns on the admin API (PUT and DELETE /api/articles/{id}, POST
// /api/admin/reindex), served by a to requests that carry Authorization:
// Bearer token, same-origin only, rate-limited per client at AdminRate and
// AdminBurst (see WithAdminRateLimit). token must pass CheckAdminToken; ""
// leaves the admin routes out, as without this option: PUT and DELETE on an
// article are then 405 like any method a route does not take, and
// /api/admin/reindex is 404.
func WithAdmin(token string, a Admin) Option {
	return func(c *config) { c.adminToken, c.admin = token, a }
}

// WithDataDir names the data directory the index is kept in, as GET
// /api/admin/info reports it to the command line, which checks that the
// server it reaches has the directory it was given; "" (the default) is an
// index in memory. Give it absolute, with symlinks resolved.
func WithDataDir(dir string) Option {
	return func(c *config) { c.dataDir = dir }
}

// WithAdminRateLimit sets the per-client limit of failed admin token
// checks, apart from the readers' (WithRateLimit); perSecond 0 turns it
// off. Requests with the right token are not limited.
func WithAdminRateLimit(perSecond float64, burst int) Option {
	return func(c *config) { c.adminRate, c.adminBurst = perSecond, burst }
}

// WithStop makes stop end the admin writes and reindexes under way when it
// ends (the service is stopping): a reindex stops between batches and the
// index in use stays, where it ran to its end past the shutdown limit. A
// client that hangs up ends nothing: its write was sent.
func WithStop(stop context.Context) Option {
	return func(c *config) { c.stop = stop }
}

// WithReadOnly serves a read-only replica: the admin routes (PUT and DELETE
// /api/articles/{id}, POST /api/admin/reindex) exist, whatever WithAdmin
// says, and answer every request 403 read_only, token or not, so that a
// client learns that writes go to the writer rather than that the route is
// missing.
func WithReadOnly(readOnly bool) Option {
	return func(c *config) { c.readOnly = readOnly }
}

// New returns the service's HTTP handler: every route of routes.go behind the
// access log and metrics, the common headers and panic recovery, each route
// with the limits of its kind. A nil logger discards.
func New(logger *slog.Logger, s Searcher, opts ...Option) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg := config{cors: AnyOrigin, maxSearches: DefaultMaxConcurrentSearches(), searchWait: SearchQueueWait, metricsRoute: true,
		adminRate: AdminRate, adminBurst: AdminBurst}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.adminToken != "" {
		if err := CheckAdminToken(cfg.adminToken); err != nil {
			panic("server.WithAdmin: " + err.Error()) // the caller checks first
		}
		if cfg.admin == nil {
			panic("server.WithAdmin: a token and no Admin")
		}
	}
	if cfg.metrics == nil {
		cfg.metrics = NewMetrics()
	}
	cfg.metrics.docs.Store(&s)
	st, err := loadSite()
	if err != nil {
		panic("server: embedded web files: " + err.Error()) // a bug in this package
	}
	client := func(r *http.Request) string { return clientIP(r, cfg.trustProxy) }
	// SkipClean: mux would answer "//api/search" or "/api/./topics" with a
	// bare 301; an unknown path gets the JSON 404 like any other.
	r := mux.NewRouter().SkipClean(true)
	rt := &routes{
		r: r, logger: logger, s: timedSearcher{s, cfg.metrics}, st: st, cors: cfg.cors,
		client:       client,
		clients:      newClientLimiter(cfg.rate, cfg.burst, MaxTrackedClients),
		searches:     newSearchSlots(cfg.maxSearches, cfg.searchWait),
		cacheMetrics: cfg.metrics,
	}
	if cfg.cacheVersion != nil {
		rt.cache, rt.cacheVersion = newResponseCache(cfg.cacheBytes), cfg.cacheVersion
	}
	cfg.metrics.cache.Store(rt.cache)
	if cfg.metricsRoute {
		rt.metrics = cfg.metrics.Handler()
	}
	rt.readOnly = cfg.readOnly
	if cfg.adminToken != "" && !cfg.readOnly {
		rt.admin = cfg.admin
		rt.adminAuth = newAdminAuth(cfg.adminToken)
		rt.adminClients = newClientLimiter(cfg.adminRate, cfg.adminBurst, MaxTrackedClients)
		rt.metricsSink = cfg.metrics
	}
	rt.dataDir, rt.stop, rt.sync = cfg.dataDir, cfg.stop, cfg.sync
	if cfg.analytics != nil {
		rt.analytics, rt.topics, rt.eventMetrics = cfg.analytics, &knownTopics{s: s}, cfg.metrics
	}
	rt.add()
	var h http.Handler = r
	h = recoverPanics(logger, h)
	h = commonHeaders(h)
	h = observe(logger, cfg.metrics, client, h)
	return h
}

// NewHTTPServer returns an http.Server for h on addr with the limits above.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		MaxHeaderBytes:    MaxHeaderBytes,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
	}
}

// commonHeaders sets the headers every response carries, errors included.
func commonHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, so one bad
// request does not take the process down (net/http would only drop the
// connection, with no JSON and no access-log status).
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*statusRecorder)
		if !ok {
			rec = &statusRecorder{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the handler's way to abort the response; not a bug
			}
			logger.ErrorContext(r.Context(), "panic",
				"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.status != 0 {
				// Too late for a status: abort the connection, so the client
				// sees a broken response rather than a short one.
				panic(http.ErrAbortHandler)
			}
			// Logged above with its stack; this only answers.
			writeJSON(rec, r, logger, http.StatusInternalServerError,
				errorBody{errorDetail{Code: search.CodeInternal, Message: internalMessage}})
		}()
		next.ServeHTTP(rec, r)
	})
}

// reqInfo is what the router and the handlers learn of a request that
// observe, outside the router, reports: the route template, and for a
// refused request why.
type reqInfo struct {
	route  string
	reason string
	// anonymous: the line leaves the client's address out (a search
	// event: its log line would tie an address to searching).
	anonymous bool
}

type reqInfoKey struct{}

// requestInfo returns r's reqInfo, or a throwaway one when r did not come
// through observe (a handler under test on its own).
func requestInfo(r *http.Request) *reqInfo {
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return info
	}
	return &reqInfo{}
}

// withRoute names the route of the requests it passes on, by its template:
// the metrics label, so "/api/articles/{id}", never the path.
func withRoute(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestInfo(r).route = route
		next.ServeHTTP(w, r)
	})
}

// clientForLog is the client's address as the access log shows it, "-"
// on an anonymous route.
func clientForLog(info *reqInfo, client func(*http.Request) string, r *http.Request) string {
	if info.anonymous {
		return "-"
	}
	return client(r)
}

// observe writes one access-log line per request (method, path, route,
// status, dur_ms, client, bytes, and the reason of a refusal) and counts it
// in m. The query string is left out: it holds what people search for.
func observe(logger *slog.Logger, m *Metrics, client func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		info := &reqInfo{route: RouteNone}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			// Only http.ErrAbortHandler gets here (recoverPanics took the
			// rest): log the request, then let net/http drop the connection.
			aborted := recover()
			status := rec.status
			if status == 0 && aborted == nil {
				status = http.StatusOK // nothing written: net/http sends 200
			}
			took := time.Since(began)
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", info.route),
				slog.Int("status", status),
				slog.Float64("dur_ms", float64(took.Microseconds())/1000),
				slog.String("client", clientForLog(info, client, r)),
				slog.Int("bytes", rec.bytes),
			}
			if info.reason != "" {
				attrs = append(attrs, slog.String("reason", info.reason))
			}
			if aborted != nil {
				attrs = append(attrs, slog.Bool("aborted", true))
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
			m.observe(info.route, r.Method, status, aborted != nil, took, info.reason)
			if aborted != nil {
				panic(aborted)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status and size of a response for the access
// log and for panic recovery.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
