package main

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"nmnsearch/server"
)

// A client that holds server.MaxConnsPerClient idle keep-alive connections
// still gets its next request answered: serve tells the limiter which are
// idle (its ConnState), and the longest idle one makes room.
func TestRunClientAtConnCapIsAnswered(t *testing.T) {
	base, _ := start(t, []string{"nmnsearch", "-addr", "127.0.0.1:0"}, nil)
	waitReady(t, base)
	addr := strings.TrimPrefix(base, "http://")
	get := func(c net.Conn) (*http.Response, error) {
		if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			return nil, err
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}
	for i := range server.MaxConnsPerClient {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := get(c); err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
	}
	// The server marks a connection idle just after its answer went out:
	// a new one may come first, and is closed; the next finds one idle.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := get(c)
		c.Close()
		if err == nil && resp.StatusCode == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %d of one client: %v, want a 200", server.MaxConnsPerClient+1, err)
		}
	}
}
