package sitesync

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when the fetcher waits, by the
// whole wait: each wait is what the fetcher asked for.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newFakeClock(cfg *Config) *fakeClock {
	c := &fakeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	cfg.now, cfg.sleep = c.now, c.sleep
	return c
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.waits = append(c.waits, d)
		c.t = c.t.Add(d)
	}
	return ctx.Err()
}

func (c *fakeClock) waited() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

// robots.txt: a disallowed path is never asked for, and a Crawl-delay
// longer than the run's delay is the host's.
func TestSyncRobots(t *testing.T) {
	s := newSite(t)
	s.set("/blog/a", "/private/b", "/blog/c")
	s.robots = "User-agent: *\nDisallow: /wp-admin/\n\nUser-agent: nmnsearch\nDisallow: /private/\nCrawl-delay: 3\n"
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.UserAgent = "nmnsearch-ingest/1 (+tests)" // its group is nmnsearch's
	cfg.Concurrency = 1
	clock := newFakeClock(&cfg)
	w := newMemWriter()
	sum, events := runSync(t, cfg, w)
	if got := outcomes(events)["/private/b"]; got != "skipped: disallowed by robots.txt" {
		t.Errorf("/private/b: %q", got)
	}
	if requests, _ := s.counts(); requests["/private/b"] != 0 {
		t.Error("a path robots.txt disallows was requested")
	}
	if got, want := countsOf(sum), (counts{Added: 2, Skipped: 1}); got != want {
		t.Errorf("%+v, want %+v", got, want)
	}
	// robots.txt, the sitemap at once, then the two pages 3 s apart.
	if got, want := clock.waited(), []time.Duration{3 * time.Second, 3 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

// A Crawl-delay is capped at maxCrawlDelay; a robots.txt past
// maxRobotsBytes, or answering 5xx, fails the host's pages for the run.
func TestSyncRobotsLimits(t *testing.T) {
	if maxCrawlDelay > time.Minute || maxRobotsBytes < 100<<10 {
		t.Errorf("maxCrawlDelay %v, maxRobotsBytes %d", maxCrawlDelay, maxRobotsBytes)
	}
	for _, tc := range []struct {
		name   string
		robots http.HandlerFunc
		want   string
		waits  []time.Duration
	}{
		{"crawl-delay", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("User-agent: *\nCrawl-delay: 3600\n")) },
			"added", []time.Duration{maxCrawlDelay}},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("User-agent: *\nDisallow: /x/\n" + strings.Repeat("# comment\n", maxRobotsBytes/10+1)))
		}, "failed: robots.txt is larger than 512000 bytes", nil},
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) },
			"failed: robots.txt: the server answered 500 Internal Server Error", nil},
		{"404", http.NotFound, "added", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t)
			s.set("/a", "/b")
			s.handle("/robots.txt", tc.robots)
			cfg := testConfig(t.TempDir(), s.url("/a"), s.url("/b"))
			clock := newFakeClock(&cfg)
			sum, events := runSync(t, cfg, newMemWriter())
			if got := outcomes(events)["/b"]; got != tc.want {
				t.Errorf("/b: %q, want %q", got, tc.want)
			}
			if got := clock.waited(); !slices.Equal(got, tc.waits) {
				t.Errorf("waits %v, want %v", got, tc.waits)
			}
			if requests, _ := s.counts(); strings.HasPrefix(tc.want, "failed") && requests["/b"] != 0 {
				t.Errorf("a page was asked for without robots.txt: %v (%+v)", requests, countsOf(sum))
			}
		})
	}
}

// -delay spaces the requests to one host: robots.txt at once, then the
// sitemap and each page a delay after the one before.
func TestSyncDelay(t *testing.T) {
	s := newSite(t)
	s.set("/a", "/b", "/c", "/d")
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.Delay, cfg.Concurrency = time.Second, 1
	clock := newFakeClock(&cfg)
	runSync(t, cfg, newMemWriter())
	requests, _ := s.counts()
	want := slices.Repeat([]time.Duration{time.Second}, 5)
	if got := clock.waited(); total(requests) != 6 || !slices.Equal(got, want) {
		t.Errorf("%d requests, waits %v; want 6 requests, waits %v", total(requests), got, want)
	}
	if DefaultDelay < time.Second || DefaultConcurrency > 2 || MaxConcurrency > 8 {
		t.Errorf("defaults: delay %v, concurrency %d, at most %d", DefaultDelay, DefaultConcurrency, MaxConcurrency)
	}
}

