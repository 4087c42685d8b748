package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORSMaxAge is how long a browser may keep a preflight answer.
const CORSMaxAge = 10 * time.Minute

// corsMethods are the only methods another origin may use: the API it may
// read is read-only, and nothing that writes is ever opened to other origins.
var corsMethods = []string{http.MethodGet, http.MethodHead}

// CORSPolicy says which origins may read the read-only API (/api/search,
// /api/suggest, /api/topics, /api/articles...) from a browser. The zero value
// allows none; AnyOrigin allows every one, the default of New.
type CORSPolicy struct {
	any     bool
	origins []string // scheme://host[:port], lower case, no default port
}

// AnyOrigin lets every origin read the API: it is public and read-only, and
// no credentials are ever allowed.
var AnyOrigin = CORSPolicy{any: true}

// ParseCORSOrigins reads an allow-list: "*" for any origin, or origins
// separated by commas, such as "https://clinic.example,http://localhost:3000".
func ParseCORSOrigins(list string) (CORSPolicy, error) {
	var p CORSPolicy
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
			continue
		case item == "*":
			p.any = true
			continue
		}
		origin, err := parseOrigin(item)
		if err != nil {
			return CORSPolicy{}, err
		}
		if !slices.Contains(p.origins, origin) {
			p.origins = append(p.origins, origin)
		}
	}
	switch {
	case p.any && len(p.origins) > 0:
		return CORSPolicy{}, fmt.Errorf("cors origins: * allows every origin; list origins or *, not both")
	case !p.any && len(p.origins) == 0:
		return CORSPolicy{}, fmt.Errorf("cors origins: empty list; give * or origins such as https://clinic.example")
	}
	return p, nil
}

// parseOrigin checks that s is an origin as browsers send it in the Origin
// header and returns it in that form: https://clinic.example:8443.
func parseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	bad := err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != ""
	if bad {
		return "", fmt.Errorf("cors origins: %q is not an origin (scheme://host[:port], no path)", s)
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	port := u.Port()
	if port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return u.Scheme + "://" + host, nil
}

// String is the policy as ParseCORSOrigins reads it.
func (p CORSPolicy) String() string {
	if p.any {
		return "*"
	}
	return strings.Join(p.origins, ",")
}

func (p CORSPolicy) allows(origin string) bool {
	return origin != "" && (p.any || slices.Contains(p.origins, origin))
}

// cors wraps a read-only API route. A request from an allowed origin gets
// Access-Control-Allow-Origin (* under AnyOrigin, else the origin itself);
// any other gets none and the browser keeps the answer from the page. A
// preflight OPTIONS is answered here: 204 for GET or HEAD from an allowed
// origin, a JSON 403 or 405 otherwise. Credentials are never allowed.
func (p CORSPolicy) cors(logger *slog.Logger, next http.Handler) http.Handler {
	maxAge := strconv.Itoa(int(CORSMaxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowOrigin := func() {
			if !p.allows(origin) {
				return
			}
			if p.any {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
			}
		}
		if r.Method != http.MethodOptions {
			allowOrigin()
			next.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
		method := r.Header.Get("Access-Control-Request-Method")
		allow := strings.Join(append(slices.Clone(corsMethods), http.MethodOptions), ", ")
		switch {
		case origin == "" || method == "":
			// A plain OPTIONS, not a preflight: say what the route takes.
			allowOrigin()
			h.Set("Allow", allow)
			w.WriteHeader(http.StatusNoContent)
		case !p.allows(origin):
			writeError(w, r, logger, errorf(CodeOriginNotAllowed,
				"origin %s may not read this API; the service allows %s (-cors-origins)", origin, p))
		case !slices.Contains(corsMethods, method):
			// No Access-Control-Allow-* at all on a refused preflight: the
			// PUT or DELETE of the admin API it may precede is never
			// opened to another origin.
			h.Set("Allow", allow)
			writeError(w, r, logger, errorf(CodeMethodNotAllowed,
				"method %s is not allowed from another origin (allowed: %s)", method, strings.Join(corsMethods, ", ")))
		default:
			allowOrigin()
			h.Set("Access-Control-Allow-Methods", strings.Join(corsMethods, ", "))
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				// Headers change nothing on a read-only API without
				// credentials: allow those asked for.
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", maxAge)
			w.WriteHeader(http.StatusNoContent)
		}
	})
}
