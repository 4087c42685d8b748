package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gorilla/mux"

	"nmnsearch/server/analytics"
)

// routes is what the routes are made of: the handlers' dependencies and the
// limits each kind of route goes through.
type routes struct {
	r        *mux.Router
	logger   *slog.Logger
	s        Searcher
	st       *site
	cors     CORSPolicy
	client   func(*http.Request) string // the client's address, for the rate limit
	clients  *clientLimiter             // nil: no rate limit
	searches *searchSlots               // nil: no cap on searches
	metrics  http.Handler               // nil: no /metrics route

	cache        *responseCache // nil: no response cache
	cacheVersion func() uint64  // with cache: the index version
	cacheMetrics *Metrics       // where cache hits and misses are counted

	admin        Admin          // nil: no admin routes
	adminAuth    *adminAuth     // the token
	adminClients *clientLimiter // failed admin token checks' limit; nil: none
	metricsSink  *Metrics       // where a reindex is counted

	readOnly bool            // a replica: the admin routes answer 403 read_only
	dataDir  string          // "": an index in memory
	stop     context.Context // ends admin operations (WithStop); nil: never
	sync     SyncStatus      // the site sync's status (WithSync); nil: none

	analytics    *analytics.Store // events, the report, readers' suggestions (WithAnalytics); nil: none
	topics       *knownTopics     // with analytics: the topics an event may name
	eventMetrics *Metrics         // where recorded searches are counted
}

// add is every route of the service, in one place. Everything but the admin
// API is read-only: each route answers GET and HEAD; any other method gets a
// JSON 405 with an Allow header, any other path a JSON 404.
//
// Routes come in kinds, each with its own chain of limits:
//   - probes and /metrics: none; they are for the operator and its monitor,
//     and a probe refused under load would restart a healthy process.
//   - the read-only API: CORS (outermost, so that a refusal is readable by
//     the page that asked, and a preflight costs no token), the per-client
//     rate limit, for search, suggest and topics the response cache and
//     ETags (cache.go), and for the routes that query the index the search
//     cap.
//   - the pages: the rate limit, and the search cap for the article page
//     (it marks the query); refusals as HTML pages; same origin only.
//   - /widget.js and /static/: nothing; public files, cached, from memory.
//   - the admin API, only with WithAdmin: never CORS (no browser page of
//     another origin may write, and a request that says it comes from one is
//     refused); the bearer token, with a clientLimiter of its own on failed
//     checks (a guesser is slowed, the administrator never: the right token
//     is not limited, whoever else guesses from the same address); then
//     limitBody(h, MaxBodyBytes) for the route that reads a body.
//     Without WithAdmin these routes do not exist: PUT and DELETE on
//     /api/articles/{id} are 405 like any method a path does not take.
//   - POST /api/events, only with WithAnalytics: CORS for the origins
//     allowed, POST only, without credentials (eventsCORS), the rate limit,
//     then limitBody(h, MaxEventBytes).
//   - on a read-only replica (WithReadOnly), the admin routes instead,
//     with or without WithAdmin: 403 read_only to every request, before
//     anything else, since there is nothing to protect or to spend.
func (rt *routes) add() {
	rt.probe("/healthz", handleHealthz(rt.logger, rt.s))
	rt.probe("/readyz", handleReadyz(rt.logger, rt.s))
	if rt.metrics != nil {
		rt.probe("/metrics", rt.metrics)
	}

	if rt.admin != nil && !rt.readOnly {
		// before the public route of the path, which it narrows
		rt.adminRoute("/api/articles/{id}", handleArticleDropped(rt.logger, rt.s), "GET", "dropped", "{dropped}")
	}
	rt.api("/api/search", true, searchCacheKey, handleSearch(rt.logger, rt.s))
	rt.api("/api/articles", false, nil, handleArticles(rt.logger, rt.s))
	rt.api("/api/articles/{id}", false, nil, handleArticle(rt.logger, rt.s))
	rt.api("/api/topics", true, topicsCacheKey, handleTopics(rt.logger, rt.s))
	rt.api("/api/suggest", true, withSuggestVersion(rt.analytics, suggestCacheKey), handleSuggest(rt.logger, rt.s, rt.analytics))
	if rt.analytics != nil {
		rt.event("/api/events", limitBody(handleEvent(rt.logger, rt.analytics, rt.topics, rt.eventMetrics), MaxEventBytes))
	}

	switch {
	case rt.readOnly:
		refuse := handleReadOnly(rt.logger)
		rt.handle("/api/articles/{id}", refuse, "PUT", "DELETE")
		rt.handle("/api/admin/reindex", refuse, "POST")
		rt.handle("/api/admin/info", refuse, "GET")
	case rt.admin != nil:
		rt.adminRoute("/api/articles/{id}", limitBody(handlePutArticle(rt.logger, rt.admin), MaxBodyBytes), "PUT")
		rt.adminRoute("/api/articles/{id}", handleDeleteArticle(rt.logger, rt.admin), "DELETE")
		rt.adminRoute("/api/admin/reindex", handleReindex(rt.logger, rt.admin, rt.s, rt.metricsSink), "POST")
		if rt.sync != nil {
			rt.adminRoute("/api/admin/sync", handleSync(rt.logger, rt.sync), "GET")
		}
		if rt.analytics != nil {
			rt.adminRoute("/api/admin/analytics", handleAnalyticsReport(rt.logger, rt.analytics), "GET")
		}
		rt.adminRoute("/api/admin/info", handleAdminInfo(rt.logger, rt.dataDir), "GET")
	}

	rt.page("/", false, handleSearchPage(rt.logger, rt.s, rt.st))
	rt.page("/embed", false, handleEmbedPage(rt.logger, rt.st))
	rt.page("/admin/analytics", false, handleAnalyticsPage(rt.logger, rt.st))
	rt.page("/articles/{id}", true, handleArticlePage(rt.logger, rt.s, rt.st))

	rt.file("/widget.js", handleWidget(rt.st.assets))
	rt.file("/static/{name}", handleStatic(rt.logger, rt.st.assets))

	rt.r.NotFoundHandler = handleNotFound(rt.logger)
	rt.r.MethodNotAllowedHandler = handleMethodNotAllowed(rt.logger, rt.r)
}

