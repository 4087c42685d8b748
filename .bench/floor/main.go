// Command floor is the least an HTTP search server written in Go can do on
// this machine: net/http, set up as nmnsearch serve sets itself up (one
// more search slot than CPUs, twice as many Ps as slots), answering every
// request with a fixed 7 KB JSON body after a fixed amount of CPU work in a
// slot, where nmnsearch would search. .bench/floor.sh loads it with wrk
// beside nginx serving the same body from a file: what latency a server of
// a given cost per request can reach when wrk shares the cores.
package main

import (
	"flag"
	"log"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	work := flag.Duration("work", 0, "CPU work per request, in a slot: as many rounds as take this long on an idle core")
	flag.Parse()
	// As serve: the CPUs the runtime found (or $GOMAXPROCS), plus one.
	slots := make(chan struct{}, runtime.GOMAXPROCS(0)+1)
	runtime.GOMAXPROCS(2 * cap(slots))
	rounds := calibrate(*work)
	body := []byte(`{"hits":"` + strings.Repeat("x", 7000) + `"}`)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		slots <- struct{}{}
		spin(rounds)
		<-slots
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

var sink atomic.Uint64

// spin does n rounds of arithmetic the compiler cannot drop: a fixed
// amount of CPU work, however often the thread is preempted meanwhile.
func spin(n int) {
	x := uint64(1)
	for i := range n {
		x ^= x<<1 + uint64(i)
	}
	sink.Add(x)
}

// calibrate returns the rounds of spin that take d, timed on this core
// before the server starts (best of several tries: the least disturbed).
func calibrate(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	const probe = 1 << 20
	best := time.Duration(1<<63 - 1)
	for range 20 {
		start := time.Now()
		spin(probe)
		best = min(best, time.Since(start))
	}
	return int(float64(probe) * float64(d) / float64(best))
}
