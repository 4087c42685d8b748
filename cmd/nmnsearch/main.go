package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/seeds"
	"nmnsearch/server"
)

// defaultAddr is where the service listens without -addr or $NMNSEARCH_ADDR:
// loopback only, so that exposing it is a decision.
const defaultAddr = "127.0.0.1:8080"

// defaultCORSOrigins lets a page on any site read the API: it is public and
// read-only, which is what an embeddable search box needs.
const defaultCORSOrigins = "*"

// defaultMetricsAddr serves /metrics on the main listener. Set
// -metrics-addr to serve it on a listener of its own (loopback, say) once
// -addr faces the internet, where /metrics should not be.
const defaultMetricsAddr = ""

// testHookSearcher, when set by a test, wraps the search service (to make
// searches slow, for one).
var testHookSearcher func(server.Searcher) server.Searcher

// testHookAdmin, when set by a test, wraps the admin writes (to hold a
// reindex, for one).
var testHookAdmin func(server.Admin) server.Admin

// testHookOpening, when set by a test, runs just before serve opens the
// index (to hold it there).
var testHookOpening func()

// shutdownTimeout bounds how long requests in flight may take to finish after
// a signal; it is longer than server.SearchTimeout, so a search can complete.
const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nmnsearch:", err)
		os.Exit(1)
	}
}

// defaultDataDir is where the index and the article store live without
// -data or $NMNSEARCH_DATA: ./data, beside wherever the service is started
// (a clone's /data/ is in .gitignore), as Meilisearch keeps ./data.ms. It
// needs no $HOME or XDG directory, which a service account or a container
// may lack, and it is where one looks for it; an installed service names its
// own directory (-data /var/lib/nmnsearch).
const defaultDataDir = "data"

// Commands of the program; the first argument picks one, serve by default.
const (
	cmdServe   = "serve"
	cmdIngest  = "ingest"
	cmdReindex = "reindex"
	cmdPublish = "publish"
	cmdSync    = "sync"
)

// run is the whole program: serve (the default), ingest or reindex, as the
// first argument says. Logs go to stdout as slog text lines; the line
// "msg=listening addr=HOST:PORT" names the address actually bound.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "nmnsearch"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	cmd := cmdServe
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case cmdServe, cmdIngest, cmdReindex, cmdPublish, cmdSync:
			cmd, args = args[0], args[1:]
		default:
			return fmt.Errorf("unexpected arguments: %q (commands: serve, ingest, sync, reindex, publish; %s -h for help)", args, name)
		}
	}
	switch cmd {
	case cmdIngest:
		return runIngest(ctx, name, args, getenv, stdout, stderr)
	case cmdReindex:
		return runReindex(ctx, name, args, getenv, stdout, stderr)
	case cmdPublish:
		return runPublish(name, args, getenv, stdout, stderr)
	case cmdSync:
		return runSync(ctx, name, args, getenv, stdout, stderr)
	}
	return serve(ctx, name, args, getenv, stdout, stderr)
}

