package search

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

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

// Issue 20: a query that costs much in one paragraph (眠 typed 256 times
// over a paragraph of the longest size, all 眠) looks at its context as it
// goes through the paragraph's positions, not only between paragraphs, so
// SearchTimeout ends it within a few milliseconds.
func TestPhraseLooksAtContextInsideAParagraph(t *testing.T) {
	q := Request{Q: strings.Repeat("眠", 256)}
	// looks counts the looks of a search over one paragraph of n 眠.
	looks := func(n int) int64 {
		s := serviceOver(t, "a.txt", "眠の話", strings.Repeat("眠", n))
		ctx := newLookCounter(0)
		if _, err := s.Search(ctx, q); err != nil {
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
		s := serviceOver(t, "a.txt", "眠の話", strings.Repeat("眠", long))
		ctx := newLookCounter(3)
		_, err := s.Search(ctx, q)
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
