package server

import (
	"log/slog"

	"github.com/gorilla/mux"
)

// addRoutes is every route of the service, in one place. The API is
// read-only: each route answers GET and HEAD; any other method gets a JSON
// 405 with an Allow header, any other path a JSON 404.
func addRoutes(r *mux.Router, logger *slog.Logger, s Searcher) {
	r.Handle("/healthz", handleHealthz(logger, s)).Methods("GET", "HEAD")
	r.Handle("/readyz", handleReadyz(logger, s)).Methods("GET", "HEAD")
	r.Handle("/api/search", handleSearch(logger, s)).Methods("GET", "HEAD")
	r.Handle("/api/articles", handleArticles(logger, s)).Methods("GET", "HEAD")
	r.Handle("/api/articles/{id}", handleArticle(logger, s)).Methods("GET", "HEAD")
	r.Handle("/api/topics", handleTopics(logger, s)).Methods("GET", "HEAD")
	r.Handle("/api/suggest", handleSuggest(logger, s)).Methods("GET", "HEAD")

	r.NotFoundHandler = handleNotFound(logger)
	r.MethodNotAllowedHandler = handleMethodNotAllowed(logger, r)
}
