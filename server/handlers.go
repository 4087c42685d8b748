package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"nmnsearch/search"
	"nmnsearch/server/analytics"
)

// Every handler has the same shape: parse, validate, call the Searcher,
// encode, and return at the first failure through writeError.

// handleHealthz answers 200 while the process is up, index or not.
func handleHealthz(logger *slog.Logger, _ Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, logger, http.StatusOK, statusBody{"ok"})
	})
}

// handleReadyz answers 200 while the index answers searches and can persist
// writes, 503 otherwise.
func handleReadyz(logger *slog.Logger, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Ready() {
			writeError(w, r, logger, errorf(CodeNotReady, "the index is not ready: loading, rebuilding after damage, or unable to write (a full disk); the log says which"))
			return
		}
		writeJSON(w, r, logger, http.StatusOK, statusBody{"ready"})
	})
}

// Starting answers while the index opens, before New's handler can be
// made: GET or HEAD /healthz 200 (the process is up), anything else 503
// not_ready with Retry-After, as /readyz answers an index that is not
// loaded; under /api/ with the CORS headers of cors, so that a box on
// another site can read it. Opening builds the index when it must (a new
// data directory, a new IndexVersion: tens of seconds for a large index),
// and a probe that connected meanwhile must get an answer, not a
// connection that hangs.
func Starting(logger *slog.Logger, cors CORSPolicy) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	healthz := handleHealthz(logger, nil)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			healthz.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Retry-After", strconv.Itoa(StartingRetryAfter))
		writeError(w, r, logger, errorf(CodeNotReady, "the index is opening; retry in %d s", StartingRetryAfter))
	})
	api := cors.cors(logger, h)
	return commonHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
}

// StartingRetryAfter is the Retry-After of Starting's 503s, in seconds.
const StartingRetryAfter = 1

type statusBody struct {
	Status string `json:"status"`
}

// handleSearch answers GET /api/search with a *search.Result as it is.
func handleSearch(logger *slog.Logger, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := parseSearchRequest(r.URL.RawQuery)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), SearchTimeout)
		defer cancel()
		res, err := s.Search(ctx, req)
		if err != nil {
			writeError(w, r, logger, contextError(ctx, r, err))
			return
		}
		if res == nil {
			writeError(w, r, logger, errors.New("search returned no result and no error"))
			return
		}
		writeJSON(w, r, logger, http.StatusOK, withEmptyLists(res))
	})
}

// parseSearchRequest reads the query string as url.ParseQuery does, the way
// browsers encode forms: "+" is a space, "%2B" a plus. Empty parameters are
// ignored; topic may repeat and may hold comma-separated values. The meaning
// of the values (known topic, size limits, …) is checked by package search,
// except that an explicit page or size of 0 is refused here, since a zero in
// search.Request means "the default".
func parseSearchRequest(rawQuery string) (search.Request, error) {
	var req search.Request
	values, err := parseQuery(rawQuery)
	if err != nil {
		return req, err
	}
	if req.Q, err = single(values, "q"); err != nil {
		return req, err
	}
	if req.Lang, err = single(values, "lang"); err != nil {
		return req, err
	}
	if req.Article, err = single(values, "article"); err != nil {
		return req, err
	}
	if req.Group, err = single(values, "group"); err != nil {
		return req, err
	}
	for _, v := range values["topic"] {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				req.Topics = append(req.Topics, t)
			}
		}
	}
	if req.Page, err = positiveInt(values, "page", "page must be 1 or more"); err != nil {
		return req, err
	}
	sizeRange := "size must be between 1 and " + strconv.Itoa(search.MaxPageSize)
	if req.Size, err = positiveInt(values, "size", sizeRange); err != nil {
		return req, err
	}
	return req, nil
}

// parseQuery reads a query string as browsers encode forms ("+" is a space,
// "%2B" a plus); a malformed one is the caller's error.
func parseQuery(rawQuery string) (url.Values, error) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, errorf(search.CodeInvalid, "malformed query string: %v", err)
	}
	// A client's encoding bug, not a word to search for as U+FFFD.
	for name, vs := range values {
		if !utf8.ValidString(name) {
			return nil, errorf(search.CodeInvalid, "a parameter's name is not valid UTF-8")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, errorf(search.CodeInvalid, "%s is not valid UTF-8 (percent-encode the text's UTF-8 bytes)", name)
			}
		}
	}
	return values, nil
}

// single returns the one non-empty value of a parameter that may be given
// once, or "" when there is none.
func single(values url.Values, name string) (string, error) {
	var out string
	for _, v := range values[name] {
		if v == "" {
			continue
		}
		if out != "" {
			return "", errorf(search.CodeInvalid, "%s may be given only once", name)
		}
		out = v
	}
	return out, nil
}

// positiveInt returns the integer value of a parameter, 0 when it is absent
// or empty. A value that is not an integer, or is below 1, is an error;
// tooSmall is the message for the latter.
func positiveInt(values url.Values, name, tooSmall string) (int, error) {
	s, err := single(values, name)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errorf(search.CodeInvalid, "%s must be an integer (got %q)", name, s)
	}
	if n < 1 {
		return 0, errorf(search.CodeInvalid, "%s", tooSmall)
	}
	return n, nil
}

