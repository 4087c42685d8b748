package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/mux"

	"nmnsearch/search"
)

// Admin is what the admin routes need from package search.
// *search.Service implements it.
type Admin interface {
	PutArticle(ctx context.Context, src search.Source) (a *search.Article, created bool, err error)
	DeleteArticle(ctx context.Context, id string) error
	Reindex(ctx context.Context) (time.Duration, error)
}

var _ Admin = (*search.Service)(nil)

// Limits of the admin API's failed token checks: a guesser gets AdminRate
// guesses a second per client, against a token of at least
// MinAdminTokenLen characters; past them every request of that client is
// answered 429 with Retry-After until a token is back. Requests with the
// right token cost nothing: a batch of writes from the administrator never
// spends the limit (only someone guessing from the same address, while
// they guess, can).
const (
	AdminRate  = 5  // failed token checks a second per client, on average
	AdminBurst = 20 // at once: a mistyped token in an ingest of a few files

	// MinAdminTokenLen is the shortest admin token accepted: 16 random
	// characters are out of reach of any guessing at AdminRate.
	MinAdminTokenLen = 16
	// MaxAdminTokenLen keeps the token within one header line.
	MaxAdminTokenLen = 1024
)

// Error codes of the admin API.
const (
	CodeUnauthorized         = "unauthorized"           // no Authorization: Bearer, or the wrong token
	CodeInsufficientStorage  = "insufficient_storage"   // the data directory's disk is full
	CodeInvalidBody          = "invalid_body"           // not one JSON object of the article's fields
	CodeUnsupportedMediaType = "unsupported_media_type" // a Content-Type other than application/json
)

// adminRealm names the protection space in WWW-Authenticate.
const adminRealm = `realm="nmnsearch admin"`

// CheckAdminToken says what is wrong with token as an admin token, or nil:
// at least MinAdminTokenLen characters, at most MaxAdminTokenLen, printable
// ASCII without spaces (it travels in a header: b64token of RFC 6750).
func CheckAdminToken(token string) error {
	if n := len(token); n < MinAdminTokenLen || n > MaxAdminTokenLen {
		return fmt.Errorf("admin token: %d characters; want %d to %d (openssl rand -hex 32 makes one)",
			n, MinAdminTokenLen, MaxAdminTokenLen)
	}
	for _, c := range []byte(token) {
		if c <= ' ' || c >= 0x7f {
			return errors.New("admin token: only printable ASCII without spaces (openssl rand -hex 32 makes one)")
		}
	}
	return nil
}

// adminAuth checks the Authorization: Bearer header against the token.
// Both sides are hashed first and the hashes compared in constant time, so
// that neither the token's bytes nor its length show in the time taken.
type adminAuth struct {
	sum [sha256.Size]byte
}

func newAdminAuth(token string) *adminAuth {
	return &adminAuth{sum: sha256.Sum256([]byte(token))}
}

// errBadToken and errNoToken say why a request was not authorized.
var (
	errNoToken  = errors.New("no bearer token")
	errBadToken = errors.New("wrong token")
)

func (a *adminAuth) check(r *http.Request) error {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return errNoToken
	}
	if len(values) > 1 {
		return errBadToken
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	token = strings.TrimLeft(token, " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return errNoToken
	}
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(sum[:], a.sum[:]) != 1 {
		return errBadToken
	}
	return nil
}

// middleware answers a request without the token 401 unauthorized with
// WWW-Authenticate: Bearer (RFC 6750), and error="invalid_token" when a
// token was given but is not the one; past failures' limit per client
// (nil: none), 429 rate_limited with Retry-After instead.
func (a *adminAuth) middleware(failures *clientLimiter, client func(*http.Request) string, answer answerFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A client whose failures spent its tokens is refused before its
		// token is looked at, right or wrong: otherwise a guesser would
		// go on guessing, told by a 429 that a guess was wrong.
		key := clientKey(client(r))
		refuse := func(wait time.Duration) {
			secs := retryAfterSeconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			answer(w, r, errorf(CodeRateLimited, "too many failed admin token checks: at most %.3g a second, %d at once; retry in %d s",
				float64(failures.limit), failures.burst, secs))
		}
		if failures != nil {
			if spent, wait := failures.spent(key); spent {
				refuse(wait)
				return
			}
		}
		err := a.check(r)
		if err == nil {
			next.ServeHTTP(w, r)
			return
		}
		if failures != nil {
			failures.allow(key) // a failure costs a token; the right token none
		}
		switch err {
		case errNoToken:
			w.Header().Set("WWW-Authenticate", "Bearer "+adminRealm)
			answer(w, r, errorf(CodeUnauthorized, "the admin API needs Authorization: Bearer <NMNSEARCH_ADMIN_TOKEN>"))
		default:
			w.Header().Set("WWW-Authenticate", "Bearer "+adminRealm+`, error="invalid_token"`)
			answer(w, r, errorf(CodeUnauthorized, "the bearer token is not the admin token"))
		}
	})
}