// handle routes methods of path to h, naming the route for the access log
// and the metrics.
func (rt *routes) handle(path string, h http.Handler, methods ...string) {
	rt.r.Handle(path, withRoute(path, h)).Methods(methods...)
}

func (rt *routes) probe(path string, h http.Handler) {
	rt.handle(path, h, "GET", "HEAD")
}

func (rt *routes) file(path string, h http.Handler) {
	rt.handle(path, h, "GET", "HEAD")
}

// api routes a read-only API path, which also answers OPTIONS, and other
// origins as rt.cors allows. searches says that h queries the index; a
// route with a cacheKey gets ETag, Cache-Control and the response cache
// (see httpCache), inside the rate limit but before the search cap, so
// that an answer from the cache never waits for a search slot.
func (rt *routes) api(path string, searches bool, key cacheKey, h http.Handler) {
	answer := func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, rt.logger, err) }
	if searches {
		h = rt.searches.middleware(answer, h)
	}
	if key != nil {
		h = httpCache(rt.cache, rt.cacheVersion, rt.cacheMetrics, key, h)
	}
	h = rt.clients.middleware(rt.client, answer, h)
	rt.handle(path, rt.cors.cors(rt.logger, h), "GET", "HEAD", "OPTIONS")
}

// page routes an HTML page of this origin; its refusals are pages too.
func (rt *routes) page(path string, searches bool, h http.Handler) {
	answer := func(w http.ResponseWriter, r *http.Request, err error) { rt.st.writeErrorPage(w, r, rt.logger, err) }
	if searches {
		h = rt.searches.middleware(answer, h)
	}
	h = rt.clients.middleware(rt.client, answer, h)
	rt.handle(path, h, "GET", "HEAD")
}

// event routes POST of what the box reports, from the origins rt.cors
// allows, within the rate limit.
func (rt *routes) event(path string, h http.Handler) {
	answer := func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, rt.logger, err) }
	h = rt.clients.middleware(rt.client, answer, h)
	inner := h
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestInfo(r).anonymous = true // no address in its log line
		inner.ServeHTTP(w, r)
	})
	rt.handle(path, eventsCORS(rt.cors, rt.logger, h), "POST", "OPTIONS")
}

// adminRoute routes a method of the admin API (with queries, only requests
// that carry them: gorilla/mux's Queries pairs): same origin only, its own
// rate limit, then the token, then AdminWriteTimeout to answer.
func (rt *routes) adminRoute(path string, h http.Handler, method string, queries ...string) {
	answer := func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, rt.logger, err) }
	h = adminDeadline(h)
	h = untilStop(rt.stop, h)
	h = rt.adminAuth.middleware(rt.adminClients, rt.client, answer, h)
	h = sameOriginOnly(answer, h)
	route := rt.r.Handle(path, withRoute(path, h)).Methods(method)
	if len(queries) > 0 {
		route.Queries(queries...)
	}
}
