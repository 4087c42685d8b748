package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
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
	addr := fs.String("addr", envOr(getenv, "NMNSEARCH_ADDR", defaultAddr),
		"listen address, host:port (env NMNSEARCH_ADDR)")
	corsOrigins := fs.String("cors-origins", envOr(getenv, "NMNSEARCH_CORS_ORIGINS", defaultCORSOrigins),
		"origins whose pages may read the read-only API, comma-separated, or * for any (env NMNSEARCH_CORS_ORIGINS)")
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

	logger := slog.New(slog.NewTextHandler(stdout, nil))

	began := time.Now()
	ix, err := index.Build(seeds.FS)
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	defer ix.Close()
	svc := search.New(ix)
	logger.Info("index built", "articles", len(svc.Articles()), "dur_ms", time.Since(began).Milliseconds())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := server.NewHTTPServer(ln.Addr().String(), server.New(logger, svc, server.WithCORS(cors)))
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	logger.Info("listening", "addr", ln.Addr().String(), "cors_origins", cors.String())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err) // Serve never returns nil
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
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