// sameOriginOnly refuses, 403 origin_not_allowed, an admin request that a
// browser sent from a page of another origin: one whose Origin header is
// not this service's own address (the Host it was asked on), or whose
// Sec-Fetch-Site says cross-site or same-site. Browsers cannot send such a
// PUT, DELETE or JSON POST anyway, since the preflight before it gets no
// Access-Control-Allow-*; this holds even if a proxy in front added CORS
// headers. curl and the ingest command send neither header. Every admin
// answer is Cache-Control: no-store.
func sameOriginOnly(answer answerFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			answer(w, r, errorf(CodeOriginNotAllowed,
				"the admin API is never cross-origin (Sec-Fetch-Site: %s)", site))
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameHost(origin, r.Host) {
			answer(w, r, errorf(CodeOriginNotAllowed,
				"the admin API is never cross-origin: Origin %s is not this service (%s)", origin, r.Host))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameHost reports whether origin (scheme://host[:port]) names host, the
// request's Host, ignoring the scheme's default port: the scheme the client
// used is unknown behind a TLS proxy.
func sameHost(origin, host string) bool {
	o, err := parseOrigin(origin)
	if err != nil {
		return false // "null", or not an origin at all
	}
	scheme, oHost, _ := strings.Cut(o, "://")
	host = strings.ToLower(host)
	switch {
	case scheme == "http":
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https":
		host = strings.TrimSuffix(host, ":443")
	}
	return oHost == host
}

// articleInput is the body of PUT /api/articles/{id}: the article's fields
// but its id, which the path gives. Exactly one of text (a file in the
// seeds' format, site chrome dropped), paragraphs (taken as given) and html
// (a web page, its main content found).
type articleInput struct {
	Title      string   `json:"title"`
	URL        string   `json:"url"`
	Topics     []string `json:"topics"`
	Text       string   `json:"text"`
	Paragraphs []string `json:"paragraphs"`
	HTML       string   `json:"html"`
}

// handlePutArticle answers PUT /api/articles/{id}: 201 with the article as
// stored when the id is new (and Location), 200 when it replaced one; once
// answered, the write survives a crash. A body that is not one JSON object
// of articleInput's fields, or an article that does not parse, changes
// nothing.
func handlePutArticle(logger *slog.Logger, a Admin) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		if err := checkJSONContentType(r); err != nil {
			writeError(w, r, logger, err)
			return
		}
		in, err := decodeArticle(r.Body)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		art, created, err := a.PutArticle(r.Context(), search.Source{
			ID: id, Title: in.Title, URL: in.URL, Topics: in.Topics, Text: in.Text, Paragraphs: in.Paragraphs, HTML: in.HTML,
		})
		if err != nil {
			writeError(w, r, logger, adminFailure(err))
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
			w.Header().Set("Location", "/api/articles/"+url.PathEscape(id))
		}
		writeJSON(w, r, logger, status, newArticleDetail(art))
	})
}

// handleArticleDropped answers GET /api/articles/{id}?dropped=1 for the
// admin: the article with the lines left out of it and why, so that an
// operator sees what its site's furniture was taken to be.
func handleArticleDropped(logger *slog.Logger, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.Article(mux.Vars(r)["id"])
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		out := newArticleDetail(a)
		out.Dropped = nonNil(slices.Clone(a.Dropped))
		writeJSON(w, r, logger, http.StatusOK, out)
	})
}

// handleDeleteArticle answers DELETE /api/articles/{id}: 204, or 404 for an
// id the index does not hold.
func handleDeleteArticle(logger *slog.Logger, a Admin) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.DeleteArticle(r.Context(), mux.Vars(r)["id"]); err != nil {
			writeError(w, r, logger, adminFailure(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// adminDeadline gives next's answer AdminWriteTimeout to go out. The
// server's WriteTimeout runs from the request's arrival: a write that
// outlasted it (a reindex, a large article, a write waiting for another)
// would be done and its answer cut off, the client told the connection
// broke. Every wrapper of the writer must Unwrap to the connection's for
// this to reach it (TestAdminWriteOutlastsWriteTimeout); the error is
// ignored, as a test's recorder has no deadline to move.
func adminDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(AdminWriteTimeout))
		next.ServeHTTP(w, r)
	})
}

