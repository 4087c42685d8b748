package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/server/analytics"
)

// Limits of POST /api/events.
const (
	// MaxEventBytes bounds an event's body: one search or click of the
	// box, whose query is at most search.MaxQueryRunes characters.
	MaxEventBytes = 1 << 10

	// MaxEventPosition is the furthest hit a click may name: no answer
	// goes past search.MaxResultWindow.
	MaxEventPosition = search.MaxResultWindow
)

// The kinds of event the box sends, its field "t".
const (
	EventSearch = "search" // a search the reader paused on, opened a hit of, or left
	EventClick  = "click"  // a hit the reader opened
)

// eventBody is what the box sends: a search ({"t":"search", q, topics,
// lang, hits, articles}) or a click ({"t":"click", q, topics, lang,
// article, pos}). Nothing else is read, and nothing about the reader.
type eventBody struct {
	T        string   `json:"t"`
	Q        string   `json:"q"`
	Topics   []string `json:"topics"`
	Lang     string   `json:"lang"`
	Hits     *int     `json:"hits"`
	Articles *int     `json:"articles"`
	Article  *string  `json:"article"`
	Pos      *int     `json:"pos"`
}

// handleEvent answers POST /api/events: one event, checked, then counted
// in a; 204 with no body. The lang and the count of articles are checked
// and not kept (package analytics says what is).
// The request's address, headers and cookies are never read here.
func handleEvent(logger *slog.Logger, a *analytics.Store, topics *knownTopics, m *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ev, err := readEvent(r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		q, tps, err := eventQuery(r.Context(), ev, topics)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		switch ev.T {
		case EventSearch:
			err = a.RecordSearch(analytics.Search{Q: q, Topics: tps, Hits: *ev.Hits})
			if err == nil {
				m.searchRecorded(*ev.Hits > 0)
			}
		case EventClick:
			err = a.RecordClick(analytics.Click{Q: q, Topics: tps, Pos: *ev.Pos, Article: *ev.Article})
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// readEvent decodes and checks one event: JSON of the known fields only,
// sent as text/plain (navigator.sendBeacon's string) or application/json.
func readEvent(r *http.Request) (eventBody, error) {
	var ev eventBody
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "text/plain" && mt != "application/json") {
		return ev, errorf(CodeUnsupportedMediaType, "an event is JSON sent as text/plain or application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return ev, err // 413
		}
		return ev, errorf(search.CodeInvalid, "the event is not one JSON object of t, q, topics, lang and hits, articles or article, pos: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return ev, err
		}
		return ev, errorf(search.CodeInvalid, "one event per request")
	}
	nonNegative := func(name string, v *int) error {
		if v != nil && *v < 0 {
			return errorf(search.CodeInvalid, "%s must be 0 or more", name)
		}
		return nil
	}
	switch ev.T {
	case EventSearch:
		if ev.Article != nil || ev.Pos != nil {
			return ev, errorf(search.CodeInvalid, "article and pos belong to a click")
		}
		if ev.Hits == nil {
			return ev, errorf(search.CodeInvalid, "a search needs hits, the paragraphs it found")
		}
		if err := errors.Join(nonNegative("hits", ev.Hits), nonNegative("articles", ev.Articles)); err != nil {
			return ev, err
		}
	case EventClick:
		if ev.Hits != nil || ev.Articles != nil {
			return ev, errorf(search.CodeInvalid, "hits and articles belong to a search")
		}
		if ev.Article == nil || !index.ValidID(*ev.Article) {
			return ev, errorf(search.CodeInvalid, "a click needs article, the id of the article opened")
		}
		if ev.Pos == nil || *ev.Pos < 1 || *ev.Pos > MaxEventPosition {
			return ev, errorf(search.CodeInvalid, "a click needs pos, the opened hit's position, 1 to %d", MaxEventPosition)
		}
	default:
		return ev, errorf(search.CodeInvalid, "t must be %q or %q", EventSearch, EventClick)
	}
	if ev.Lang != "" && ev.Lang != index.LangJA && ev.Lang != index.LangEN {
		return ev, errorf(search.CodeInvalid, "lang must be ja, en or empty")
	}
	return ev, nil
}

// eventQuery is the event's query as searches see it: q normalized and
// bounded as a search's, its topics known, sorted, without repeats.
func eventQuery(ctx context.Context, ev eventBody, topics *knownTopics) (string, []string, error) {
	q := search.Normalize(ev.Q)
	if n := utf8.RuneCountInString(q); n > search.MaxQueryRunes {
		return "", nil, errorf(search.CodeInvalid, "q must be at most %d characters (got %d)", search.MaxQueryRunes, n)
	}
	var tps []string
	for _, t := range ev.Topics {
		ok, known, err := topics.has(ctx, t)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			return "", nil, errorf(search.CodeInvalid, "unknown topic %q (known: %s)", t, strings.Join(known, ", "))
		}
		tps = append(tps, t)
	}
	slices.Sort(tps)
	tps = slices.Compact(tps)
	if q == "" && len(tps) == 0 {
		return "", nil, errorf(search.CodeInvalid, "q is required unless topics are given")
	}
	return q, tps, nil
}

// knownTopics are the topics of the index, read once: they are set when
// the index opens and do not change while it serves.
type knownTopics struct {
	s     Searcher
	mu    sync.Mutex
	names []string // nil until read
}

// has says whether name is a topic, and which are.
func (k *knownTopics) has(ctx context.Context, name string) (bool, []string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.names == nil {
		ctx, cancel := context.WithTimeout(ctx, SearchTimeout)
		defer cancel()
		all, err := k.s.Topics(ctx)
		if err != nil {
			return false, nil, err
		}
		k.names = make([]string, 0, len(all))
		for _, t := range all {
			k.names = append(k.names, t.Value)
		}
	}
	return slices.Contains(k.names, name), k.names, nil
}

// eventsCORS opens POST /api/events to the pages of the origins p allows,
// where the box is embedded, without credentials: the answer carries
// Access-Control-Allow-Origin, never Access-Control-Allow-Credentials, and
// a preflight (for application/json) is answered for POST. A request that
// names another origin is refused 403, since an event only counts; the
// service's own pages are always allowed.
func eventsCORS(p CORSPolicy, logger *slog.Logger, next http.Handler) http.Handler {
	maxAge := strconv.Itoa(int(CORSMaxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		cross := origin != "" && !sameHost(origin, r.Host)
		if cross && !p.allows(origin) {
			h.Set("Cache-Control", "no-store")
			writeError(w, r, logger, errorf(CodeOriginNotAllowed,
				"origin %s may not send events; the service allows %s (-cors-origins)", origin, p))
			return
		}
		if cross {
			if p.any {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
			}
		}
		if r.Method != http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
		h.Set("Allow", "POST, OPTIONS")
		switch method := r.Header.Get("Access-Control-Request-Method"); {
		case method == "" || !cross:
			w.WriteHeader(http.StatusNoContent) // a plain OPTIONS: Allow says it
		case method != http.MethodPost:
			h.Del("Access-Control-Allow-Origin")
			writeError(w, r, logger, errorf(CodeMethodNotAllowed,
				"method %s is not allowed on %s (allowed: POST)", method, r.URL.Path))
		default:
			h.Set("Access-Control-Allow-Methods", http.MethodPost)
			h.Set("Access-Control-Allow-Headers", "Content-Type")
			h.Set("Access-Control-Max-Age", maxAge)
			w.WriteHeader(http.StatusNoContent)
		}
	})
}
