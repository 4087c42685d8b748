package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestClientLimiterBounded(t *testing.T) {
	// An attacker with many addresses: the map never holds more than max.
	const max = 100
	l := newClientLimiter(1, 5, max)
	for i := range 10 * max {
		if ok, _ := l.allow(fmt.Sprintf("198.51.100.%d/%d", i%256, i)); !ok {
			t.Fatalf("client %d refused on its first request", i)
		}
		if n := l.tracked(); n > max || n != len(l.clients) {
			t.Fatalf("after %d clients: %d tracked, %d in the map; want at most %d, equal", i+1, n, len(l.clients), max)
		}
	}
	// The least recent went first: the last max are the ones held.
	for i := 9 * max; i < 10*max; i++ {
		if _, ok := l.clients[fmt.Sprintf("198.51.100.%d/%d", i%256, i)]; !ok {
			t.Fatalf("client %d, among the last %d, was forgotten", i, max)
		}
	}
	if MaxTrackedClients < 1000 {
		t.Errorf("MaxTrackedClients = %d: too few for a public service", MaxTrackedClients)
	}
}

func TestClientLimiterForgetsIdle(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newClientLimiter(10, 5, 1000) // full again 500 ms after the last use
	l.now = func() time.Time { return now }
	if l.idle != 500*time.Millisecond {
		t.Fatalf("idle = %v, want burst/rate = 500ms", l.idle)
	}
	for range 5 {
		l.allow("a")
	}
	if ok, wait := l.allow("a"); ok || wait != 100*time.Millisecond {
		t.Fatalf("past the burst: ok %v, wait %v; want refused, 100ms", ok, wait)
	}
	now = now.Add(300 * time.Millisecond)
	l.allow("b")
	if l.tracked() != 2 {
		t.Fatalf("%d tracked after 300 ms, want a and b", l.tracked())
	}
	now = now.Add(250 * time.Millisecond) // a idle 550 ms, b 250 ms
	l.allow("c")
	if _, ok := l.clients["a"]; ok || l.tracked() != 2 {
		t.Errorf("a, idle past burst/rate, still tracked (%d clients)", l.tracked())
	}
	// Forgotten, a starts with a full bucket, as it would have had anyway.
	for i := range 5 {
		if ok, _ := l.allow("a"); !ok {
			t.Errorf("a's request %d after its bucket refilled was refused", i+1)
		}
	}
}

// A client refused is allowed again once its bucket has refilled, on the
// limiter's clock: 4 a second, 1 at once, so 250 ms later.
func TestClientLimiterRefills(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newClientLimiter(4, 1, 10)
	l.now = func() time.Time { return now }
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("first request refused")
	}
	ok, wait := l.allow("a")
	if ok || wait != 250*time.Millisecond {
		t.Fatalf("second request at once: allowed %v, wait %v; want refused for 250ms", ok, wait)
	}
	now = now.Add(wait)
	if ok, _ := l.allow("a"); !ok {
		t.Error("refused after the refill")
	}
}

func TestClientLimiterOff(t *testing.T) {
	for _, rate := range []float64{0, -1} {
		if l := newClientLimiter(rate, 10, 10); l != nil {
			t.Errorf("rate %v: a limiter, want none", rate)
		}
	}
	if l := newClientLimiter(1, 0, 10); l.burst != 1 {
		t.Errorf("burst 0 became %d, want 1", l.burst)
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":              "192.0.2.1",
		"::ffff:192.0.2.1":       "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":   "2001:db8:1:2::/64",
		"2001:db8:1:2::1%eth0":   "2001:db8:1:2::/64",
		"fe80::1":                "fe80::/64",
		"pipe":                   "pipe",
		"":                       "",
		"192.0.2.1:1234 garbage": "192.0.2.1:1234 garbage",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		remote string
		xff    []string
		trust  bool
		want   string
	}{
		{"192.0.2.1:5", nil, false, "192.0.2.1"},
		{"192.0.2.1:5", []string{"203.0.113.9"}, false, "192.0.2.1"},
		{"192.0.2.1:5", []string{"203.0.113.9"}, true, "203.0.113.9"},
		{"192.0.2.1:5", []string{"1.1.1.1, 203.0.113.9"}, true, "203.0.113.9"},
		{"192.0.2.1:5", []string{"1.1.1.1", "8.8.8.8,203.0.113.9 "}, true, "203.0.113.9"},
		{"192.0.2.1:5", []string{"203.0.113.9:4711"}, true, "203.0.113.9"},
		{"192.0.2.1:5", []string{"[2001:db8::1]:4711"}, true, "2001:db8::1"},
		{"192.0.2.1:5", []string{"2001:db8::1"}, true, "2001:db8::1"},
		{"192.0.2.1:5", []string{"203.0.113.9, unknown"}, true, "192.0.2.1"},
		{"192.0.2.1:5", []string{""}, true, "192.0.2.1"},
		{"[2001:db8::7]:5", nil, true, "2001:db8::7"},
		{"@", nil, false, "@"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientIP(r, tc.trust); got != tc.want {
			t.Errorf("clientIP(%s, %q, trust %v) = %q, want %q", tc.remote, tc.xff, tc.trust, got, tc.want)
		}
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{
		0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 3333 * time.Millisecond: 4,
	} {
		if got := retryAfterSeconds(d); got != want {
			t.Errorf("retryAfterSeconds(%v) = %d, want %d", d, got, want)
		}
	}
}

// echoLength is a handler that reads its body, as an admin route would, and
// answers its length, or the read's error as writeError does.
var echoLength = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, r, discardLogger, err)
		return
	}
	w.Write([]byte(strconv.Itoa(len(b))))
})

func TestLimitBody(t *testing.T) {
	m := NewMetrics()
	calls := 0
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++; echoLength(w, r) })
	h := observe(discardLogger, m, func(*http.Request) string { return "" }, limitBody(counted, MaxBodyBytes))

	post := func(n int, chunked bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest("PUT", "/api/articles/x", strings.NewReader(strings.Repeat("a", n)))
		if chunked {
			r.ContentLength = -1 // unknown: the limit is met while reading
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	wantTooLarge := func(rec *httptest.ResponseRecorder, what string) {
		t.Helper()
		var body errorBody
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusRequestEntityTooLarge || body.Error.Code != CodeBodyTooLarge ||
			!strings.Contains(body.Error.Message, strconv.Itoa(MaxBodyBytes)) {
			t.Errorf("%s: %d %s, want 413 body_too_large naming the limit", what, rec.Code, rec.Body)
		}
	}

	for _, n := range []int{0, 10, MaxBodyBytes} {
		for _, chunked := range []bool{false, true} {
			if rec := post(n, chunked); rec.Code != http.StatusOK || rec.Body.String() != strconv.Itoa(n) {
				t.Errorf("body of %d (chunked %v): %d %s, want 200 %d", n, chunked, rec.Code, rec.Body, n)
			}
		}
	}
	calls = 0
	wantTooLarge(post(MaxBodyBytes+1, false), "declared too large")
	if calls != 0 {
		t.Errorf("a body declared too large reached the handler")
	}
	wantTooLarge(post(MaxBodyBytes+1, true), "streamed too large")
	if calls != 1 {
		t.Errorf("the streamed body reached the handler %d times, want 1", calls)
	}
	if v := testutil.ToFloat64(m.rejected.WithLabelValues(ReasonBodyTooLarge)); v != 2 {
		t.Errorf(`requests_rejected_total{reason="body_too_large"} = %v, want 2`, v)
	}
}
