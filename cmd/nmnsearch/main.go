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
	"strconv"
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

// run is the whole program: parse flags, build the index, serve until ctx is
// done, then shut down gracefully. Logs go to stdout as slog text lines; the
// line "msg=listening addr=HOST:PORT" names the address actually bound.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "nmnsearch"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := &envDefaults{getenv: getenv}
	addr := fs.String("addr", env.str("NMNSEARCH_ADDR", defaultAddr),
		"listen address, host:port (env NMNSEARCH_ADDR)")
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
	if env.err != nil {
		return env.err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
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
	}

	logger := slog.New(slog.NewTextHandler(stdout, nil))

	began := time.Now()
	metrics := server.NewMetrics()
	ix, err := index.Build(seeds.FS)
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	defer ix.Close()
	metrics.IndexBuilt(server.IndexBuild)
	svc := search.New(ix)
	logger.Info("index built", "articles", len(svc.Articles()), "dur_ms", time.Since(began).Milliseconds())
	var searcher server.Searcher = svc
	if testHookSearcher != nil {
		searcher = testHookSearcher(searcher)
	}

	opts := []server.Option{
		server.WithCORS(cors),
		server.WithRateLimit(*ratePerSec, *burst),
		server.WithTrustProxy(*trustProxy),
		server.WithMaxConcurrentSearches(*maxSearches),
		server.WithMetrics(metrics),
	}
	var servers []*http.Server
	var listeners []net.Listener
	defer func() {
		for _, ln := range listeners {
			ln.Close() // those not yet served; Serve closes the others
		}
	}()
	if *metricsAddr != "" {
		ln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		listeners = append(listeners, ln)
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler())
		servers = append(servers, server.NewHTTPServer(ln.Addr().String(), mux))
		opts = append(opts, server.WithoutMetricsRoute())
		logger.Info("metrics listening", "addr", ln.Addr().String())
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	listeners = append([]net.Listener{ln}, listeners...)
	servers = append([]*http.Server{server.NewHTTPServer(ln.Addr().String(), server.New(logger, searcher, opts...))}, servers...)
	logger.Info("listening", "addr", ln.Addr().String(), "cors_origins", cors.String(),
		"rate", *ratePerSec, "burst", *burst, "trust_proxy", *trustProxy,
		"max_concurrent_searches", *maxSearches, "metrics_addr", cmp.Or(*metricsAddr, "(on addr)"))

	served := make(chan error, len(servers))
	for i, srv := range servers {
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
		go func() { served <- srv.Serve(listeners[i]) }()
	}

	var failed error
	select {
	case err := <-served:
		failed = fmt.Errorf("serve: %w", err) // Serve never returns nil
	case <-ctx.Done():
	}
	// Shutdown closes the listeners, then waits for the requests in flight
	// to be answered (up to shutdownTimeout): a deploy drops no search.
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil && failed == nil {
			failed = fmt.Errorf("shutdown: %w", err)
		}
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

// envOr returns getenv(key), or def when it is empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
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
