package server

import (
	"net"
	"sync"

	"golang.org/x/net/netutil"
)

// Limits of open connections. A client holding thousands of idle
// keep-alive connections would use up the process's file descriptors and
// starve every other client: past MaxConnsPerClient a client's new
// connection is closed at once, and past MaxConns the server accepts no
// more until one closes (the rest wait in the kernel's queue).
const (
	MaxConnsPerClient = 64
	MaxConns          = 4096
)

// LimitConnections wraps ln with MaxConns in all and perClient per remote
// address (0: no per-client cap, for a server behind a proxy, where every
// connection comes from the proxy).
func LimitConnections(ln net.Listener, perClient int) net.Listener {
	ln = netutil.LimitListener(ln, MaxConns)
	if perClient <= 0 {
		return ln
	}
	return &clientConnLimiter{Listener: ln, max: perClient, open: map[string]int{}}
}

type clientConnLimiter struct {
	net.Listener
	max int

	mu   sync.Mutex
	open map[string]int // by remote IP
}

// Accept returns the next connection of a client under its cap; the
// connections of a client over it are closed as they come.
func (l *clientConnLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := clientKey(remoteIP(c)) // an IPv6 host owns a /64
		l.mu.Lock()
		ok := l.open[ip] < l.max
		if ok {
			l.open[ip]++
		}
		l.mu.Unlock()
		if ok {
			return &countedConn{Conn: c, release: func() { l.release(ip) }}, nil
		}
		c.Close()
	}
}

func (l *clientConnLimiter) release(ip string) {
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
