package server

import (
	"container/list"
	"net"
	"net/http"
	"sync"
	"time"
)

// idleConns learns from http.Server's ConnState hook how many connections
// are open and which are idle, longest idle first. From nearCap open on, it
// closes those idle for timeout, oldest first; one timer, armed for the
// oldest, stands for them all.
type idleConns struct {
	nearCap int
	timeout time.Duration

	mu    sync.Mutex
	open  int
	order list.List // of *idleConn, the longest idle first
	idle  map[net.Conn]*list.Element
	timer *time.Timer // nil when not armed
}

type idleConn struct {
	c      net.Conn
	client string
	since  time.Time
}

func newIdleConns(nearCap int, timeout time.Duration) *idleConns {
	return &idleConns{nearCap: nearCap, timeout: timeout, idle: map[net.Conn]*list.Element{}}
}

func (t *idleConns) connState(c net.Conn, s http.ConnState) {
	t.mu.Lock()
	t.forget(c)
	switch s {
	case http.StateNew:
		t.open++
	case http.StateIdle:
		t.idle[c] = t.order.PushBack(&idleConn{c: c, client: clientKey(remoteIP(c)), since: time.Now()})
	case http.StateClosed, http.StateHijacked:
		t.open--
	}
	expired := t.expire()
	t.mu.Unlock()
	closeConns(expired)
}

// expire takes out the connections idle for timeout, if t is near the cap,
// for the caller to close outside the lock, and arms the timer for the next.
// Below the cap it leaves them: a timer that fires then does nothing, and
// the next connection that brings t near the cap again arms it.
func (t *idleConns) expire() []net.Conn {
	if t.open < t.nearCap {
		return nil
	}
	var expired []net.Conn
	now := time.Now()
	for e := t.order.Front(); e != nil; e = t.order.Front() {
		ic := e.Value.(*idleConn)
		if wait := t.timeout - now.Sub(ic.since); wait > 0 {
			if t.timer == nil {
				t.timer = time.AfterFunc(wait, t.tick)
			}
			break
		}
		t.forget(ic.c)
		expired = append(expired, ic.c)
	}
	return expired
}

// tick runs when the oldest idle connection may have expired; if it went
// busy or closed meanwhile, expire arms the timer again for the next.
func (t *idleConns) tick() {
	t.mu.Lock()
	t.timer = nil
	expired := t.expire()
	t.mu.Unlock()
	closeConns(expired)
}

// closeOldest closes client's longest-idle connection, if it has one, and
// says whether it did. It looks through every idle connection, at most
// MaxConns, once for each connection a client opens past its cap.
func (t *idleConns) closeOldest(client string) bool {
	t.mu.Lock()
	var c net.Conn
	for e := t.order.Front(); e != nil; e = e.Next() {
		if ic := e.Value.(*idleConn); ic.client == client {
			c = ic.c
			t.forget(c)
			break
		}
	}
	t.mu.Unlock()
	if c == nil {
		return false
	}
	c.Close()
	return true
}

func (t *idleConns) forget(c net.Conn) {
	if e, ok := t.idle[c]; ok {
		t.order.Remove(e)
		delete(t.idle, c)
	}
}

// closeConns closes cs; the server sees each fail in its wait for the next
// request and lets it go, as at IdleTimeout.
func closeConns(cs []net.Conn) {
	for _, c := range cs {
		c.Close()
	}
}
