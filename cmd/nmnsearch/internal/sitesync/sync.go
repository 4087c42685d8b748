package sitesync

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"nmnsearch/index"
)

// Defaults and bounds of the polite client's pace.
const (
	DefaultDelay       = time.Second // between two requests to one host
	DefaultConcurrency = 2           // requests at once, over every host
	MaxConcurrency     = 8           // a clinic's site is a small server; more would be a load test
)

// Writer writes articles: the local index, or a running server's admin
// API. Put reports whether it created the article (rather than replacing
// one): only articles sync created are sync's to delete.
type Writer interface {
	Put(ctx context.Context, src index.Source) (created bool, err error)
	// Delete removes the article; one already gone is index.ErrNotFound.
	Delete(ctx context.Context, id string) error
}

// RejectedError marks a Writer's error as the page's own (the index
// refuses the article): that page fails, the run goes on. Any other
// Writer error stops the run.
type RejectedError struct{ Err error }

func (e *RejectedError) Error() string { return e.Err.Error() }
func (e *RejectedError) Unwrap() error { return e.Err }

// Config is what a run syncs and how.
type Config struct {
	Seeds  []string       // sitemaps, sitemap indexes, RSS or Atom feeds, or pages
	Prefix string         // only article URLs whose path starts so (or the URL, given as one); "" for all
	Match  *regexp.Regexp // only article URLs it matches; nil for all

	Delay       time.Duration // between two requests to one host (a longer Crawl-delay wins)
	Concurrency int           // requests at once, 1 to MaxConcurrency

	// The page limits and identity of the client: those of ingest.
	Timeout      time.Duration // one fetch, redirects and body included
	MaxBytes     int64         // a page's body
	MaxRedirects int
	UserAgent    string

	StateFile string                                                // the state, in the data directory (StateFile)
	ArticleID func(*url.URL) string                                 // a page's article id, from its URL
	Decode    func(body []byte, contentType string) (string, error) // a page's text in UTF-8, from its charset
	Progress  func(Event)                                           // told of each page done, one call at a time; nil: no one

	now   func() time.Time                                 // tests: the clock
	sleep func(ctx context.Context, d time.Duration) error // tests: a wait
}

// Check reports what is wrong with c, before a run asks for anything.
func (c *Config) Check() error {
	switch {
	case len(c.Seeds) == 0:
		return errors.New("no URL to sync: name sitemaps, feeds or pages")
	case c.Concurrency < 1 || c.Concurrency > MaxConcurrency:
		return fmt.Errorf("concurrency %d: want 1 to %d", c.Concurrency, MaxConcurrency)
	case c.Delay < 0:
		return fmt.Errorf("delay %v: want 0 or more", c.Delay)
	case c.Timeout <= 0 || c.MaxBytes <= 0 || c.MaxRedirects < 0 || c.UserAgent == "":
		return errors.New("the client's limits and User-Agent are unset")
	case c.StateFile == "" || c.ArticleID == nil || c.Decode == nil:
		return errors.New("StateFile, ArticleID and Decode are required")
	}
	for _, s := range c.Seeds {
		if _, err := absoluteURL(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// absoluteURL parses an http or https URL.
func absoluteURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("not an absolute http or https URL")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// keeps reports whether an article URL passes the -prefix and -match
// filters.
func (c *Config) keeps(u *url.URL) bool {
	switch {
	case c.Prefix == "":
	case strings.HasPrefix(c.Prefix, "http://") || strings.HasPrefix(c.Prefix, "https://"):
		if !strings.HasPrefix(u.String(), c.Prefix) {
			return false
		}
	case !strings.HasPrefix(u.Path, c.Prefix):
		return false
	}
	return c.Match == nil || c.Match.MatchString(u.String())
}

// runner is one run.
type runner struct {
	cfg    Config
	w      Writer
	st     *state
	f      *fetcher
	cancel context.CancelCauseFunc // the run's own end: a Writer or state error

	mu    sync.Mutex
	sum   Summary
	done  int
	total int
	ids   map[string]string // article id -> the URL that has it this run
	err   error             // what stopped the run, if it stopped itself
}

// Run syncs the pages the seeds list into w: it gathers the article URLs,
// fetches each page that may have changed, writes the new and changed
// ones, deletes those sync added that are gone, and remembers what it
// did in cfg.StateFile. A page that fails is counted and reported, never
// written; the error is for what stops the whole run (a bad Config,
// another run, the Writer, the state, ctx), with the Summary of what was
// done until then.
func Run(ctx context.Context, cfg Config, w Writer) (Summary, error) {
	sum := Summary{Started: time.Now(), Seeds: cfg.Seeds}
	finish := func(err error) (Summary, error) {
		sum.Finished = time.Now()
		sum.TookMS = sum.Finished.Sub(sum.Started).Milliseconds()
		return sum, err
	}
	if err := cfg.Check(); err != nil {
		return finish(err)
	}
	st, err := openState(cfg.StateFile)
	if err != nil {
		return finish(err)
	}
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r := &runner{cfg: cfg, w: w, st: st, f: newFetcher(&cfg), cancel: cancel, ids: map[string]string{}, sum: sum}
	jobs, err := r.gather(ctx)
	if err == nil {
		r.work(ctx, jobs)
	}
	sum = r.summary()
	switch {
	case err != nil:
	case r.err != nil:
		err = r.err
	case parent.Err() != nil:
		sum.Interrupted = true
		err = parent.Err()
	}
	if cerr := st.close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the sync state: %w", cerr)
	}
	return finish(err)
}

// stop ends the run for err: every page after it would fail the same way.
func (r *runner) stop(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	r.cancel(err)
}

// work does the jobs with cfg.Concurrency workers, until they are done or
// ctx ends.
func (r *runner) work(ctx context.Context, jobs []job) {
	queue := make(chan job)
	var wg sync.WaitGroup
	for range r.cfg.Concurrency {
		wg.Go(func() {
			for j := range queue {
				r.do(ctx, j)
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case queue <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
}

// report counts e and tells cfg.Progress, one call at a time; page is
// false for a sitemap or feed, which is none of the Total pages.
func (r *runner) report(e Event, page bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case e.Outcome == Gathered:
		r.total = e.Total
		r.sum.Pages = e.Total
	case page:
		r.done++
		fallthrough
	default:
		r.sum.count(e)
	}
	e.Done, e.Total = r.done, r.total
	if r.cfg.Progress != nil {
		r.cfg.Progress(e)
	}
}

func (r *runner) summary() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sum
	s.Requests = r.f.requests.Load()
	s.Bytes = r.f.bytes.Load()
	return s
}
