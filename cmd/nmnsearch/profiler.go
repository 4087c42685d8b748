package main

import (
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"nmnsearch/server"
)

// maxProfileSeconds bounds /debug/pprof/profile?seconds= and trace: the
// debug listener's WriteTimeout is this plus a margin, where the public
// one's (server.WriteTimeout) would cut a profile off.
const maxProfileSeconds = 120

// profilerServer serves Go's profiler on a listener of its own (-debug-addr),
// never on the public one: profiles show the code and cost CPU to take.
//
//	go tool pprof -http :0 'http://127.0.0.1:6060/debug/pprof/profile?seconds=20'
func profilerServer(addr string) *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index) // heap, allocs, goroutine, mutex, block …
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := server.NewHTTPServer(addr, mux)
	srv.WriteTimeout = (maxProfileSeconds + 10) * time.Second
	return srv
}

// isLoopback reports whether addr (host:port) names a loopback interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