// untilStop runs next under a context that ends with stop rather than
// with the request: a client that hangs up does not undo the write it sent,
// and a stopping service stops a reindex rather than wait for it.
func untilStop(stop context.Context, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
		defer cancel()
		if stop != nil {
			defer context.AfterFunc(stop, cancel)()
			if stop.Err() != nil {
				cancel() // AfterFunc's call would come in a goroutine of its own
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// adminInfo is the answer of GET /api/admin/info.
type adminInfo struct {
	DataDir string `json:"data_dir"`        // "": an index in memory
	Probe   *bool  `json:"probe,omitempty"` // whether the probe file asked about is in DataDir
}

// probeFile is the name of a file a command leaves in its data directory
// to ask a server whether that directory is the server's: paths differ
// between a container and its host, a file does not.
var probeFile = regexp.MustCompile(`^\.nmnsearch-probe-[0-9a-f]{32}$`)

// handleAdminInfo answers GET /api/admin/info: which data directory this
// server writes to (see WithDataDir), and with ?probe=NAME whether the file
// NAME (probeFile) is in it.
func handleAdminInfo(logger *slog.Logger, dataDir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := adminInfo{DataDir: dataDir}
		if name := r.URL.Query().Get("probe"); name != "" {
			if !probeFile.MatchString(name) {
				writeError(w, r, logger, errorf(search.CodeInvalid, "probe must be a file name like .nmnsearch-probe-<32 hex digits>"))
				return
			}
			found := false
			if dataDir != "" {
				_, err := os.Stat(filepath.Join(dataDir, name))
				found = err == nil
			}
			info.Probe = &found
		}
		writeJSON(w, r, logger, http.StatusOK, info)
	})
}

// reindexBody is the answer of POST /api/admin/reindex.
type reindexBody struct {
	Status     string  `json:"status"`
	Articles   int     `json:"articles"`
	Paragraphs int     `json:"paragraphs"`
	TookMS     float64 `json:"took_ms"`
}

// handleReindex answers POST /api/admin/reindex: the index rebuilt from the
// stored articles and swapped in while searches go on, counted in m.
func handleReindex(logger *slog.Logger, a Admin, s Searcher, m *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		took, err := a.Reindex(r.Context())
		if err != nil {
			writeError(w, r, logger, adminFailure(err))
			return
		}
		m.IndexBuilt(IndexReindex)
		out := reindexBody{Status: "reindexed", TookMS: float64(took.Microseconds()) / 1000}
		for _, art := range s.Articles() {
			if art != nil {
				out.Articles++
				out.Paragraphs += len(art.Paragraphs)
			}
		}
		logger.InfoContext(r.Context(), "index swapped", "kind", IndexReindex,
			"articles", out.Articles, "paragraphs", out.Paragraphs, "took_ms", out.TookMS)
		writeJSON(w, r, logger, http.StatusOK, out)
	})
}

// adminFailure turns a closed index into a 503; the caller's mistakes are
// *search.Errors already, and anything else is internal (logged once, by
// writeError).
func adminFailure(err error) error {
	switch {
	case errors.Is(err, search.ErrClosed):
		return errorf(CodeNotReady, "the index is closed: the service is shutting down")
	case errors.Is(err, context.Canceled):
		return errorf(CodeNotReady, "the service is shutting down: a write not begun was not made, a reindex was stopped and the index in use stays")
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		// nothing was written: the store commits whole or not at all
		return errorf(CodeInsufficientStorage, "the disk of the data directory is full: nothing was written; free some space and send it again")
	}
	return err
}

// checkJSONContentType refuses a body declared as anything but JSON. No
// Content-Type at all is taken as JSON.
func checkJSONContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return errorf(CodeUnsupportedMediaType,
			"the body must be application/json (got %q; curl: --json or -H 'Content-Type: application/json')", ct)
	}
	return nil
}

// decodeArticle reads exactly one JSON object of articleInput's fields from
// body. A body past the limit comes back as the *http.MaxBytesError that
// writeError answers 413.
func decodeArticle(body io.Reader) (*articleInput, error) {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	var in *articleInput
	if err := dec.Decode(&in); err != nil {
		return nil, bodyError(err)
	}
	if in == nil {
		return nil, errorf(CodeInvalidBody, "the body is null; want a JSON object with text or paragraphs")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		if err == nil {
			return nil, errorf(CodeInvalidBody, "the body holds more than one JSON value")
		}
		return nil, bodyError(err)
	}
	return in, nil
}

// bodyError says what is wrong with a body that did not decode, without
// Go's type names.
func bodyError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return err
	}
	if errors.Is(err, io.EOF) {
		return errorf(CodeInvalidBody, "the body is empty; want a JSON object with text or paragraphs")
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if e.Field == "" {
			return errorf(CodeInvalidBody, "the body is a JSON %s; want an object", e.Value)
		}
		want := map[string]string{"title": "a string", "url": "a string", "text": "a string",
			"topics": "a list of strings", "paragraphs": "a list of strings"}[strings.SplitN(e.Field, ".", 2)[0]]
		return errorf(CodeInvalidBody, "%s must be %s (got a JSON %s)", e.Field, want, e.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf(CodeInvalidBody, "the body is cut short: not a whole JSON object")
	}
	// Syntax errors and unknown fields: encoding/json says where, in words
	// of JSON.
	return errorf(CodeInvalidBody, "the body is not a JSON article: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// handleReadOnly answers every admin request of a read-only replica: 403
// read_only, Cache-Control: no-store.
func handleReadOnly(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		writeError(w, r, logger, errorf(CodeReadOnly,
			"this server is a read-only replica of a published index: send %s %s to the writer, then publish again",
			r.Method, r.URL.Path))
	})
}
