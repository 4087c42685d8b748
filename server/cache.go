package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"nmnsearch/search"
)

// HTTP caching of the read-only API's answers (/api/search, /api/suggest,
// /api/topics): a response cache in memory, and ETag and Cache-Control so
// that browsers and any cache in front reuse answers too.
const (
	// DefaultCacheBytes is the response cache's bound (-cache-size) in
	// cmd/nmnsearch; New has no response cache unless given WithCache.
	DefaultCacheBytes = 32 << 20

	// CacheMaxAge is the max-age, in seconds, of a cached answer: the
	// answers change only on an admin write or reindex, and a minute is as
	// stale as a visitor's box may be after one.
	CacheMaxAge = 60

	// cacheEntryOverhead is what an entry costs besides its key and body:
	// the list element, the map slot, the entry and its ETag.
	cacheEntryOverhead = 160
)

// cacheControl is the Cache-Control of a cacheable 200. public: the answers
// hold nothing of the visitor, and a shared cache in front may keep them.
var cacheControl = "public, max-age=" + strconv.Itoa(CacheMaxAge)

// WithCache keeps up to maxBytes of encoded /api/search, /api/suggest and
// /api/topics answers, keyed by the normalised request and by version, which
// must change whenever the answers may (index.Index.Version: every write and
// reindex). Entries of another version never answer, and the first look-up
// that sees a newer version empties the cache. maxBytes 0 (or a nil
// version) means no cache, as without this option; ETag and Cache-Control
// are sent either way.
func WithCache(maxBytes int64, version func() uint64) Option {
	return func(c *config) { c.cacheBytes, c.cacheVersion = maxBytes, version }
}

// ParseByteSize reads a size in bytes: a plain number ("33554432") or one
// with a binary unit, KiB, MiB or GiB ("64MiB", "512 KiB"); K, M and G
// mean the same. Negative sizes are refused.
func ParseByteSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num := strings.TrimRight(s, "KMGiBkmgb ")
	unit := strings.ToLower(strings.TrimSpace(s[len(num):]))
	var mult int64
	switch unit {
	case "", "b":
		mult = 1
	case "k", "kib", "kb":
		mult = 1 << 10
	case "m", "mib", "mb":
		mult = 1 << 20
	case "g", "gib", "gb":
		mult = 1 << 30
	default:
		return 0, errors.New("unknown unit " + strconv.Quote(unit) + " (use B, KiB, MiB or GiB)")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("not a size in bytes: " + strconv.Quote(s))
	}
	if n > (1<<62)/mult {
		return 0, errors.New("size too large: " + strconv.Quote(s))
	}
	return n * mult, nil
}

// responseCache is an LRU of encoded answers bounded in bytes, all of one
// index version. It does not merge concurrent misses of one key (no
// stampede protection): each runs its search, the last to finish is kept;
// the search cap bounds how many run at once.
type responseCache struct {
	max   int64
	bytes atomic.Int64 // for the gauge, read without mu

	mu      sync.Mutex
	version uint64
	lru     *list.List // of *cacheEntry, most recently used first
	byKey   map[string]*list.Element
}

type cacheEntry struct {
	key     string
	body    []byte
	gzipped []byte // body compressed, or nil when short
	etag    string
	size    int64
}

// newResponseCache returns a cache of maxBytes, or nil (no cache) for 0.
func newResponseCache(maxBytes int64) *responseCache {
	if maxBytes <= 0 {
		return nil
	}
	return &responseCache{max: maxBytes, lru: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the entry of key at version v.
func (c *responseCache) get(key string, v uint64) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		c.advance(v)
		return nil, false
	}
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry), true
}

// put files body under key at version v, evicting the least recently used
// entries past the bound. An answer of an older version than the cache's is
// dropped; one too big for the whole cache too.
func (c *responseCache) put(key string, v uint64, body, gzipped []byte, etag string) {
	size := int64(len(key)+len(body)+len(gzipped)+len(etag)) + cacheEntryOverhead
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		if v < c.version {
			return
		}
		c.advance(v)
	}
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	c.byKey[key] = c.lru.PushFront(&cacheEntry{key: key, body: body, gzipped: gzipped, etag: etag, size: size})
	c.bytes.Add(size)
	for c.bytes.Load() > c.max {
		c.remove(c.lru.Back())
	}
}

// advance empties the cache if v is newer than its version. Versions grow,
// so an older v is a request that read the version before a swap: it only
// misses.
func (c *responseCache) advance(v uint64) {
	if v < c.version {
		return
	}
	c.version = v
	c.lru.Init()
	clear(c.byKey)
	c.bytes.Store(0)
}

func (c *responseCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.byKey, e.key)
	c.bytes.Add(-e.size)
}

// cacheKey is how a route names the answer to r: ok false when the request
// is not cacheable (it will be refused; errors are never cached).
type cacheKey func(r *http.Request) (key string, ok bool)

