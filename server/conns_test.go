package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"nmnsearch/server"
)

// connWait bounds every wait for the server in these tests; each returns as
// soon as its event comes, so it only matters when the event never does.
const connWait = 5 * time.Second

// limitedServer is NewHTTPServer behind a ConnLimiter, with its hook set as
// cmd/nmnsearch sets it. GET /hold is answered once release is closed or the
// client goes away; any other path "ok" at once.
type limitedServer struct {
	addr    string
	entered chan struct{} // a GET /hold reached the handler
	release chan struct{} // close to answer the held requests
	idled   chan net.Conn // a connection went idle, after the limiter saw it
	closed  chan net.Conn // a connection closed, after the limiter saw it
}

func serveLimited(t *testing.T, limit func(net.Listener) *server.ConnLimiter) *limitedServer {
	t.Helper()
	s := &limitedServer{entered: make(chan struct{}, 64), release: make(chan struct{}),
		idled: make(chan net.Conn, 64), closed: make(chan net.Conn, 64)}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			s.entered <- struct{}{}
			select {
			case <-s.release:
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprint(w, "ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := limit(ln)
	srv := server.NewHTTPServer("", h)
	srv.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		lim.ConnState(c, st)
		switch st {
		case http.StateIdle:
			s.idled <- c
		case http.StateClosed:
			s.closed <- c
		}
	}
	go srv.Serve(lim)
	t.Cleanup(func() { srv.Close() })
	s.addr = ln.Addr().String()
	return s
}

// dial connects from the loopback address from, skipping the test where
// there is no such address.
func (s *limitedServer) dial(t *testing.T, from string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: connWait}
	c, err := d.Dial("tcp", s.addr)
	if err != nil {
		t.Skipf("dial from %s: %v (no such loopback address here)", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// connGet asks for path on c, reads the whole answer and returns its status,
// or 0 when the connection was closed without one.
func connGet(c net.Conn, path string) int {
	c.SetDeadline(time.Now().Add(connWait))
	defer c.SetDeadline(time.Time{})
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return 0
	}
	return resp.StatusCode
}

// waitEvent receives one event from ch.
func waitEvent[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(connWait):
		t.Fatalf("no %s within %v", what, connWait)
		panic("unreachable")
	}
}

// getIdle asks for / on c and waits until the limiter has seen c go idle.
func (s *limitedServer) getIdle(t *testing.T, c net.Conn) {
	t.Helper()
	if got := connGet(c, "/"); got != http.StatusOK {
		t.Fatalf("GET / answered %d, want 200", got)
	}
	waitEvent(t, s.idled, "idle connection")
}

// closedByServer says whether the server closed c: a read returns EOF, with
// nothing before it.
func closedByServer(t *testing.T, c net.Conn) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(connWait))
	n, err := c.Read(make([]byte, 1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	return n == 0 && err == io.EOF
}

// stillOpen says whether c is kept: a second request on it is answered.
func stillOpen(c net.Conn) bool { return connGet(c, "/") == http.StatusOK }

func TestConnLimits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	max, nearCap, idle := server.LimitConnections(ln, server.MaxConnsPerClient).Limits()
	if max != server.MaxConns || nearCap != server.NearCapConns || idle != server.NearCapIdleTimeout {
		t.Errorf("LimitConnections: max %d, near cap %d, idle near cap %v; want %d, %d, %v",
			max, nearCap, idle, server.MaxConns, server.NearCapConns, server.NearCapIdleTimeout)
	}
	// Near the cap begins before the cap, and one client alone cannot
	// bring the server there; near it, idle connections go sooner.
	if !(server.MaxConnsPerClient < server.NearCapConns && server.NearCapConns < server.MaxConns) {
		t.Errorf("want MaxConnsPerClient %d < NearCapConns %d < MaxConns %d",
			server.MaxConnsPerClient, server.NearCapConns, server.MaxConns)
	}
	if !(0 < server.NearCapIdleTimeout && server.NearCapIdleTimeout < server.IdleTimeout) {
		t.Errorf("want 0 < NearCapIdleTimeout %v < IdleTimeout %v", server.NearCapIdleTimeout, server.IdleTimeout)
	}
}

