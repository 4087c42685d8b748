package server

import (
	"log/slog"
	"net/http"

	"github.com/gorilla/mux"
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
}

// add is every route of the service, in one place. Everything is read-only:
// each route answers GET and HEAD; any other method gets a JSON 405 with an
// Allow header, any other path a JSON 404.
//
// Routes come in kinds, each with its own chain of limits:
//   - probes and /metrics: none; they are for the operator and its monitor,
//     and a probe refused under load would restart a healthy process.
//   - the read-only API: CORS (outermost, so that a refusal is readable by
//     the page that asked, and a preflight costs no token), the per-client
//     rate limit, and for the routes that query the index the search cap.
//   - the pages: the rate limit, and the search cap for the article page
//     (it marks the query); refusals as HTML pages; same origin only.
//   - /widget.js and /static/: nothing; public files, cached, from memory.
//
// Admin routes, when they come, are a kind of their own: never CORS (no
// browser page of another origin may write), limitBody(h, MaxBodyBytes),
// and a clientLimiter of their own rather than r.clients, so that readers
// and writers do not spend each other's tokens.
func (rt *routes) add() {
	rt.probe("/healthz", handleHealthz(rt.logger, rt.s))
	rt.probe("/readyz", handleReadyz(rt.logger, rt.s))
	if rt.metrics != nil {
		rt.probe("/metrics", rt.metrics)
	}

	rt.api("/api/search", true, handleSearch(rt.logger, rt.s))
	rt.api("/api/articles", false, handleArticles(rt.logger, rt.s))
	rt.api("/api/articles/{id}", false, handleArticle(rt.logger, rt.s))
	rt.api("/api/topics", true, handleTopics(rt.logger, rt.s))
	rt.api("/api/suggest", true, handleSuggest(rt.logger, rt.s))

	rt.page("/", false, handleSearchPage(rt.logger, rt.st))
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
// origins as rt.cors allows. searches says that h queries the index.
func (rt *routes) api(path string, searches bool, h http.Handler) {
	answer := func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, rt.logger, err) }
	if searches {
		h = rt.searches.middleware(answer, h)
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
