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
	"sync/atomic"
	"testing"
	"time"

	"nmnsearch/server"
)

// The http.Server limits, each shown doing its work. NewHTTPServer's values
// are seconds long (TestNewHTTPServerLimits checks them); each test here
// sets the one it tries to testTimeout on the server NewHTTPServer made.
const testTimeout = 200 * time.Millisecond

// serveTest serves h through NewHTTPServer, changed by tweak, on loopback.
func serveTest(t *testing.T, h http.Handler, tweak func(*http.Server)) (addr string) {
	t.Helper()
	srv := server.NewHTTPServer("", h)
	srv.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	tweak(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// closedWithin reads from conn until the server closes it and returns how
// long that took from began; it fails past limit.
func closedWithin(t *testing.T, conn net.Conn, began time.Time, limit time.Duration) (time.Duration, string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(limit))
	got, err := io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %v", limit)
	}
	return time.Since(began), string(got)
}

func TestReadHeaderTimeoutCutsSlowloris(t *testing.T) {
	var reached atomic.Bool
	addr := serveTest(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Store(true) }),
		func(s *http.Server) { s.ReadHeaderTimeout = testTimeout })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	began := time.Now()
	// A header line a byte at a time, never finished: each byte in time,
	// the whole never.
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(testTimeout / 5):
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	took, _ := closedWithin(t, conn, began, 10*testTimeout)
	if took < testTimeout {
		t.Errorf("cut after %v, before ReadHeaderTimeout %v", took, testTimeout)
	}
	if reached.Load() {
		t.Error("a request whose headers never ended reached the handler")
	}
}

func TestReadTimeoutCutsSlowBody(t *testing.T) {
	readErr := make(chan error, 1)
	addr := serveTest(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	}), func(s *http.Server) { s.ReadTimeout = testTimeout })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	began := time.Now()
	fmt.Fprint(conn, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc") // and then nothing
	select {
	case err := <-readErr:
		if took := time.Since(began); err == nil || took < testTimeout*3/4 {
			t.Errorf("body read ended after %v with %v; want an error at ReadTimeout %v", took, err, testTimeout)
		}
	case <-time.After(10 * testTimeout):
		t.Fatal("the handler is still reading a body that stopped coming")
	}
}

func TestWriteTimeoutCutsSlowHandler(t *testing.T) {
	addr := serveTest(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * testTimeout)
		w.Write([]byte("too late"))
	}), func(s *http.Server) { s.WriteTimeout = testTimeout })
	resp, err := http.Get("http://" + addr + "/")
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("an answer written after WriteTimeout arrived: %d %q", resp.StatusCode, body)
	}
	// Why SearchTimeout must stay below WriteTimeout: a search's 503
	// timeout has to get out before the connection is cut.
	if server.SearchTimeout >= server.WriteTimeout {
		t.Errorf("SearchTimeout %v >= WriteTimeout %v", server.SearchTimeout, server.WriteTimeout)
	}
}

func TestIdleTimeoutClosesKeepAlive(t *testing.T) {
	addr := serveTest(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }),
		func(s *http.Server) { s.IdleTimeout = testTimeout })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok" || resp.Close {
		t.Fatalf("first request: %d %q, close %v; want a kept-alive 200", resp.StatusCode, body, resp.Close)
	}
	began := time.Now()
	took, rest := closedWithin(t, conn, began, 10*testTimeout)
	if took < testTimeout/2 || rest != "" {
		t.Errorf("idle connection closed after %v with %q; want closed, silent, at IdleTimeout %v", took, rest, testTimeout)
	}
}