// A client whose connections are all busy at its cap has its new ones
// closed, while another client is answered; one it closes frees its place.
func TestLimitConnectionsPerClient(t *testing.T) {
	const perClient = 4
	s := serveLimited(t, func(ln net.Listener) *server.ConnLimiter { return server.LimitConnections(ln, perClient) })
	defer close(s.release)
	var held []net.Conn
	for range perClient {
		c := s.dial(t, "127.0.0.1")
		fmt.Fprint(c, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
		waitEvent(t, s.entered, "held request")
		held = append(held, c)
	}
	if got := connGet(s.dial(t, "127.0.0.1"), "/"); got != 0 {
		t.Errorf("connection %d of one client, its others busy, was answered %d", perClient+1, got)
	}
	other := s.dial(t, "127.0.0.2")
	if got := connGet(other, "/"); got != http.StatusOK {
		t.Errorf("another client was answered %d while the first held its cap", got)
	}
	other.Close()
	waitEvent(t, s.closed, "close of the other client's connection")

	held[0].Close()
	waitEvent(t, s.closed, "close of a held connection")
	if got := connGet(s.dial(t, "127.0.0.1"), "/"); got != http.StatusOK {
		t.Errorf("after one of its connections closed, the client's next was answered %d", got)
	}
}

// A client at its cap whose connections are idle gives up the one idle the
// longest for its new one, and keeps the others.
func TestPerClientCapGivesUpOldestIdleConn(t *testing.T) {
	const perClient = 3
	s := serveLimited(t, func(ln net.Listener) *server.ConnLimiter {
		return server.LimitConnectionsWith(ln, perClient, 100, 100, time.Hour)
	})
	var held []net.Conn
	for range perClient {
		c := s.dial(t, "127.0.0.1")
		s.getIdle(t, c)
		held = append(held, c)
	}
	if got := connGet(s.dial(t, "127.0.0.1"), "/"); got != http.StatusOK {
		t.Errorf("connection %d of a client whose others were idle was answered %d", perClient+1, got)
	}
	if !closedByServer(t, held[0]) {
		t.Error("the longest-idle connection was kept")
	}
	for i, c := range held[1:] {
		if !stillOpen(c) {
			t.Errorf("idle connection %d was closed; only the longest idle should be", i+2)
		}
	}
}

// Below NearCapConns idle connections are kept; the connection that brings
// the count to it has the idle ones closed, here at once (NearCapIdle 0).
func TestIdleConnsClosedFromNearCap(t *testing.T) {
	const nearCap = 4
	s := serveLimited(t, func(ln net.Listener) *server.ConnLimiter {
		return server.LimitConnectionsWith(ln, 0, 8, nearCap, 0)
	})
	var held []net.Conn
	for range nearCap - 1 {
		c := s.dial(t, "127.0.0.1")
		s.getIdle(t, c)
		held = append(held, c)
	}
	for i, c := range held {
		if !stillOpen(c) {
			t.Fatalf("idle connection %d of %d, below the %d near the cap, was closed", i+1, len(held), nearCap)
		}
		waitEvent(t, s.idled, "idle connection")
	}
	if got := connGet(s.dial(t, "127.0.0.1"), "/"); got != http.StatusOK {
		t.Fatalf("connection %d was answered %d", nearCap, got)
	}
	for i, c := range held {
		if !closedByServer(t, c) {
			t.Errorf("idle connection %d was kept with %d open", i+1, nearCap)
		}
	}
}

// One client holds every connection the server takes, idle: the longest
// idle is closed after NearCapIdleTimeout, not IdleTimeout, and a new
// client, waiting in the kernel's queue meanwhile, is answered.
func TestNearCapIdleTimeoutAdmitsNewClient(t *testing.T) {
	const max, nearCap, nearCapIdle = 4, 3, 50 * time.Millisecond
	s := serveLimited(t, func(ln net.Listener) *server.ConnLimiter {
		return server.LimitConnectionsWith(ln, 0, max, nearCap, nearCapIdle)
	})
	var held []net.Conn
	for range max {
		c := s.dial(t, "127.0.0.1")
		s.getIdle(t, c)
		held = append(held, c)
	}
	if got := connGet(s.dial(t, "127.0.0.1"), "/"); got != http.StatusOK {
		t.Errorf("a new client, with %d idle connections held, was answered %d", max, got)
	}
	if !closedByServer(t, held[0]) {
		t.Errorf("the longest-idle connection was kept with %d open", max)
	}
}
