package sitesync

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the polite client, besides the page limits a Config gives.
const (
	// maxRetries is how many times a request answered 429 or 503 with a
	// Retry-After is made again.
	maxRetries = 2
	// maxRetryAfter is the longest Retry-After waited out; a site asking
	// for more fails the page, to be tried at the next run.
	maxRetryAfter = 30 * time.Second
	// maxDocBytes bounds a sitemap or feed, after gunzip: the sitemap
	// protocol's own limit (50 MB uncompressed).
	maxDocBytes = 50 << 20
)

// Accept headers: what a request hopes to get.
const (
	acceptPage = "text/html,application/xhtml+xml;q=0.9"
	acceptAny  = "application/xml,text/xml;q=0.9,application/rss+xml,application/atom+xml,text/html;q=0.8,*/*;q=0.5"
)

// errTooLarge is the error of a body past its limit.
var errTooLarge = errors.New("too large")

// fetcher is the polite client: one User-Agent, robots.txt asked first,
// requests to a host spaced by its delay, a 429 or 503 waited out when
// the site says how long. It is safe for concurrent use; the run's
// workers are its concurrency cap.
type fetcher struct {
	client   *http.Client
	ua       string
	delay    time.Duration
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
	mu       sync.Mutex
	hosts    map[string]*host // by scheme://host:port
	requests atomic.Int64
	bytes    atomic.Int64
}

// host is what the fetcher knows of one site.
type host struct {
	next   time.Time     // the earliest time of its next request
	delay  time.Duration // between its requests: -delay, or its Crawl-delay
	robots robotsOnce
}

func newFetcher(cfg *Config) *fetcher {
	f := &fetcher{ua: cfg.UserAgent, delay: cfg.Delay, now: cfg.now, sleep: cfg.sleep, hosts: map[string]*host{}}
	if f.now == nil {
		f.now = time.Now
	}
	if f.sleep == nil {
		f.sleep = sleep
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = MaxConcurrency
	maxRedirects := cfg.MaxRedirects
	f.client = &http.Client{
		Transport: politeTransport{f: f, base: base},
		Timeout:   cfg.Timeout, // the whole fetch, redirects and body included
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			return nil
		},
	}
	return f
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func hostKey(u *url.URL) string { return strings.ToLower(u.Scheme + "://" + u.Host) }

func (f *fetcher) host(u *url.URL) *host {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hosts[hostKey(u)]
	if h == nil {
		h = &host{delay: f.delay}
		f.hosts[hostKey(u)] = h
	}
	return h
}

// turn waits for the host's next slot and takes it: requests to one host
// start at least its delay apart, whatever the number of workers.
func (f *fetcher) turn(ctx context.Context, u *url.URL) error {
	h := f.host(u)
	f.mu.Lock()
	now := f.now()
	start := h.next
	if start.Before(now) {
		start = now
	}
	h.next = start.Add(h.delay)
	f.mu.Unlock()
	return f.sleep(ctx, start.Sub(now))
}

// backOff pushes the host's next request wait past now: a Retry-After
// holds every worker off the host, not the one that was told.
func (f *fetcher) backOff(u *url.URL, wait time.Duration) {
	h := f.host(u)
	f.mu.Lock()
	if t := f.now().Add(wait); t.After(h.next) {
		h.next = t
	}
	f.mu.Unlock()
}

// setDelay makes the host's delay its Crawl-delay, when that is longer.
func (f *fetcher) setDelay(u *url.URL, d time.Duration) {
	h := f.host(u)
	f.mu.Lock()
	h.delay = max(h.delay, min(d, maxCrawlDelay))
	f.mu.Unlock()
}

// robotsKey marks a request's context: robots.txt is not to be asked for
// the request for robots.txt itself.
type robotsKey struct{}

// politeTransport asks robots.txt and waits for the host's turn before
// each request, the redirects the client follows included, and counts it.
type politeTransport struct {
	f    *fetcher
	base http.RoundTripper
}

func (t politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Value(robotsKey{}) == nil {
		if err := t.f.allowed(req.Context(), req.URL); err != nil {
			return nil, err
		}
	}
	if err := t.f.turn(req.Context(), req.URL); err != nil {
		return nil, err
	}
	t.f.requests.Add(1)
	return t.base.RoundTrip(req)
}

// response is an answer, read: its body only for a 200.
type response struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL // where the answer came from, after redirects
}

// get GETs u with the headers in hdr, reading a 200's body up to limit
// bytes, again after the Retry-After of a 429 or 503 (maxRetries times, if
// it asks for maxRetryAfter at most).
func (f *fetcher) get(ctx context.Context, u *url.URL, hdr http.Header, accept string, limit int64) (*response, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		for k, v := range hdr {
			req.Header[k] = v
		}
		req.Header.Set("User-Agent", f.ua)
		req.Header.Set("Accept", accept)
		resp, err := f.client.Do(req)
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // the URL is the caller's to name
			if ue.Timeout() && ctx.Err() == nil {
				err = fmt.Errorf("no answer within %v", f.client.Timeout)
			}
		}
		if err != nil {
			return nil, err
		}
		r := &response{status: resp.StatusCode, header: resp.Header, url: resp.Request.URL}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			resp.Body.Close()
			wait, ok := retryAfter(resp.Header.Get("Retry-After"), f.now())
			if !ok || wait > maxRetryAfter || attempt == maxRetries {
				return r, nil
			}
			f.backOff(u, wait)
			continue
		}
		if resp.StatusCode == http.StatusOK {
			r.body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
			f.bytes.Add(int64(len(r.body)))
		}
		resp.Body.Close()
		switch {
		case err != nil:
			return nil, fmt.Errorf("reading the answer: %w", err)
		case int64(len(r.body)) > limit:
			return nil, fmt.Errorf("%w: larger than %d bytes", errTooLarge, limit)
		}
		return r, nil
	}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// gunzip returns body uncompressed when it is gzip (a sitemap.xml.gz
// served as it is, not as a Content-Encoding), up to limit bytes.
func gunzip(body []byte, limit int64) ([]byte, error) {
	if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("%w: larger than %d bytes uncompressed", errTooLarge, limit)
	}
	return out, nil
}

// statusError is the reason of an answer other than the one hoped for.
func statusError(r *response) error {
	msg := fmt.Sprintf("the server answered %d %s", r.status, http.StatusText(r.status))
	if ra := r.header.Get("Retry-After"); ra != "" && (r.status == http.StatusTooManyRequests || r.status == http.StatusServiceUnavailable) {
		msg += fmt.Sprintf(" (Retry-After %s: more than this run waits, %v, or still refused after %d tries)", ra, maxRetryAfter, maxRetries+1)
	}
	return errors.New(msg)
}
