package server

import (
	"container/list"
	"context"
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits on what one client, and all of them together, may ask of the
// service. New applies no rate limit unless told (WithRateLimit): a program
// that embeds the handler may sit behind its own; cmd/nmnsearch turns it on
// with DefaultRate and DefaultBurst.
const (
	DefaultRate  = 20 // requests a second per client, on average
	DefaultBurst = 40 // requests a client may make at once: a page and a few keystrokes of the box

	// MaxTrackedClients bounds the rate limiter's memory (a few hundred
	// bytes a client): past it the client seen least recently is forgotten,
	// so an attacker with many addresses gets fresh buckets, not our memory.
	// The search cap, not the rate limit, is what holds against that.
	MaxTrackedClients = 10_000

	// IPv6Prefix is how much of an IPv6 address names one client: a host
	// is given a /64 and can use any address in it.
	IPv6Prefix = 64

	// SearchQueueWait is how long a search waits for a slot when every one
	// is busy before it is answered 503 overloaded. The slots are taken in
	// the order asked, so this is a queue: long enough to hold a burst of
	// searches over a large index, short enough that a search box, which is
	// stale after half a second, hears of overload rather than waits for it.
	SearchQueueWait = 500 * time.Millisecond

	// OverloadedRetryAfter is the Retry-After of a 503 overloaded, in seconds.
	OverloadedRetryAfter = 1

	// MaxBodyBytes bounds a request body read through limitBody: the
	// article of PUT /api/articles/{id}: an HTML page may be the index's
	// 4 MiB, which JSON's escapes of its quotes and angle brackets can make
	// half as long again.
	MaxBodyBytes = 8 << 20
)

// DefaultMaxConcurrentSearches is the cap on searches running at once
// (-max-concurrent-searches): one more than the CPUs (StartProcs), so that
// a core does not idle while one search waits for a page of the index or
// for the OS. A search is CPU work; more at once than the cores can run
// only makes each slower, and the scheduler shares them unfairly (figures
// in .bench/README.md).
func DefaultMaxConcurrentSearches() int { return StartProcs() + 1 }

// StartProcs is GOMAXPROCS as the runtime set it when the process started
// (the CPUs, or the container's CPU limit): nmnsearch serve raises
// GOMAXPROCS to twice the search cap (see cmd/nmnsearch), and the cap must
// not follow.
func StartProcs() int { return startProcs }

var startProcs = runtime.GOMAXPROCS(0)

// clientIP is the address of the client: the peer's, or with trustProxy the
// last one of X-Forwarded-For, which is the peer of the proxy in front of
// us. Addresses further left were written by the client and prove nothing.
// trustProxy therefore assumes exactly one proxy that appends to the header
// (nginx's $proxy_add_x_forwarded_for, Caddy, a load balancer); behind none
// it would let every client pick its own address.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if ip, ok := lastForwarded(r.Header.Values("X-Forwarded-For")); ok {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// lastForwarded returns the last address of X-Forwarded-For header lines, if
// it is one.
func lastForwarded(values []string) (string, bool) {
	if len(values) == 0 {
		return "", false
	}
	list := values[len(values)-1]
	last := strings.TrimSpace(list[strings.LastIndexByte(list, ',')+1:])
	if a, err := netip.ParseAddr(last); err == nil {
		return a.WithZone("").String(), true
	}
	if ap, err := netip.ParseAddrPort(last); err == nil { // some proxies add the port
		return ap.Addr().WithZone("").String(), true
	}
	return "", false
}

// clientKey is what the rate limiter counts by: an IPv4 address, or the
// IPv6Prefix network of an IPv6 one.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip // not an address (a test's RemoteAddr); count it as it is
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, IPv6Prefix).Masked().String()
}

// clientLimiter is a token bucket per client, rate.Limiter's, in a map of at
// most max clients. A bucket left alone for idle is full again, exactly as a
// new one would be, so forgetting it changes nothing; only when max clients
// were all seen within idle is a live bucket forgotten, the least recent.
type clientLimiter struct {
	limit rate.Limit
	burst int
	idle  time.Duration
	max   int
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*list.Element // of *bucket
	lru     list.List                // *bucket, the most recently seen first
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	last time.Time
}

// newClientLimiter allows each client perSecond requests a second with
// bursts of burst (at least 1), tracking at most maxClients. It returns nil,
// no limit, when perSecond is 0 or less.
func newClientLimiter(perSecond float64, burst, maxClients int) *clientLimiter {
	if perSecond <= 0 || math.IsNaN(perSecond) {
		return nil
	}
	burst = max(burst, 1)
	return &clientLimiter{
		limit:   rate.Limit(perSecond),
		burst:   burst,
		idle:    time.Duration(float64(burst) / perSecond * float64(time.Second)),
		max:     max(maxClients, 1),
		now:     time.Now,
		clients: map[string]*list.Element{},
	}
}

