package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"nmnsearch/cmd/nmnsearch/internal/sitesync"
)

// runSync is "nmnsearch sync URL...": the pages a site's sitemaps, feeds
// or URLs list, kept in step with the index (package sitesync), in the
// data directory or through the admin API of the server that has it open.
func runSync(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name+" sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s sync [flags] URL...\n\n"+
			"Keeps the index in step with a site: each URL is a sitemap (or a sitemap index, gzip or not), an RSS\n"+
			"or Atom feed, or a page. The pages they list are fetched (only those that changed: conditional\n"+
			"requests, the sitemap's lastmod) and written as ingest writes a URL; a page sync added that left its\n"+
			"sitemap, or answers 404 or 410, is deleted. What it knows of each page is in -data's %s.\n"+
			"It honours robots.txt, waits -delay between two requests to a host, and makes -concurrency at once.\n"+
			"A page that fails is reported and skipped. SIGINT or SIGTERM stops it between pages.\n\n", name, sitesync.StateFile)
		fs.PrintDefaults()
	}
	env := &envDefaults{getenv: getenv}
	f := newOfflineFlags(fs, env)
	prefix := fs.String("prefix", "", "only the pages whose URL path starts with this (/blog/), or whose URL does (https://clinic.example/ja/)")
	match := fs.String("match", "", "only the pages whose URL this regular expression matches (/20[0-9]{2}/)")
	delay := fs.Duration("delay", sitesync.DefaultDelay, "wait between two requests to one host (a longer Crawl-delay in its robots.txt wins)")
	concurrency := fs.Int("concurrency", sitesync.DefaultConcurrency, fmt.Sprintf("requests at once, 1 to %d", sitesync.MaxConcurrency))
	if ok, err := parseCommand(fs, env, args); !ok {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("sync: name the sitemaps, feeds or pages to sync")
	}
	if *f.data == "" {
		return errors.New(`sync: -data is "": an index in memory lives only in its server; name the data directory`)
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") {
			return fmt.Errorf("sync: %s after the URLs: flags go before them (sync -data DIR URL…)", a)
		}
	}
	cfg := sitesync.Config{
		Seeds: fs.Args(), Prefix: *prefix, Delay: *delay, Concurrency: *concurrency,
		Timeout: fetchTimeout, MaxBytes: maxFetchBytes, MaxRedirects: maxRedirects, UserAgent: fetchUserAgent,
		StateFile: filepath.Join(*f.data, sitesync.StateFile), ArticleID: articleIDFromURL, Decode: toUTF8,
	}
	if *match != "" {
		re, err := regexp.Compile(*match)
		if err != nil {
			return fmt.Errorf("sync: -match: %w", err)
		}
		cfg.Match = re
	}
	if err := cfg.Check(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	topics, err := loadTopics(*f.topics)
	if err != nil {
		return err
	}

	ix, c, err := openOrAsk(ctx, getenv, f, cmdSync, topics)
	var w sitesync.Writer
	into := dataLabel(*f.data)
	switch {
	case errors.As(err, new(notServing)) && ctx.Err() != nil:
		return syncInterrupted(ctx, sitesync.Summary{})
	case errors.As(err, new(notServing)):
		return fmt.Errorf("sync: nothing written: %w", err)
	case err != nil:
		return err
	case c != nil:
		c.out = stdout
		fmt.Fprintf(stdout, "%s is open in a running server: writing through %s\n", into, c.base)
		w, into = adminWriter{c}, c.base
	default:
		defer ix.Close() // on the early returns: what was written is kept
		printOpenInfo(stdout, *f.data, ix.OpenInfo())
		w = localWriter{ix}
	}

	progress := newSyncProgress(stdout, isTerminal(stdout))
	cfg.Progress = progress.event
	sum, err := sitesync.Run(ctx, cfg, w)
	progress.done()
	switch {
	case sum.Interrupted:
		return syncInterrupted(ctx, sum)
	case errors.Is(err, sitesync.ErrBusy):
		return fmt.Errorf("sync: %w: wait for it to end (or stop it), then run this again", err)
	case err != nil:
		return fmt.Errorf("sync: %w (%s)", err, syncCounts(sum))
	}
	if ix != nil {
		if sum.Written() > 0 {
			// Many small writes leave many segments: merge them, as ingest does.
			if _, _, err := ix.Compact(ctx); err != nil && ctx.Err() == nil {
				return fmt.Errorf("sync: %s; merging the index's segments: %w", syncCounts(sum), err)
			}
		}
		if err := ix.Close(); err != nil {
			return fmt.Errorf("sync: %s; close the index: %w", syncCounts(sum), err)
		}
	}
	fmt.Fprintf(stdout, "synced %s into %s: %s; %d requests, %d pages fetched, %.1f MB, in %s\n",
		count(sum.Pages, "page"), into, syncCounts(sum), sum.Requests, sum.Fetched, float64(sum.Bytes)/1e6,
		(time.Duration(sum.TookMS) * time.Millisecond).String())
	if sum.Failed > 0 {
		return fmt.Errorf("sync: %d failed (see above); the rest were synced", sum.Failed)
	}
	return nil
}

// syncCounts is a run's counts, as its last line says them.
func syncCounts(s sitesync.Summary) string {
	return fmt.Sprintf("%d added, %d changed, %d unchanged, %d deleted, %d skipped, %d failed",
		s.Added, s.Changed, s.Unchanged, s.Deleted, s.Skipped, s.Failed)
}

// syncInterrupted is sync's error when ctx ended: the signal, then what
// was written, each article whole and remembered.
func syncInterrupted(ctx context.Context, s sitesync.Summary) error {
	done := "nothing written"
	if s.Written() > 0 {
		done = fmt.Sprintf("%d added, %d changed, %d deleted, each whole; run sync again for the rest", s.Added, s.Changed, s.Deleted)
	}
	return fmt.Errorf("sync: %w (%v): %s", errInterrupted, context.Cause(ctx), done)
}