// Workers take turns at a host: each request a delay after the one
// before, whoever makes it; another host has turns of its own.
func TestTurnsAtOneHost(t *testing.T) {
	cfg := Config{Delay: time.Second}
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var waits []time.Duration
	cfg.now = func() time.Time { return t0 } // the clock stands still: each wait is from t0
	cfg.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	f := newFetcher(&cfg)
	a, _ := absoluteURL("http://clinic.example/a")
	b, _ := absoluteURL("http://other.example/b")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { f.turn(context.Background(), a) })
	}
	wg.Wait()
	f.turn(context.Background(), b)
	slices.Sort(waits)
	if want := []time.Duration{0, 0, time.Second, 2 * time.Second, 3 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

// At most Concurrency requests at once: the pages' handlers hold until
// as many are in as may be, and count.
func TestSyncConcurrencyCap(t *testing.T) {
	s := newSite(t)
	paths := []string{"/a", "/b", "/c", "/d", "/e"}
	s.set(paths...)
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	inFlight, most, left := 0, 0, len(paths)
	const cap = 2
	for _, p := range paths {
		s.handle(p, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			cond.Broadcast()
			for inFlight < min(cap, left) {
				cond.Wait()
			}
			inFlight--
			left--
			cond.Broadcast()
			mu.Unlock()
			s.servePage(w, r)
		})
	}
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.Concurrency = cap
	sum, _ := runSync(t, cfg, newMemWriter())
	if most != cap || sum.Added != len(paths) {
		t.Errorf("at most %d requests at once (want %d); %+v", most, cap, countsOf(sum))
	}
}

// A 429 or 503 with a Retry-After is waited out (the whole host waits),
// up to maxRetries times and maxRetryAfter; past them the page fails.
func TestSyncRetryAfter(t *testing.T) {
	s := newSite(t)
	s.set("/busy", "/later", "/always")
	var mu sync.Mutex
	tries := map[string]int{}
	answer := func(status int, retryAfter string, times int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			tries[r.URL.Path]++
			n := tries[r.URL.Path]
			mu.Unlock()
			if n <= times {
				w.Header().Set("Retry-After", retryAfter)
				http.Error(w, "busy", status)
				return
			}
			s.servePage(w, r)
		}
	}
	s.handle("/busy", answer(http.StatusServiceUnavailable, "2", 1))
	s.handle("/later", answer(http.StatusTooManyRequests, "3600", 1))
	s.handle("/always", answer(http.StatusTooManyRequests, "Mon, 02 Mar 2026 10:00:05 GMT", 10))
	cfg := testConfig(t.TempDir(), s.url("/sitemap.xml"))
	cfg.Concurrency = 1
	clock := newFakeClock(&cfg)
	sum, events := runSync(t, cfg, newMemWriter())
	got := outcomes(events)
	if got["/busy"] != "added" ||
		!strings.HasPrefix(got["/later"], "failed: the server answered 429 Too Many Requests (Retry-After 3600: more than this run waits") ||
		!strings.HasPrefix(got["/always"], "failed: the server answered 429 Too Many Requests (Retry-After Mon") {
		t.Errorf("outcomes %v", got)
	}
	if tries["/busy"] != 2 || tries["/later"] != 1 || tries["/always"] != maxRetries+1 {
		t.Errorf("tries %v, want /busy 2, /later 1, /always %d", tries, maxRetries+1)
	}
	// 2 s; then from 10:00:02 to the date asked for, 10:00:05.
	if waits := clock.waited(); !slices.Equal(waits, []time.Duration{2 * time.Second, 3 * time.Second}) {
		t.Errorf("waits %v, want 2s and 3s", waits)
	}
	if sum.Failed != 2 || maxRetryAfter > time.Minute || maxRetries > 3 {
		t.Errorf("%+v; maxRetryAfter %v, maxRetries %d", countsOf(sum), maxRetryAfter, maxRetries)
	}
}