// allow takes a token from key's bucket. When there is none it takes
// nothing and says how long until there will be one.
func (l *clientLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.forgetIdle(now)
	var b *bucket
	if el, ok := l.clients[key]; ok {
		b = el.Value.(*bucket)
		l.lru.MoveToFront(el)
	} else {
		if l.lru.Len() >= l.max {
			oldest := l.lru.Back()
			l.lru.Remove(oldest)
			delete(l.clients, oldest.Value.(*bucket).key)
		}
		b = &bucket{key: key, lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = l.lru.PushFront(b)
	}
	b.last = now
	res := b.lim.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now) // give the token back: a refused request costs nothing
		return false, wait
	}
	return true, 0
}

// spent reports whether key's bucket is empty now, taking nothing, and how
// long until it holds a token again.
func (l *clientLimiter) spent(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.clients[key]
	if !ok {
		return false, 0
	}
	now := l.now()
	res := el.Value.(*bucket).lim.ReserveN(now, 1)
	wait := res.DelayFrom(now)
	res.CancelAt(now)
	return wait > 0, wait
}

// forgetIdle drops the buckets not used for idle, the least recent first.
func (l *clientLimiter) forgetIdle(now time.Time) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		b := el.Value.(*bucket)
		if now.Sub(b.last) < l.idle {
			return
		}
		l.lru.Remove(el)
		delete(l.clients, b.key)
	}
}

// tracked is how many clients the limiter holds.
func (l *clientLimiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// answerFunc writes an error as a route answers them: JSON for the API, an
// HTML page for the pages.
type answerFunc func(w http.ResponseWriter, r *http.Request, err error)

// middleware answers a client past its rate 429 rate_limited, with
// Retry-After in whole seconds, rounded up. A nil limiter limits nothing.
func (l *clientLimiter) middleware(client func(*http.Request) string, answer answerFunc, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(clientKey(client(r)))
		if !ok {
			secs := retryAfterSeconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			answer(w, r, errorf(CodeRateLimited,
				"too many requests: at most %.3g a second, %d at once; retry in %d s", float64(l.limit), l.burst, secs))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// retryAfterSeconds is d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// searchSlots caps the searches running at once. A search that finds every
// slot taken waits up to wait for one, then is answered 503 overloaded with
// Retry-After: meant for the routes that query the index.
type searchSlots struct {
	c    chan struct{}
	wait time.Duration
}

// newSearchSlots returns n slots, or nil, no cap, when n is 0 or less.
func newSearchSlots(n int, wait time.Duration) *searchSlots {
	if n <= 0 {
		return nil
	}
	return &searchSlots{c: make(chan struct{}, n), wait: wait}
}

func (s *searchSlots) middleware(answer answerFunc, next http.Handler) http.Handler {
	if s == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.acquire(r.Context()); err != nil {
			if errors.Is(err, errSlotsBusy) {
				w.Header().Set("Retry-After", strconv.Itoa(OverloadedRetryAfter))
				answer(w, r, errorf(CodeOverloaded,
					"too many searches at once (%d); retry in %d s", cap(s.c), OverloadedRetryAfter))
				return
			}
			answer(w, r, errorf(CodeCanceled, "request canceled"))
			return
		}
		defer s.release()
		next.ServeHTTP(w, r)
	})
}

var errSlotsBusy = errors.New("every search slot is busy")

// acquire takes a slot, waiting up to s.wait or until ctx is done.
func (s *searchSlots) acquire(ctx context.Context) error {
	select {
	case s.c <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.c <- struct{}{}:
		return nil
	case <-t.C:
		return errSlotsBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *searchSlots) release() { <-s.c }

// limitBody caps the body of the requests next reads at n bytes (use
// MaxBodyBytes), for routes that read one. A request that declares a longer
// body is answered 413 body_too_large before next runs; one that sends more
// than it declared, or streams, fails its read with *http.MaxBytesError,
// which writeError answers 413 body_too_large too.
func limitBody(next http.Handler, n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			// A refusal, never logged as internal: the logger is not needed.
			writeError(w, r, discardLogger, errorf(CodeBodyTooLarge, "the body is larger than %d bytes", n))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

var discardLogger = slog.New(slog.DiscardHandler)
