package bleveq

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"nmnsearch/index"
	"nmnsearch/index/extract"
)

// lookCounter is a context that counts the looks at Err and cancels
// itself at look cancelAt (never when 0).
type lookCounter struct {
	context.Context
	cancel   context.CancelFunc
	cancelAt int64
	looks    atomic.Int64
	after    atomic.Int64 // looks once canceled
}

func newLookCounter(cancelAt int64) *lookCounter {
	ctx, cancel := context.WithCancel(context.Background())
	return &lookCounter{Context: ctx, cancel: cancel, cancelAt: cancelAt}
}

func (c *lookCounter) Err() error {
	n := c.looks.Add(1)
	if n > c.cancelAt && c.cancelAt > 0 {
		c.after.Add(1)
	}
	if n == c.cancelAt {
		c.cancel()
	}
	return c.Context.Err()
}

// Issue 20: a phrase that costs much in one paragraph (眠 typed 256 times
// over a paragraph of the longest size, all 眠) looks at its context as it
// goes through the paragraph's positions, not only between paragraphs, so
// a search's timeout ends it within a few milliseconds.
func TestPhraseLooksAtContextInsideAParagraph(t *testing.T) {
	search := func(f *fixture, ctx context.Context) error {
		q := f.phrase(f.analyze(index.AnalyzerJAQuery, strings.Repeat("眠", 256)), index.FieldJA)
		// With positions, as a search of a small index asks: every path
		// through the paragraph is marked.
		req := bleve.NewSearchRequest(NewFacetQuery(q, NewFacetCount(&f.tables, nil)))
		req.IncludeLocations = true
		return f.ix.View(func(v *index.Snapshot) error {
			_, _, err := v.Search(ctx, req)
			return err
		})
	}
	// looks counts the looks of a search over one paragraph of n 眠.
	looks := func(n int) int64 {
		f := over(t, "a.txt", "眠の話", strings.Repeat("眠", n))
		ctx := newLookCounter(0)
		if err := search(f, ctx); err != nil {
			t.Fatal(err)
		}
		return ctx.looks.Load()
	}
	short, long := 256, extract.MaxParagraphRunes
	// The longer paragraph has as many candidates (one), and more
	// positions, which every part of the phrase goes through.
	got := looks(long) - looks(short)
	if want := int64((long - short) / contextEvery); got < want {
		t.Errorf("a paragraph %d positions longer made %d more looks at the context, want %d at least (one every %d)", long-short, got, want, contextEvery)
	}

	t.Run("stops", func(t *testing.T) {
		f := over(t, "a.txt", "眠の話", strings.Repeat("眠", long))
		ctx := newLookCounter(3)
		err := search(f, ctx)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		// One look after it was canceled is the filter's, which returns
		// the error; any more is work done for nobody.
		if n := ctx.after.Load(); n > 1 {
			t.Errorf("%d looks at the context after it was canceled, want at most 1", n)
		}
	})
}
