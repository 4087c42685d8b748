// Package server owns HTTP and nothing else: routes, parameter parsing, JSON
// encoding, the mapping of error codes to statuses, access logging and
// Prometheus metrics, the limits of the http.Server and of each client (a
// token bucket per address) and of all of them (a cap on searches at once),
// CORS for the read-only API, the admin API (bearer token, same origin
// only) that writes articles, and serving what package web embeds: the
// <nmn-search> box (/widget.js), the search page and the article pages.
// What a search means is package search's concern.
//
// # Routes and errors
//
// routes.go lists every route and the chain of limits each kind goes
// through (probes, the read-only API, pages, files, the admin API). Every
// error is a *search.Error with a code, and one table in errors.go maps
// codes to statuses and writes {"error":{"code","message"}}; an internal
// error is logged once, where it becomes a response, and shown only as
// "internal error". /healthz says the process is up; /readyz that the index
// is open, answers searches, and can persist writes. Starting answers while
// the index opens (healthz 200, everything else 503 not_ready), so that a
// probe that connects meanwhile gets an answer rather than a hanging
// connection.
//
// # Limits, and why
//
// Each limit is a named constant or an option, with a test.
//
//   - A token bucket per client (an IPv4 address or an IPv6 /64, since a
//     host is given a /64 and can use any address in it) over the API and
//     pages. At most MaxTrackedClients buckets are kept, so that an
//     attacker with many addresses gets fresh buckets, not our memory; the
//     search cap, not the rate limit, is what holds against that. Probes,
//     /metrics and static files are not limited: a probe refused under load
//     would restart a healthy process.
//   - A cap on searches at once (DefaultMaxConcurrentSearches: the CPUs and
//     one more, so that a core does not idle while a search waits for a
//     page of the index). A search is CPU work; more at once than the cores
//     can run only makes each slower. Past the cap searches queue, in the
//     order asked, for SearchQueueWait: long enough to hold a burst, short
//     enough that a search box, stale after half a second, hears of overload
//     (503 overloaded) rather than waits for it, as Meilisearch answers.
//   - SearchTimeout bounds each call into the index: 504 timeout, since a
//     503 means the service, not this query. The http.Server has
//     ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout, and
//     MaxHeaderBytes (past it net/http answers 431 in plain text before any
//     handler runs). A body is read through http.MaxBytesReader
//     (MaxBodyBytes: an HTML page of the index's largest, which JSON's
//     escapes can make half as long again).
//   - Connections: at most MaxConnsPerClient per client address (none with
//     a trusted proxy, whose connections are all the proxy's) and MaxConns
//     in all, past which the rest wait in the kernel's queue, so that one
//     client holding idle connections cannot use up the process's file
//     descriptors. A client at its cap gives up its longest-idle connection
//     for a new one (a browser reopens it unseen). From NearCapConns open
//     connections an idle one is closed after NearCapIdleTimeout rather
//     than IdleTimeout, oldest first.
//   - A panic in a handler is logged and answered 500, and the process goes
//     on.
//
// # The admin API
//
// admin.go holds the routes that write, behind sameOriginOnly, a rate limit
// of their own and the token check, in that order. Without a token the
// routes do not exist (PUT and DELETE on an article are 405 like any method
// a route does not take). They are never cross-origin: no CORS header on
// any admin answer, a preflight for a writing method gets 405, and a request
// that says it comes from another page (an Origin other than the service's
// host, or Sec-Fetch-Site cross-site or same-site) is refused 403 token or
// not, so that no page of another site can make a browser write. The token
// is compared as SHA-256 hashes in constant time, so neither its bytes nor
// its length show in the time taken (CheckAdminToken is the rule for
// tokens). Failed checks are limited per client (AdminRate, AdminBurst),
// before the token is looked at, so that a 429 tells a guesser nothing;
// requests with the right token cost nothing, so an administrator is never
// held up by anyone but a guesser from the same address. An admin answer
// comes when the write is done (a reindex of a large index, a large
// article), so it gets AdminWriteTimeout instead of WriteTimeout, once the
// token is checked. Writes run until the service stops (WithStop), not
// until the client hangs up.
//
// # Cross-origin
//
// The read-only API (search, suggest, topics, articles) answers pages of
// other origins, since embedding the box on a clinic's site is the point:
// Access-Control-Allow-Origin is * or, under an allow-list, the origin
// itself with Vary: Origin; a preflight for GET or HEAD is answered 204 and
// cached for CORSMaxAge, one from an origin not listed 403
// origin_not_allowed, one for any other method 405. Credentials are never
// allowed. /widget.js and /static/ allow any origin, since a module script
// from another origin is fetched with CORS. The admin API, the probes and
// the pages are never opened to other origins.
//
// # Caching
//
// Search, suggest and topics answers carry Cache-Control public, max-age=60
// and an ETag, and a matching If-None-Match gets 304. A search's ETag leaves
// out took_ms, so it is weak and equal for equal answers whether or not they
// came from the cache. The response cache is a byte-bounded LRU keyed by the
// request as the search sees it after normalisation, and by the index
// version, which changes on every write: the first look-up after a write
// empties it. A hit skips the search cap but not the rate limit; concurrent
// misses of one key each search (the cap bounds them); a cached answer keeps
// the took_ms of the search that filled it. Answers of minGzipBytes or more
// are also kept gzipped, under their own ETag, and every cacheable answer
// says Vary: Accept-Encoding; with no cache nothing is compressed, since
// each answer would be compressed once and sent once.
// Errors carry neither header. This is also what makes a shared cache in
// front (nginx) safe with no rule of its own: errors carry no
// Cache-Control, admin answers no-store, pages private, and Vary keeps one
// copy per origin and encoding.
//
// # The box and the pages
//
// Package web (server/web) embeds the browser side: the <nmn-search> custom
// element (one ES module, its CSS a constructed stylesheet in an open shadow
// root), the pages' CSS and script, an icon, and the html/template pages.
// Every static file is served under a name with hashDigits hex digits of its
// SHA-256, cached a year and immutable, with a gzip made once at start when
// it saves enough; an old hash is a 404. /widget.js, the one name embedders
// write, re-exports the hashed module and is cached for WidgetMaxAge, so that
// a release reaches every embedding page within that time. There is no CDN
// and no inline script, so the box works under a strict CSP.
//
// The box searches 150 ms after the last key; a newer search aborts the one
// before it, and an older answer is never shown over a newer one. Nothing is
// searched while an input method composes Japanese, only the committed text.
// It is an ARIA combobox with a listbox, an aria-live result count and
// visible focus, usable at 360 px.
//
// The box reads a highlight as text and <mark> elements only: it looks for
// the literal <mark> tags in the API's escaped highlight, decodes the rest's
// entities and creates text nodes, never assigning HTML, so an article that
// contains <script> shows those characters even if the service failed to
// escape them. Pages carry PageCSP (nothing inline, trusted types),
// Cache-Control private, no-cache, and PageReferrerPolicy no-referrer,
// since their address holds the query, which may be about someone's
// health; the box's own requests send no credentials and no Referer.
//
// The browser tests (browser_test.go, widget_test.go) drive Chromium through
// chromedp: the box embedded with its two-line snippet in a page of another
// origin, under a strict CSP and a hostile stylesheet, served through a
// proxy that records the API's requests and can delay or fail one; they
// check what a person sees. Without Chromium they skip; under CI=true they
// fail.
//
// # Analytics
//
// With WithAnalytics, POST /api/events takes what the box reports (a search
// it paused on, a hit opened: events.go), MaxEventBytes at most, rate
// limited as the API, from the origins the API allows and without
// credentials, and counts it in package analytics, which says exactly what
// is kept and is given the event's fields alone, nothing else of the
// request (no address, header or cookie). The report is an
// admin route (GET /api/admin/analytics), readers' queries found on
// analytics.MinSuggestDays days complete /api/suggest after the articles'
// words (their cache key carries the store's SuggestVersion), and /metrics
// counts searches_recorded_total and searches_no_hits_total. Recording is
// not on the search path: a search costs the same with analytics on.
//
// # Observability
//
// One access-log line per request (slog: method, path, route, status,
// duration, client, the reason of a refusal), from one middleware and the
// error writer rather than from each handler. /metrics labels requests by
// the route's template, never the raw path, and unknown methods as other,
// so that labels stay bounded; it is neither rate limited nor open to other
// origins, and scrapes run two at a time. 431s and connections cut by header or idle timeouts happen
// inside net/http and appear in neither.
package server
