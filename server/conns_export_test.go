package server

import (
	"net"
	"time"
)

// LimitConnectionsWith is LimitConnections with a test's limits in place of
// MaxConns, NearCapConns and NearCapIdleTimeout.
func LimitConnectionsWith(ln net.Listener, perClient, max, nearCap int, nearCapIdle time.Duration) *ConnLimiter {
	return limitConnections(ln, perClient, max, nearCap, nearCapIdle)
}

// Limits returns l's cap in all, where near it begins, and the idle timeout
// near it.
func (l *ConnLimiter) Limits() (max, nearCap int, nearCapIdle time.Duration) {
	return l.max, l.idle.nearCap, l.idle.timeout
}
