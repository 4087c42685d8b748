// Command floor is the least an HTTP search server written in Go can do on
// this machine: net/http, set up as nmnsearch serve sets itself up (one
// more search slot than CPUs, twice as many Ps as slots), answering every
// request with a fixed 7 KB JSON body after burning -work of CPU in a slot,
// where nmnsearch would search. .bench/floor.sh loads it with wrk beside
// nginx serving the same body from a file: what latency a server of a given
// cost per request can reach when wrk shares the cores.
package main

import (
	"flag"
	"log"
	"net/http"
	"runtime"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	work := flag.Duration("work", 0, "CPU time to burn per request, in a slot")
	flag.Parse()
	slots := make(chan struct{}, runtime.NumCPU()+1)
	runtime.GOMAXPROCS(2 * cap(slots))
	body := []byte(`{"hits":"` + strings.Repeat("x", 7000) + `"}`)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		slots <- struct{}{}
		burn(*work)
		<-slots
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

var sink int

// burn keeps the CPU busy for d.
func burn(d time.Duration) {
	x := 1
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := range 100 {
			x ^= x<<1 + i
		}
	}
	sink += x
}