// serve parses serve's flags, opens the index, serves until ctx is done,
// then shuts down gracefully: the requests in flight are answered, then the
// index is closed.
func serve(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs, name) }
	env := &envDefaults{getenv: getenv}
	addr := fs.String("addr", env.str("NMNSEARCH_ADDR", defaultAddr),
		"listen address, host:port (env NMNSEARCH_ADDR)")
	dataDir := dataFlag(fs, env)
	readOnly := fs.Bool("read-only", env.bool("NMNSEARCH_READ_ONLY", false),
		"serve -data as a read-only replica: a directory a writer published (nmnsearch publish), opened as it is, shared with other replicas; never rebuilt or seeded, admin writes refused 403 read_only (env NMNSEARCH_READ_ONLY)")
	tokenFile := tokenFileFlag(fs, env)
	corsOrigins := fs.String("cors-origins", env.str("NMNSEARCH_CORS_ORIGINS", defaultCORSOrigins),
		"origins whose pages may read the read-only API, comma-separated, or * for any (env NMNSEARCH_CORS_ORIGINS)")
	ratePerSec := fs.Float64("rate", env.float("NMNSEARCH_RATE", server.DefaultRate),
		"requests a second each client may make to the API and pages, on average; 0 for no limit (env NMNSEARCH_RATE)")
	burst := fs.Int("burst", env.int("NMNSEARCH_BURST", server.DefaultBurst),
		"requests each client may make at once, at least 1 (env NMNSEARCH_BURST)")
	trustProxy := fs.Bool("trust-proxy", env.bool("NMNSEARCH_TRUST_PROXY", false),
		"take the client's address from the last X-Forwarded-For entry: only behind exactly one proxy that appends it (env NMNSEARCH_TRUST_PROXY)")
	maxSearches := fs.Int("max-concurrent-searches", env.int("NMNSEARCH_MAX_CONCURRENT_SEARCHES", server.DefaultMaxConcurrentSearches()),
		"searches that may run at once, past which 503 overloaded; 0 for no cap (env NMNSEARCH_MAX_CONCURRENT_SEARCHES)")
	metricsAddr := fs.String("metrics-addr", env.str("NMNSEARCH_METRICS_ADDR", defaultMetricsAddr),
		"serve /metrics on this address instead of on -addr (env NMNSEARCH_METRICS_ADDR)")
	debugAddr := fs.String("debug-addr", env.str("NMNSEARCH_DEBUG_ADDR", ""),
		"serve Go's profiler (/debug/pprof/) on this address, loopback only; off when empty (env NMNSEARCH_DEBUG_ADDR)")
	topicsFile := topicsFlag(fs, env)
	synonymsFile := synonymsFlag(fs, env)
	cacheSize := byteSize(envParse(env, "NMNSEARCH_CACHE_SIZE", int64(server.DefaultCacheBytes), server.ParseByteSize))
	fs.Var(&cacheSize, "cache-size",
		"bytes of search, suggest and topics answers kept in memory, e.g. 64MiB or 1048576; 0 for no response cache (env NMNSEARCH_CACHE_SIZE)")
	syncURLs := fs.String("sync", env.str("NMNSEARCH_SYNC", ""),
		"sync these sitemaps, feeds or pages (comma- or space-separated) into the index at start and every -sync-every, as nmnsearch sync does; needs -data (env NMNSEARCH_SYNC)")
	syncEvery := fs.Duration("sync-every", env.duration("NMNSEARCH_SYNC_EVERY", time.Hour),
		fmt.Sprintf("how often -sync runs, at least %v (env NMNSEARCH_SYNC_EVERY)", minSyncEvery))
	analyticsOn, analyticsDays := analyticsFlags(fs, env)
	showVersion := fs.Bool("version", false, "print the version and the revision it was built from, and exit")
	if ok, err := parseCommand(fs, env, args); !ok {
		return err
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *readOnly && *dataDir == "" {
		return errors.New(`-read-only serves a data directory a writer published; -data is "" (in memory)`)
	}
	syncCfg, err := serveSyncConfig(*syncURLs, *syncEvery, *dataDir, *readOnly)
	if err != nil {
		return err
	}
	cors, err := server.ParseCORSOrigins(*corsOrigins)
	if err != nil {
		return err
	}
	switch {
	case *ratePerSec < 0 || math.IsNaN(*ratePerSec) || math.IsInf(*ratePerSec, 0):
		return fmt.Errorf("-rate %v: want a number of requests a second, 0 for no limit", *ratePerSec)
	case *ratePerSec > 0 && *burst < 1:
		return fmt.Errorf("-burst %d: want at least 1 (or -rate 0 for no limit)", *burst)
	case *maxSearches < 0:
		return fmt.Errorf("-max-concurrent-searches %d: want 0 (no cap) or more", *maxSearches)
	case *debugAddr != "" && !isLoopback(*debugAddr):
		return fmt.Errorf("-debug-addr %s: the profiler shows the process's memory and command line; give a loopback address (127.0.0.1:6060, [::1]:6060, localhost:6060)", *debugAddr)
	}
	if err := checkAnalyticsDays(*analyticsOn, *analyticsDays); err != nil {
		return err
	}
	token, err := adminToken(getenv, *tokenFile)
	if err != nil {
		return err
	}
	if token != "" {
		if err := server.CheckAdminToken(token); err != nil {
			return fmt.Errorf("%s: %w", tokenSource(*tokenFile), err)
		}
	}
	topics, err := loadTopics(*topicsFile)
	if err != nil {
		return err
	}
	synonyms, err := loadSynonyms(*synonymsFile)
	if err != nil {
		return err
	}

	logger := slog.New(slog.NewTextHandler(stdout, nil))
	tuneGC(getenv)
	tuneProcessors(getenv, *maxSearches)

	// Bind first: a taken port fails before the data directory is locked,
	// let alone rebuilt.
	var listeners []net.Listener
	defer func() {
		for _, ln := range listeners {
			ln.Close() // those not yet served; Serve closes the others
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Behind a proxy every connection comes from the proxy: no cap per client.
	perClient := server.MaxConnsPerClient
	if *trustProxy {
		perClient = 0
	}
	limited := server.LimitConnections(ln, perClient)
	ln = limited
	listeners = append(listeners, ln)
	var mln net.Listener
	if *metricsAddr != "" {
		if mln, err = net.Listen("tcp", *metricsAddr); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		listeners = append(listeners, mln)
	}
	var dln net.Listener
	if *debugAddr != "" {
		if dln, err = net.Listen("tcp", *debugAddr); err != nil {
			return fmt.Errorf("debug: %w", err)
		}
		listeners = append(listeners, dln)
	}

	// Serve at once: probes get answers (server.Starting) while the index
	// opens, which builds it when it must, and then the service's.
	front := &swapHandler{}
	front.set(server.Starting(logger, cors))
	servers := []*http.Server{server.NewHTTPServer(ln.Addr().String(), front)}
	servers[0].ConnState = limited.ConnState // idle connections close sooner near the cap
	served := make(chan error, 3)
	serve := func(srv *http.Server, ln net.Listener) {
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
		go func() { served <- srv.Serve(ln) }()
	}
	serve(servers[0], ln)
	listeners = listeners[1:] // ln is Serve's to close
	logger.Info("opening the index", "addr", ln.Addr().String(), "data", dataLabel(*dataDir))

	// The metrics and the profiler answer from the start too: a slow open
	// (a rebuild) is what one would want to watch or profile.
	metrics := server.NewMetrics()
	var profiler *http.Server
	if mln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler())
		servers = append(servers, server.NewHTTPServer(mln.Addr().String(), mux))
		logger.Info("metrics listening", "addr", mln.Addr().String())
	}
	if dln != nil {
		profiler = profilerServer(dln.Addr().String())
		servers = append(servers, profiler)
		logger.Info("profiler listening", "addr", dln.Addr().String())
	}
	for i, srv := range servers[1:] {
		serve(srv, listeners[i])
	}
	listeners = nil

	if testHookOpening != nil {
		testHookOpening()
	}
	ix, err := openIndex(*dataDir, *readOnly, topics, logger)
	if err != nil {
		for _, srv := range servers {
			srv.Close()
		}
		return err
	}
	defer ix.Close() // on the early returns; closed below after the drain
	info := ix.OpenInfo()
	if info.Rebuilt {
		metrics.IndexBuilt(server.IndexBuild)
	} else {
		metrics.IndexBuilt(server.IndexOpen)
	}
	logOpenInfo(logger, *dataDir, info)
	if *readOnly && token != "" {
		logger.Warn("read-only: the admin token is ignored; the admin routes answer 403 read_only")
	}
	// Opening a data directory loads no dictionary; the first Japanese
	// search or write would wait about a second for it. LoadDictionary is a
	// sync.OnceValue: a search that needs it meanwhile waits for this load
	// rather than starting another.
	go func() {
		began := time.Now()
		index.LoadDictionary()
		logger.Info("dictionary loaded", "took_ms", time.Since(began).Milliseconds())
	}()
	svc := search.New(ix, synonyms)
	var searcher server.Searcher = svc
	if testHookSearcher != nil {
		searcher = testHookSearcher(searcher)
	}
	var admin server.Admin = svc
	if testHookAdmin != nil {
		admin = testHookAdmin(admin)
	}

	opts := []server.Option{
		server.WithCORS(cors),
		server.WithRateLimit(*ratePerSec, *burst),
		server.WithTrustProxy(*trustProxy),
		server.WithMaxConcurrentSearches(*maxSearches),
		server.WithMetrics(metrics),
		server.WithAdmin(token, admin),
		server.WithCache(int64(cacheSize), svc.Version),
		server.WithReadOnly(*readOnly),
		server.WithDataDir(canonicalDir(*dataDir)),
		server.WithStop(ctx), // a reindex under way stops at SIGTERM
	}
	stats, err := openAnalytics(*analyticsOn, *analyticsDays, *dataDir, *readOnly, logger)
	if err != nil {
		for _, srv := range servers {
			srv.Close()
		}
		return err
	}
	if stats != nil {
		defer stats.Close() // on the early returns; closed below after the drain
		opts = append(opts, server.WithAnalytics(stats))
	}
	var syncer *syncLoop
	if syncCfg != nil {
		syncer = &syncLoop{cfg: *syncCfg, every: *syncEvery, ix: ix, logger: logger, metrics: metrics, done: make(chan struct{})}
		opts = append(opts, server.WithSync(syncer))
	}
	if mln != nil {
		opts = append(opts, server.WithoutMetricsRoute())
	}
	// The access log goes through a buffer; the process's own lines and
	// net/http's errors (srv.ErrorLog below) are written at once.
	requestLog := newLogBuffer(stdout)
	defer requestLog.Close()
	front.set(server.New(slog.New(slog.NewTextHandler(requestLog, nil)), searcher, opts...))
	logger.Info("listening", "addr", ln.Addr().String(), "data", dataLabel(*dataDir), "read_only", *readOnly, "admin", token != "" && !*readOnly,
		"cors_origins", cors.String(), "rate", *ratePerSec, "burst", *burst, "trust_proxy", *trustProxy,
		"max_concurrent_searches", *maxSearches, "metrics_addr", cmp.Or(*metricsAddr, "(on addr)"),
		"analytics", stats != nil, "analytics_days", *analyticsDays)
	logger.Info("ready", "url", openURL(ln.Addr()))
	if syncer != nil {
		go syncer.run(ctx)
	}

	var failed error
	select {
	case err := <-served:
		failed = fmt.Errorf("serve: %w", err) // Serve never returns nil
	case <-ctx.Done():
	}
	// Shutdown closes the listeners, then waits for the requests in flight
	// to be answered (up to shutdownTimeout): a deploy drops no search, and
	// no write is cut off before the index is closed.
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	for _, srv := range servers {
		if srv == profiler {
			srv.Close() // a profile being taken (up to minutes) is not worth waiting for
			continue
		}
		if err := srv.Shutdown(sctx); err != nil && failed == nil {
			failed = fmt.Errorf("shutdown: %w", err)
		}
	}
	// Lines of requests answered before here are in the log now; a request
	// still running after a Shutdown timeout is logged as it ends.
	requestLog.Close()
	if syncer != nil {
		<-syncer.done // it stops between pages at the signal, each page written whole
	}
	// The last minute of analytics, once no event can come.
	if stats != nil {
		if err := stats.Close(); err != nil {
			logger.Error("closing the analytics", "err", err)
		} else {
			logger.Info("analytics closed")
		}
	}
	// Close waits for a write still running (after a Shutdown timeout),
	// then persists the index, so that the next start re-applies nothing.
	began := time.Now()
	if err := ix.Close(); err != nil {
		logger.Error("closing the index", "err", err)
		if failed == nil {
			failed = fmt.Errorf("close index: %w", err)
		}
	} else {
		logger.Info("index closed", "took_ms", time.Since(began).Milliseconds())
	}
	if failed != nil {
		return failed
	}
	for range servers {
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	logger.Info("stopped")
	return nil
}

// usage prints the commands, then serve's flags.
func usage(fs *flag.FlagSet, name string) {
	fmt.Fprintf(fs.Output(), `Usage:
  %[1]s [serve] [flags]                 serve the search API, the box and the pages
  %[1]s ingest [-data DIR] FILE|DIR...  add or replace articles from files in the seeds' format
  %[1]s sync [-data DIR] URL...         keep the articles of a site's sitemaps or feeds in step
  %[1]s reindex [-data DIR]             rebuild the index from the stored articles
  %[1]s publish [-data DIR] DEST        copy the data directory into DEST, a new directory, for
                                        read-only replicas (%[1]s -read-only -data DEST)

ingest, sync and reindex work on the data directory, or, when a running server
has it open, through that server's admin API (-addr, $NMNSEARCH_ADMIN_TOKEN).

Flags of serve:
`, name)
	fs.PrintDefaults()
}

// dataFlag defines -data.
func dataFlag(fs *flag.FlagSet, env *envDefaults) *string {
	return fs.String("data", env.str("NMNSEARCH_DATA", defaultDataDir),
		`data directory: the stored articles and the index, created if missing; "" keeps the index in memory, built from the seeds at each start (env NMNSEARCH_DATA)`)
}

// tokenFileFlag defines -admin-token-file.
func tokenFileFlag(fs *flag.FlagSet, env *envDefaults) *string {
	return fs.String("admin-token-file", env.str("NMNSEARCH_ADMIN_TOKEN_FILE", ""),
		"file holding the admin token, instead of $NMNSEARCH_ADMIN_TOKEN (env NMNSEARCH_ADMIN_TOKEN_FILE)")
}

// adminToken is the admin token: $NMNSEARCH_ADMIN_TOKEN or the contents of
// file (without its final line break), never a flag's value, which any
// user of the machine could read in ps. "" means none.
func adminToken(getenv func(string) string, file string) (string, error) {
	token := getenv("NMNSEARCH_ADMIN_TOKEN")
	if file == "" {
		return token, nil
	}
	if token != "" {
		return "", errors.New("both $NMNSEARCH_ADMIN_TOKEN and -admin-token-file are set; give one")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("-admin-token-file: %w", err)
	}
	token = strings.TrimRight(string(b), "\r\n")
	if token == "" {
		return "", fmt.Errorf("-admin-token-file %s is empty", file)
	}
	return token, nil
}

// openURL is the address to open in a browser for a listener on addr: a
// wildcard host (0.0.0.0, ::) is reached as localhost.
func openURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// tokenSource names where the admin token came from, for an error.
func tokenSource(file string) string {
	if file != "" {
		return "-admin-token-file " + file
	}
	return "$NMNSEARCH_ADMIN_TOKEN"
}

// openIndex opens the index in dir ("" in memory) with the seeds, or, for
// a replica, read-only as it is, saying what to do when another process has
// it. The index logs its own rebuild after damage to logger.
func openIndex(dir string, readOnly bool, topics *index.Topics, logger *slog.Logger) (*index.Index, error) {
	var ix *index.Index
	var err error
	opts := []index.Option{index.WithTopics(topics), index.WithLogger(logger)}
	if readOnly {
		ix, err = index.OpenReadOnly(dir, opts...)
	} else {
		ix, err = index.Open(dir, seeds.FS, opts...)
	}
	switch {
	case errors.Is(err, index.ErrLocked) && !readOnly:
		return nil, fmt.Errorf("%w: is another nmnsearch serving %s? Stop it, or give -data another directory", err, dir)
	case errors.Is(err, index.ErrReadOnly):
		return nil, fmt.Errorf("%w; to serve it as a replica, add -read-only", err)
	}
	if err != nil {
		return nil, fmt.Errorf("open index in %s: %w", dataLabel(dir), err)
	}
	return ix, nil
}

// dataLabel names the data directory dir in a log line: its absolute path.
func dataLabel(dir string) string {
	if dir == "" {
		return "(in memory)"
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// logOpenInfo logs what Open did, and each stored article it could not
// index.
func logOpenInfo(logger *slog.Logger, dir string, info index.OpenInfo) {
	level := slog.LevelInfo
	if strings.HasPrefix(info.Reason, "index unreadable") || strings.HasPrefix(info.Reason, "index is ahead") {
		level = slog.LevelWarn // damage, healed from the store: worth an operator's look
	}
	logger.Log(context.Background(), level, "index opened", "data", dataLabel(dir), "rebuilt", info.Rebuilt, "reason", info.Reason,
		"seeded", len(info.Seeded), "reapplied", info.Reapplied, "skipped", len(info.Skipped),
		"articles", info.Articles, "took_ms", info.Took.Milliseconds())
	for _, s := range info.Skipped {
		logger.Warn("stored article not indexed", "article", s)
	}
	if info.LostIndex != "" {
		logger.Error("the index held writes articles.db lacks (articles.db came back older): written again from it; the old index is kept aside",
			"kept_aside", filepath.Join(dir, info.LostIndex), "recovered", strings.Join(info.Recovered, ", "),
			"not_recovered", strings.Join(info.NotRecovered, "; "))
	}
}

// envOr returns getenv(key), or def when it is empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// byteSize is a flag of a size in bytes, as server.ParseByteSize reads it.
type byteSize int64

// String is the size in the largest unit that divides it (32MiB), as
// Set reads it back.
func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(s string) error {
	n, err := server.ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// envDefaults reads the NMNSEARCH_* defaults of the flags, keeping the first
// value that does not parse.
type envDefaults struct {
	getenv func(string) string
	err    error
}

func (e *envDefaults) str(key, def string) string { return envOr(e.getenv, key, def) }

func (e *envDefaults) float(key string, def float64) float64 {
	return envParse(e, key, def, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

func (e *envDefaults) int(key string, def int) int { return envParse(e, key, def, strconv.Atoi) }

func (e *envDefaults) duration(key string, def time.Duration) time.Duration {
	return envParse(e, key, def, time.ParseDuration)
}

func (e *envDefaults) bool(key string, def bool) bool {
	return envParse(e, key, def, strconv.ParseBool)
}

func envParse[T any](e *envDefaults, key string, def T, parse func(string) (T, error)) T {
	s := e.getenv(key)
	if s == "" {
		return def
	}
	v, err := parse(s)
	if err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("$%s: %q is not a valid value", key, s)
		}
		return def
	}
	return v
}

// swapHandler serves with the handler last set: serve answers with
// server.Starting while the index opens, then with the service's.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}