// searchCacheKey names a search by the request as package search will
// see it after validation: q normalised, topics sorted without repeats,
// page and size defaulted. Any two requests with one key get one answer.
func searchCacheKey(r *http.Request) (string, bool) {
	req, err := parseSearchRequest(r.URL.RawQuery)
	if err != nil {
		return "", false
	}
	topics := slices.Clone(req.Topics)
	slices.Sort(topics)
	topics = slices.Compact(topics)
	if req.Page == 0 {
		req.Page = 1
	}
	if req.Size == 0 {
		req.Size = search.DefaultPageSize
	}
	var b strings.Builder
	b.WriteString("search")
	// Each string with its length first: no value can fake a separator.
	for _, s := range append([]string{search.Normalize(req.Q), req.Lang, req.Article,
		strconv.Itoa(req.Page), strconv.Itoa(req.Size)}, topics...) {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String(), true
}

// suggestCacheKey names a suggestion by q as given: the answer echoes it
// (the box matches answers to keystrokes by it), so two spellings of one
// prefix are two answers.
func suggestCacheKey(r *http.Request) (string, bool) {
	values, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return "", false
	}
	q, err := single(values, "q")
	if err != nil || q == "" {
		return "", false
	}
	return "suggest " + q, true
}

// topicsCacheKey: /api/topics takes no parameters.
func topicsCacheKey(*http.Request) (string, bool) { return "topics", true }

// httpCache answers GET and HEAD from the response cache when it holds the
// answer (without the search slot next waits for), and otherwise buffers
// next's answer: a 200 gets an ETag and Cache-Control, goes into the cache,
// and becomes a 304 when If-None-Match names it. Any other status passes
// through untouched and uncached. c may be nil: no cache, ETags still.
func httpCache(c *responseCache, version func() uint64, m *Metrics, keyOf cacheKey, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		var key string
		var v uint64
		cacheable := false
		if c != nil {
			// The version before the search: the answer is then at least
			// as new as the version it is filed under.
			v = version()
			if key, cacheable = keyOf(r); cacheable {
				if e, ok := c.get(key, v); ok {
					m.cacheRequests.WithLabelValues("hit").Inc()
					writeCacheable(w, r, e.body, e.gzipped, e.etag)
					return
				}
				m.cacheRequests.WithLabelValues("miss").Inc()
			}
		}
		buf := &bufferedWriter{header: w.Header()}
		next.ServeHTTP(buf, r)
		if buf.status != http.StatusOK {
			if buf.status != 0 {
				w.WriteHeader(buf.status)
			}
			w.Write(buf.body)
			return
		}
		etag := etagOf(buf.body)
		var gz []byte
		if cacheable {
			// Compressed once, sent many times: one packet instead of two
			// for a typical search, a quarter of the bytes.
			gz = gzipped(buf.body)
			c.put(key, v, buf.body, gz, etag)
		}
		writeCacheable(w, r, buf.body, gz, etag)
	})
}

// tookField is how the time a search took appears in its answer.
const tookField = `,"took_ms":`

// etagOf is the ETag of body: 128 bits of its SHA-256, the same in every
// process and replica that would send the same answer. A search's took_ms is
// left out, or with the cache off no two answers would share an ETag; such
// an ETag is weak (W/), since answers that differ only in took_ms share it,
// which is all If-None-Match needs. Inside a JSON string every " is escaped,
// so the first tookField is the top-level member.
func etagOf(body []byte) string {
	h := sha256.New()
	weak := ""
	if i := bytes.Index(body, []byte(tookField)); i >= 0 {
		j := i + len(tookField)
		for j < len(body) && strings.IndexByte("0123456789.-+eE", body[j]) >= 0 {
			j++
		}
		h.Write(body[:i])
		body = body[j:]
		weak = "W/"
	}
	h.Write(body)
	var sum [sha256.Size]byte
	return weak + `"` + base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0])[:16]) + `"`
}

// minGzipBytes is the smallest answer worth compressing: below it the
// answer and its headers fit one packet either way.
const minGzipBytes = 1024

// gzipWriters are reused: a new gzip.Writer allocates some 800 KB of
// tables, more than the search whose answer it compresses.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gzipped returns body compressed with gzip, or nil when it is shorter than
// minGzipBytes.
func gzipped(body []byte) []byte {
	if len(body) < minGzipBytes {
		return nil
	}
	var b bytes.Buffer
	b.Grow(len(body) / 3)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&b)
	zw.Write(body) // a bytes.Buffer does not fail
	zw.Close()
	gzipWriters.Put(zw)
	return b.Bytes()
}

// gzipETag is the ETag of the gzipped form of what etag names: a cache
// must not take one representation for the other.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gz"` }

// writeCacheable writes a 200 JSON body with its validators, gz (body
// compressed, or nil) instead when the client accepts gzip, or a 304 with no
// body when the request's If-None-Match names the ETag of what it would get.
// The compressed answer's ETag is the plain one's with -gz, as for the
// static files: a cache must not take one for the other.
func writeCacheable(w http.ResponseWriter, r *http.Request, body, gz []byte, etag string) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if gz != nil && acceptsGzip(r.Header.Values("Accept-Encoding")) {
		body, etag = gz, gzipETag(etag)
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	if noneMatch(r.Header.Values("If-None-Match"), etag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body) // the client may be gone; nothing to do about it
	}
}

// noneMatch reports whether If-None-Match lines name etag, by the weak
// comparison RFC 9110 prescribes for it, or are "*".
func noneMatch(lines []string, etag string) bool {
	for _, line := range lines {
		for t := range strings.SplitSeq(line, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
	}
	return false
}

// bufferedWriter keeps a handler's answer so that its ETag can be computed
// before the status goes out. Headers go straight to the real writer.
type bufferedWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}
