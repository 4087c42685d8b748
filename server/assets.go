package server

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
)

// Caching of the browser side. A file of web.Static is served under a name
// that holds a hash of its content (/static/nmn-search.3f2a9c1d0e4b.js), so it
// may be cached for AssetMaxAge and never revalidated. /widget.js, the address
// embedders write into their pages, cannot change name: it is a one-line
// module that imports the hashed one, cached for WidgetMaxAge, so a new
// release reaches every embedding page within that time.
const (
	AssetMaxAge  = 365 * 24 * time.Hour
	WidgetMaxAge = 5 * time.Minute

	staticPrefix = "/static/"
	hashDigits   = 12              // hex digits of SHA-256 in a hashed name
	widgetModule = "nmn-search.js" // the file /widget.js imports

	// gzipMaxPercent is how big a gzip may be, in percent of the file, to be
	// kept: one that saves less is not worth a second variant of the file in
	// every cache (Vary: Accept-Encoding) and the inflating in the browser.
	gzipMaxPercent = 90
)

// contentTypes are the types of the files in web.Static, by extension.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
}

// asset is one file as served: its body, and a gzip of it when that is
// smaller, chosen per request by Accept-Encoding.
type asset struct {
	path        string // the URL path, hashed but for /widget.js
	contentType string
	body        []byte
	gzipped     []byte // nil when gzip would not help
	etag        string // of body; the gzip's is etag with -gz
}

// assets are the files of web.Static by their plain name ("page.css") and by
// their hashed path, and the /widget.js entry point.
type assets struct {
	byName map[string]*asset
	byPath map[string]*asset
	widget *asset
}

// loadAssets reads every file at the top of fsys's static directory.
func loadAssets(fsys fs.FS) (*assets, error) {
	entries, err := fs.ReadDir(fsys, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{byName: map[string]*asset{}, byPath: map[string]*asset{}}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		ext := path.Ext(name)
		ctype, ok := contentTypes[ext]
		if !ok {
			return nil, fmt.Errorf("static/%s: no content type for %q", name, ext)
		}
		body, err := fs.ReadFile(fsys, "static/"+name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:hashDigits]
		as, err := newAsset(staticPrefix+strings.TrimSuffix(name, ext)+"."+hash+ext, ctype, body)
		if err != nil {
			return nil, err
		}
		a.byName[name], a.byPath[as.path] = as, as
	}
	module, ok := a.byName[widgetModule]
	if !ok {
		return nil, fmt.Errorf("static/%s is missing", widgetModule)
	}
	// The import is resolved against the address of /widget.js, so that it
	// reaches this service from whatever page embeds the box; export *, so
	// that a page may also import { NmnSearch } from /widget.js.
	entry := fmt.Sprintf("export * from %q;\n", "."+module.path)
	if a.widget, err = newAsset("/widget.js", contentTypes[".js"], []byte(entry)); err != nil {
		return nil, err
	}
	return a, nil
}

func newAsset(urlPath, ctype string, body []byte) (*asset, error) {
	sum := sha256.Sum256(body)
	as := &asset{path: urlPath, contentType: ctype, body: body,
		etag: `"` + hex.EncodeToString(sum[:])[:hashDigits] + `"`}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if worthGzip(len(body), buf.Len()) {
		as.gzipped = buf.Bytes()
	}
	return as, nil
}

// worthGzip reports whether a gzip of gzipped bytes is small enough, for a
// file of plain bytes, to be served (gzipMaxPercent).
func worthGzip(plain, gzipped int) bool {
	return gzipped*100 < plain*gzipMaxPercent
}

// path returns the hashed path of a file of web.Static, for templates.
func (a *assets) path(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return as.path, nil
}

// handleStatic answers GET /static/{name} with a hashed file, cached for
// AssetMaxAge as immutable. An old hash is a 404: a page that names it is
// stale, and serving today's file under it would poison caches.
func handleStatic(logger *slog.Logger, a *assets) http.Handler {
	cache := "public, max-age=" + strconv.Itoa(int(AssetMaxAge.Seconds())) + ", immutable"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		as, ok := a.byPath[staticPrefix+mux.Vars(r)["name"]]
		if !ok {
			handleNotFound(logger).ServeHTTP(w, r)
			return
		}
		serveAsset(w, r, as, cache)
	})
}

// handleWidget answers GET /widget.js, the embed snippet's entry point.
func handleWidget(a *assets) http.Handler {
	cache := "public, max-age=" + strconv.Itoa(int(WidgetMaxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveAsset(w, r, a.widget, cache)
	})
}

// serveAsset writes as with its validators; http.ServeContent answers
// If-None-Match with 304, and HEAD. A Range is ignored: the files are small,
// and ServeContent would answer one it cannot satisfy with a text/plain
// error. Any origin may read them: a module script from another origin is
// fetched with CORS, and these files are public.
func serveAsset(w http.ResponseWriter, r *http.Request, as *asset, cacheControl string) {
	r.Header.Del("Range")
	r.Header.Del("If-Range")
	h := w.Header()
	h.Set("Content-Type", as.contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	body, etag := as.body, as.etag
	if as.gzipped != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = as.gzipped, gzipETag(as.etag)
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether Accept-Encoding values allow gzip: gzip
// listed, or else *, with a q above 0.
func acceptsGzip(values []string) bool {
	var gzipQ, anyQ string // "" when not listed
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := "1"
			if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") { // "Q=0" too (RFC 9110: case-insensitive)
				q = strings.TrimSpace(val)
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip":
				gzipQ = q
			case "*":
				anyQ = q
			}
		}
	}
	q := cmp.Or(gzipQ, anyQ)
	f, err := strconv.ParseFloat(q, 64)
	return q != "" && err == nil && f > 0
}
