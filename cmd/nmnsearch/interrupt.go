package main

import (
	"context"
	"errors"
	"fmt"

	"nmnsearch/index"
)

// errInterrupted is in the error of an ingest stopped by SIGINT or SIGTERM
// (its context done), so that the one line says so rather than "context
// canceled".
var errInterrupted = errors.New("interrupted")

// testHookReading, when set by a test, runs as ingest starts reading its
// files (to hold it there, as a read that never ends).
var testHookReading func()

// testHookWriting, when set by a test, runs as ingest starts each write
// into the data directory, written articles in.
var testHookWriting func(ctx context.Context, written int)

// interrupted is ingest's error when ctx ended: the signal, then what was
// written (done).
func interrupted(ctx context.Context, done string) error {
	return fmt.Errorf("ingest: %w (%v): %s", errInterrupted, context.Cause(ctx), done)
}

// written says what an interrupted ingest wrote: the first n of arts, each
// whole (a write is atomic), and sending, when not "", the one whose PUT
// was cut off.
func written(arts []index.Article, n int, sending string) string {
	var s string
	switch n {
	case 0:
		if sending == "" {
			return "nothing written"
		}
		s = fmt.Sprintf("none of the %d articles written", len(arts))
	case 1:
		s = fmt.Sprintf("1 of %d articles written (%s)", len(arts), arts[0].ID)
	default:
		s = fmt.Sprintf("%d of %d articles written (%s … %s)", n, len(arts), arts[0].ID, arts[n-1].ID)
	}
	if sending != "" {
		// The server writes an article whole or not at all, whether or
		// not its answer is read: which, only it knows.
		s += fmt.Sprintf(", and %s was being sent (the server has it whole or not at all)", sending)
	}
	return s + "; ingest them again to write the rest"
}

// readArticles is index.ReadArticleFiles given up on when ctx ends: it
// reads and parses every file before it returns (minutes for a large
// directory) and writes nothing, so that leaving it loses nothing.
func readArticles(ctx context.Context, paths []string) ([]index.Article, error) {
	type result struct {
		arts []index.Article
		err  error
	}
	done := make(chan result, 1) // the reader never blocks on a receiver gone
	go func() {
		if testHookReading != nil {
			testHookReading()
		}
		arts, err := index.ReadArticleFiles(paths...)
		done <- result{arts, err}
	}()
	select {
	case r := <-done:
		return r.arts, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
