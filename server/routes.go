package server

import (
	"log/slog"
	"net/http"

	"github.com/gorilla/mux"
)

// addRoutes is every route of the service, in one place. Everything is
// read-only: each route answers GET and HEAD; any other method gets a JSON
// 405 with an Allow header, any other path a JSON 404. The read-only API
// also answers OPTIONS, and other origins as cors allows; the pages and the
// probes are for this origin only.
func addRoutes(r *mux.Router, logger *slog.Logger, s Searcher, st *site, cors CORSPolicy) {
	r.Handle("/healthz", handleHealthz(logger, s)).Methods("GET", "HEAD")
	r.Handle("/readyz", handleReadyz(logger, s)).Methods("GET", "HEAD")

	api := func(path string, h http.Handler) {
		r.Handle(path, cors.cors(logger, h)).Methods("GET", "HEAD", "OPTIONS")
	}
	api("/api/search", handleSearch(logger, s))
	api("/api/articles", handleArticles(logger, s))
	api("/api/articles/{id}", handleArticle(logger, s))
	api("/api/topics", handleTopics(logger, s))
	api("/api/suggest", handleSuggest(logger, s))

	r.Handle("/", handleSearchPage(logger, st)).Methods("GET", "HEAD")
	r.Handle("/articles/{id}", handleArticlePage(logger, s, st)).Methods("GET", "HEAD")
	r.Handle("/widget.js", handleWidget(st.assets)).Methods("GET", "HEAD")
	r.Handle("/static/{name}", handleStatic(logger, st.assets)).Methods("GET", "HEAD")

	r.NotFoundHandler = handleNotFound(logger)
	r.MethodNotAllowedHandler = handleMethodNotAllowed(logger, r)
}
