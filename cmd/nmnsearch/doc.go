// Command nmnsearch serves the search API, the embeddable search box
// (/widget.js) and the search and article pages on -addr (or
// $NMNSEARCH_ADDR), from the index in the data directory -data (default
// ./data; "" keeps it in memory), built there from the articles embedded in
// package seeds on first start and opened on the next, until SIGINT or
// SIGTERM, when it lets the requests in flight finish and closes the index.
// Each flag falls back to an NMNSEARCH_* variable: -cors-origins lists the
// origins whose pages may read the read-only API (default * for any); -rate
// and -burst limit each client; -max-concurrent-searches caps the searches
// running at once; -trust-proxy takes the client from X-Forwarded-For;
// -metrics-addr serves /metrics on a listener of its own; and -analytics
// (on by default) counts the searches the box reports, for
// -analytics-days, in analytics.db beside articles.db (in memory with
// -data "", off on a read-only replica: package server/analytics). With
// $NMNSEARCH_ADMIN_TOKEN (or -admin-token-file) set, the admin API writes
// articles.
//
// "nmnsearch ingest FILE|DIR|URL..." adds or replaces articles from text
// files in the seeds' format, HTML files and web pages; "nmnsearch sync
// URL..." keeps the articles of a site's sitemaps, feeds or pages in step
// with it; "nmnsearch reindex" rebuilds the index: in the data directory,
// or through the admin API of the server that has it open. "nmnsearch
// publish DEST" copies the data directory for read-only replicas
// (-read-only).
//
// # Start-up
//
// main only calls run(ctx, args, getenv, stdout, stderr), so that tests run
// the whole program on 127.0.0.1:0. run wires the packages, whose imports
// point one way (server -> search -> index), and hands seeds.FS to index,
// which never imports seeds. run binds -addr (and -metrics-addr,
// -debug-addr) before it opens the data directory, so that a port already
// taken fails before the directory is locked or rebuilt, and serves at once:
// while the index opens (a build after a new IndexVersion can take a while
// on a large corpus) /healthz is 200 and everything else 503 not_ready
// (server.Starting), so that probes get answers and an operator can watch
// or profile a slow open. It logs what the open did (rebuilt, reason,
// seeded, reapplied, skipped, took_ms), counts it in index_builds_total,
// and loads kagome's dictionary in the background (index.LoadDictionary),
// which the first Japanese search waits for rather than starting a second
// load; once it serves, it logs msg=ready with the URL to open. -version
// prints the module version and VCS revision from the build information. An
// admin token is never a flag, whose value ps shows every user: it comes
// from $NMNSEARCH_ADMIN_TOKEN or a file. An environment value that does not
// parse is an error naming the variable, not a silent default.
//
// # The runtime's defaults
//
// serve sets GOGC and GOMEMLIMIT when they are unset: its live heap is
// mostly what stays (the dictionary, the index's caches) and a search's
// garbage dies young, so collecting each time the heap doubles marks the
// same long-lived heap over and over. It also raises GOMAXPROCS, when
// unset, to twice the search cap (at most four per CPU): Go reads requests
// that have arrived when a P runs out of goroutines, or every 10 ms, and
// with searches keeping every P busy a request would wait, unread, for that
// tick. With twice as many Ps as searches, some always sleep in the poller.
// Figures in .bench/README.md.
//
// # ingest, reindex and publish
//
// ingest parses every file first (an article's id is its file name,
// 001_abc.txt being 001-abc, or its URL's host and path), so that a file
// that does not parse stops it before anything is written; a URL that fails
// is reported with its reason and skipped. It reads regular files only and
// refuses one over the index's limits before reading it. It fetches with
// its own User-Agent, within fetchTimeout, maxRedirects and maxFetchBytes,
// and reads a page in the charset it declares. With the data directory
// free it writes in batches of ingestBatch articles, each atomic and
// durable (a failure says how many were written; running it again replaces
// them), then merges the index into one segment (index.Index.Compact).
//
// When a running server has the directory open, ingest and reindex go
// through its admin API instead (-addr, with the admin token), one PUT per
// article, waiting out the Retry-After of a 429 or a 503. First they leave
// a probe file in -data and ask the server whether it sees it
// (/api/admin/info?probe=): paths differ between a container and its host,
// a file does not. A server of another directory, or nothing answering at
// -addr, is refused with what to do, and nothing is written. reindex and
// publish refuse a -data that holds no articles.db, which a mistyped path
// would otherwise make into a new directory holding only the seeds; ingest
// creates one. SIGINT or SIGTERM stops ingest between writes.
//
// publish opens the writer's directory (so the writer must be stopped for
// the copy) and writes index.Index.Publish's copy into a new directory;
// replicas are restarted on it one at a time behind the load balancer.
//
// # sync
//
// sync is package sitesync (its doc is the design: what a run gathers,
// what it asks for again, what it deletes, how it is polite) run with
// ingest's client limits, User-Agent, charset decoding and article ids,
// and a writer: the data directory (each page one durable write, then
// the segments merged, as ingest does) or, as ingest, the admin API of
// the server that has it open (a PUT of the page's html and url, a
// DELETE). Its state is sync.db in -data, whose lock keeps a second run
// out. On a terminal it redraws a count of the pages done; elsewhere it
// prints a line for each page written, deleted, skipped or failed, and
// one every plainProgressEvery pages. It exits 1 when a page failed, the
// others written. To run it every hour, with the server's token:
//
//	# /etc/systemd/system/nmnsearch-sync.service
//	[Service]
//	Type=oneshot
//	User=nmnsearch
//	# a file (mode 0600) holding the line NMNSEARCH_ADMIN_TOKEN=…
//	EnvironmentFile=/etc/nmnsearch/env
//	ExecStart=/usr/local/bin/nmnsearch sync -data /var/lib/nmnsearch https://clinic.example/wp-sitemap.xml
//
//	# /etc/systemd/system/nmnsearch-sync.timer (systemctl enable --now nmnsearch-sync.timer)
//	[Timer]
//	OnCalendar=hourly
//	RandomizedDelaySec=10m
//	[Install]
//	WantedBy=timers.target
//
// # Shutdown
//
// On SIGINT or SIGTERM the server stops accepting, lets requests in flight
// finish for up to shutdownTimeout (longer than a search may take, so a
// deploy drops no search), stops admin operations (a reindex ends between
// batches and the index in use stays), then closes the index, which
// persists it, so that the next start has nothing to re-apply.
package main
