package server

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/netutil"
)

// Limits of open connections. A client holding thousands of idle
// keep-alive connections would use up the process's file descriptors and
// starve every other client: past MaxConnsPerClient a client's new
// connection is closed at once, and past MaxConns the server accepts no
// more until one closes (the rest wait in the kernel's queue). From
// NearCapConns open on, a connection idle for NearCapIdleTimeout is closed
// rather than at IdleTimeout, so held idle connections make room for new
// clients before the cap shuts them out.
const (
	MaxConnsPerClient  = 64
	MaxConns           = 4096
	NearCapConns       = MaxConns * 3 / 4
	NearCapIdleTimeout = 5 * time.Second // covers a reader's next keystrokes in the widget
)

// ConnLimiter is a listener under the limits above. Set its ConnState as
// the hook of the http.Server that serves it: without it no connection is
// known to be idle, and idle ones close only at IdleTimeout.
type ConnLimiter struct {
	net.Listener
	perClient int // 0: no cap per client
	max       int
	idle      *idleConns

	mu   sync.Mutex
	open map[string]int // by client (clientKey of the remote IP)
}

// LimitConnections wraps ln with MaxConns in all and perClient per remote
// address (0: no per-client cap, for a server behind a proxy, where every
// connection comes from the proxy).
func LimitConnections(ln net.Listener, perClient int) *ConnLimiter {
	return limitConnections(ln, perClient, MaxConns, NearCapConns, NearCapIdleTimeout)
}

func limitConnections(ln net.Listener, perClient, max, nearCap int, nearCapIdle time.Duration) *ConnLimiter {
	return &ConnLimiter{
		Listener:  netutil.LimitListener(ln, max),
		perClient: perClient,
		max:       max,
		idle:      newIdleConns(nearCap, nearCapIdle),
		open:      map[string]int{},
	}
}

// ConnState is the http.Server hook that tells l which connections are idle.
func (l *ConnLimiter) ConnState(c net.Conn, s http.ConnState) { l.idle.connState(c, s) }

// Accept returns the next connection of a client under its cap. A client at
// its cap gives up its longest-idle connection for the new one, since a
// browser reopens a closed idle connection unseen while a refused one is an
// error on the page (and many readers share one address behind a NAT); a
// client whose connections are all busy has the new one closed.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.perClient <= 0 {
			return c, nil
		}
		ip := clientKey(remoteIP(c)) // an IPv6 host owns a /64
		if l.take(ip) || l.idle.closeOldest(ip) && l.take(ip) {
			return &countedConn{Conn: c, release: func() { l.release(ip) }}, nil
		}
		c.Close()
	}
}

// take counts a connection of ip if ip is under its cap.
func (l *ConnLimiter) take(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] >= l.perClient {
		return false
	}
	l.open[ip]++
	return true
}

func (l *ConnLimiter) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

func remoteIP(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	return c.RemoteAddr().String()
}

// countedConn gives its client's place back once, when it closes.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
