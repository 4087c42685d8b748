package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gorilla/mux"

	"nmnsearch/search"
)

// Limits of the HTTP server. NewHTTPServer applies the first five;
// SearchTimeout bounds each call into the index.
const (
	MaxHeaderBytes    = 16 << 10 // request line and headers; q travels in the URL
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 15 * time.Second // longer than SearchTimeout, so the 503 gets out
	IdleTimeout       = 60 * time.Second
	SearchTimeout     = 5 * time.Second
)

// Searcher is what the handlers need from package search. *search.Service
// implements it; tests use a fake.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
	Article(id string) (*search.Article, error)
	Articles() []*search.Article
	Topics(ctx context.Context) ([]search.FacetValue, error)
	Suggest(q string) ([]search.Suggestion, error)
	MarkArticle(ctx context.Context, id, q string) ([][]search.Mark, error)
	Ready() bool
}

var _ Searcher = (*search.Service)(nil)

// Option configures New.
type Option func(*config)

type config struct {
	cors CORSPolicy
}

// WithCORS sets which origins may read the read-only API from a browser; the
// default is AnyOrigin.
func WithCORS(p CORSPolicy) Option {
	return func(c *config) { c.cors = p }
}

// New returns the service's HTTP handler: every route of routes.go behind the
// access log, the common headers and panic recovery. A nil logger discards.
func New(logger *slog.Logger, s Searcher, opts ...Option) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg := config{cors: AnyOrigin}
	for _, o := range opts {
		o(&cfg)
	}
	st, err := loadSite()
	if err != nil {
		panic("server: embedded web files: " + err.Error()) // a bug in this package
	}
	// SkipClean: mux would answer "//api/search" or "/api/./topics" with a
	// bare 301; an unknown path gets the JSON 404 like any other.
	r := mux.NewRouter().SkipClean(true)
	addRoutes(r, logger, s, st, cfg.cors)
	var h http.Handler = r
	h = recoverPanics(logger, h)
	h = commonHeaders(h)
	h = accessLog(logger, h)
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

// accessLog writes one line per request: method, path, status, dur_ms,
// client. The query string is left out: it holds what people search for.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			// Only http.ErrAbortHandler gets here (recoverPanics took the
			// rest): log the request, then let net/http drop the connection.
			aborted := recover()
			status := rec.status
			if status == 0 && aborted == nil {
				status = http.StatusOK // nothing written: net/http sends 200
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Float64("dur_ms", float64(time.Since(began).Microseconds())/1000),
				slog.String("client", clientAddr(r)),
				slog.Int("bytes", rec.bytes),
			}
			if aborted != nil {
				attrs = append(attrs, slog.Bool("aborted", true))
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
			if aborted != nil {
				panic(aborted)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// clientAddr is the host part of the peer's address. Forwarding headers are
// not trusted: the service listens on loopback by default.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