// withEmptyLists returns a copy of res with every nil list made empty, so
// that clients always see [] and never null. res itself is left alone.
func withEmptyLists(res *search.Result) *search.Result {
	out := *res
	out.Hits = make([]search.Hit, len(res.Hits))
	for i, h := range res.Hits {
		h.Topics = nonNil(h.Topics)
		out.Hits[i] = h
	}
	out.Groups = make([]search.Group, len(res.Groups))
	for i, g := range res.Groups {
		g.Hits = slices.Clone(g.Hits)
		for j := range g.Hits {
			g.Hits[j].Topics = nonNil(g.Hits[j].Topics)
		}
		out.Groups[i] = g
	}
	if res.Groups == nil {
		out.Groups = nil // not grouped: no "groups" at all
	}
	out.Facets.Topic = nonNil(res.Facets.Topic)
	out.Facets.Lang = nonNil(res.Facets.Lang)
	return &out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// articleSummary is an article in the list: its paragraphs only counted.
type articleSummary struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	URL        string   `json:"url"`
	Topics     []string `json:"topics"`
	Paragraphs int      `json:"paragraphs"`
}

// articleDetail is one article with its paragraphs in the author's order.
type articleDetail struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Titles is a bilingual article's title in each language.
	Titles     map[string]string `json:"titles,omitempty"`
	URL        string            `json:"url"`
	Topics     []string          `json:"topics"`
	Paragraphs []paragraphJSON   `json:"paragraphs"`
	// DroppedLines counts the source's lines left out as its site's
	// furniture; Dropped lists them, for the admin (?dropped=1).
	DroppedLines int              `json:"dropped_lines"`
	Dropped      []search.Dropped `json:"dropped,omitempty"`
}

type paragraphJSON struct {
	ID      string   `json:"id"`
	N       int      `json:"n"`
	Section string   `json:"section"`
	Heading bool     `json:"heading"`
	Lang    string   `json:"lang"`
	Topics  []string `json:"topics"`
	Text    string   `json:"text"`
}

// handleArticles answers GET /api/articles: every article, without text.
func handleArticles(logger *slog.Logger, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arts := s.Articles()
		out := make([]articleSummary, 0, len(arts))
		for _, a := range arts {
			if a == nil {
				continue
			}
			out = append(out, articleSummary{
				ID: a.ID, Title: a.Title, URL: a.URL,
				Topics:     nonNil(slices.Clone(a.Topics)),
				Paragraphs: len(a.Paragraphs),
			})
		}
		writeJSON(w, r, logger, http.StatusOK, struct {
			Articles []articleSummary `json:"articles"`
		}{out})
	})
}

// handleArticle answers GET /api/articles/{id}: one article with its text.
// The lines left out of it are the admin's (handleArticleDropped): asked
// for here, without the token, they are refused.
func handleArticle(logger *slog.Logger, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("dropped") {
			writeError(w, r, logger, errorf(CodeUnauthorized, "the dropped lines are shown to the admin API only: Authorization: Bearer <NMNSEARCH_ADMIN_TOKEN>"))
			return
		}
		a, err := s.Article(mux.Vars(r)["id"])
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		if a == nil {
			writeError(w, r, logger, errors.New("article lookup returned no article and no error"))
			return
		}
		writeJSON(w, r, logger, http.StatusOK, newArticleDetail(a))
	})
}

// newArticleDetail is a as GET /api/articles/{id} and PUT answer it.
func newArticleDetail(a *search.Article) articleDetail {
	out := articleDetail{
		ID: a.ID, Title: a.Title, Titles: a.Titles, URL: a.URL,
		Topics:       nonNil(a.Topics),
		Paragraphs:   make([]paragraphJSON, 0, len(a.Paragraphs)),
		DroppedLines: len(a.Dropped),
	}
	for _, p := range a.Paragraphs {
		out.Paragraphs = append(out.Paragraphs, paragraphJSON{
			ID: p.ID, N: p.N, Section: p.Section, Heading: p.Heading,
			Lang: p.Lang, Topics: nonNil(p.Topics), Text: p.Text,
		})
	}
	return out
}

// handleSuggest answers GET /api/suggest?q=: completions of q's last word,
// the articles' words, then, with a, readers' queries (withReaders).
func handleSuggest(logger *slog.Logger, s Searcher, a *analytics.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values, err := parseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		q, err := single(values, "q")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		out, err := s.Suggest(q)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		var suggestions any = nonNil(out)
		if a != nil {
			if readers := a.Suggest(search.Normalize(q)); len(readers) > 0 {
				suggestions = withReaders(out, readers)
			}
		}
		writeJSON(w, r, logger, http.StatusOK, struct {
			Query       string `json:"query"`
			Suggestions any    `json:"suggestions"`
		}{search.Normalize(q), suggestions}) // as a search echoes it
	})
}

// handleTopics answers GET /api/topics: every topic with its paragraph count.
func handleTopics(logger *slog.Logger, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), SearchTimeout)
		defer cancel()
		topics, err := s.Topics(ctx)
		if err != nil {
			writeError(w, r, logger, contextError(ctx, r, err))
			return
		}
		writeJSON(w, r, logger, http.StatusOK, struct {
			Topics []search.FacetValue `json:"topics"`
		}{nonNil(topics)})
	})
}

// handleNotFound answers any path no route has, as JSON.
func handleNotFound(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, logger, errorf(search.CodeNotFound, "no such path %q", r.URL.Path))
	})
}

// allMethods are the methods tried to fill a 405's Allow header.
var allMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
	http.MethodConnect, http.MethodTrace,
}

// handleMethodNotAllowed answers a known path asked with a method it does not
// take, listing in Allow the methods that router would route for the path.
func handleMethodNotAllowed(logger *slog.Logger, router *mux.Router) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allow, route := allowedMethods(router, r)
		if route != "" {
			requestInfo(r).route = route
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, r, logger, errorf(CodeMethodNotAllowed,
			"method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", ")))
	})
}

// allowedMethods returns the methods for which router has a route matching
// r's path, and that route's template.
func allowedMethods(router *mux.Router, r *http.Request) (allow []string, route string) {
	for _, m := range allMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if router.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
			if route == "" && match.Route != nil {
				route, _ = match.Route.GetPathTemplate()
			}
		}
	}
	return allow, route
}
