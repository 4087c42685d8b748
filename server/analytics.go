package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"nmnsearch/search"
	"nmnsearch/server/analytics"
)

// WithAnalytics counts in a the searches and clicks the box reports (POST
// /api/events), serves a's report to the admin API (GET
// /api/admin/analytics, with WithAdmin), and completes /api/suggest with
// readers' queries after the articles' words. Without it none of this
// exists: /api/events is 404, and nothing is counted. The caller closes a,
// after the server has stopped.
func WithAnalytics(a *analytics.Store) Option {
	return func(c *config) { c.analytics = a }
}

// handleAnalyticsReport answers GET /api/admin/analytics?from=&to=: the
// report of those days (YYYY-MM-DD, both included; the last
// analytics.DefaultReportDays by default, at most the days kept).
func handleAnalyticsReport(logger *slog.Logger, a *analytics.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values, err := parseQuery(r.URL.RawQuery)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		from, err := single(values, "from")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		to, err := single(values, "to")
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		rep, err := a.Report(from, to)
		if errors.Is(err, analytics.ErrRange) {
			err = errorf(search.CodeInvalid, "%s", strings.TrimPrefix(err.Error(), analytics.ErrRange.Error()+": "))
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		writeJSON(w, r, logger, http.StatusOK, rep)
	})
}

// suggestion is one completion of /api/suggest: a word of the articles
// with the paragraphs that use it, or, with Query, a query readers
// searched on analytics.MinSuggestDays days or more.
type suggestion struct {
	Text       string `json:"text"`
	Paragraphs int    `json:"paragraphs,omitempty"` // a word's; at least 1
	Query      bool   `json:"query,omitempty"`
}

// withReaders adds readers' queries to the articles' words: after them,
// without those a word already gives (case aside), and in place of the last
// words past search.MaxSuggestions, so that the answer keeps its length.
func withReaders(words []search.Suggestion, readers []string) []suggestion {
	have := map[string]bool{}
	for _, w := range words {
		have[strings.ToLower(w.Text)] = true
	}
	var extra []suggestion
	for _, q := range readers {
		if !have[strings.ToLower(q)] {
			have[strings.ToLower(q)] = true
			extra = append(extra, suggestion{Text: q, Query: true})
		}
	}
	out := make([]suggestion, 0, len(words)+len(extra))
	for _, w := range words[:min(len(words), max(0, search.MaxSuggestions-len(extra)))] {
		out = append(out, suggestion{Text: w.Text, Paragraphs: w.Paragraphs})
	}
	return append(out, extra...)
}

// withSuggestVersion keys cached suggestions by what readers' queries
// there are too, which change without a write to the index.
func withSuggestVersion(a *analytics.Store, key cacheKey) cacheKey {
	if a == nil {
		return key
	}
	return func(r *http.Request) (string, bool) {
		k, ok := key(r)
		return k + " readers " + strconv.FormatUint(a.SuggestVersion(), 10), ok
	}
}
