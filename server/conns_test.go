package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nmnsearch/server"
)

// A client past its cap of connections has its new ones closed, while
// another client is answered; a connection it closes frees its place.
func TestLimitConnectionsPerClient(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	}))
	const perClient = 4
	ts.Listener = server.LimitConnections(ts.Listener, perClient)
	ts.Start()
	defer ts.Close()
	addr := ts.Listener.Addr().String()

	dial := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Skipf("dial from %s: %v (no second loopback address here)", from, err)
		}
		return c
	}
	// get asks for / on c and says whether it was answered.
	get := func(c net.Conn) bool {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		line, err := bufio.NewReader(c).ReadString('\n')
		return err == nil && strings.HasPrefix(line, "HTTP/1.1 200")
	}
	var held []net.Conn
	for range perClient {
		c := dial("127.0.0.1")
		if !get(c) {
			t.Fatal("a connection under the cap was not answered")
		}
		held = append(held, c)
	}
	over := dial("127.0.0.1")
	if get(over) {
		t.Errorf("connection %d of one client was answered", perClient+1)
	}
	over.Close()
	other := dial("127.0.0.2")
	if !get(other) {
		t.Error("another client was not answered while the first held its cap")
	}
	other.Close()

	// One closed: the client's next connection is answered once the server
	// has seen it close.
	held[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := dial("127.0.0.1")
		ok := get(c)
		c.Close()
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection never gave its place back")
		}
	}
	for _, c := range held[1:] {
		c.Close()
	}
}
