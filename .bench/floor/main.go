// Command floor is the least an HTTP search server written in Go can do on
// this machine: net/http, set up as nmnsearch serve sets itself up (one
// more search slot than CPUs, twice as many Ps as slots), answering every
// request after some work in a slot, where nmnsearch would search.
// .bench/floor.sh loads it with wrk beside nginx serving the same body from
// a file: what latency a server of a given cost per request can reach when
// wrk shares the cores.
//
// The work is either a fixed amount of CPU (-work) before a fixed 7 KB JSON
// body, or (-bleve) a search written plainly with bleve, as its
// documentation shows: the seed paragraphs in a scorch index, Japanese with
// the cjk analyzer and English with en, a match query on both for q, the
// top 10 as bleve's JSON; with -highlight and -facet also bleve's HTML
// highlighter and a term facet on the topics. What bleve itself costs here,
// without anything nmnsearch adds.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"nmnsearch/index"
	"nmnsearch/seeds"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	work := flag.Duration("work", 0, "CPU work per request, in a slot: as many rounds as take this long on an idle core")
	useBleve := flag.Bool("bleve", false, "search the seeds with plain bleve instead of -work")
	highlight := flag.Bool("highlight", false, "with -bleve: highlight the hits (bleve's html highlighter)")
	facet := flag.Bool("facet", false, "with -bleve: count the hits' topics (a term facet)")
	flag.Parse()
	// As serve: the CPUs the runtime found (or $GOMAXPROCS), plus one.
	slots := make(chan struct{}, runtime.GOMAXPROCS(0)+1)
	runtime.GOMAXPROCS(2 * cap(slots))

	var handler http.HandlerFunc
	if *useBleve {
		ix, err := seedIndex()
		if err != nil {
			log.Fatal(err)
		}
		handler = bleveHandler(ix, slots, *highlight, *facet)
	} else {
		handler = spinHandler(calibrate(*work), slots)
	}
	http.Handle("/", handler)
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// spinHandler answers a fixed 7 KB body after rounds of spin in a slot.
func spinHandler(rounds int, slots chan struct{}) http.HandlerFunc {
	body := []byte(`{"hits":"` + strings.Repeat("x", 7000) + `"}`)
	return func(w http.ResponseWriter, r *http.Request) {
		slots <- struct{}{}
		spin(rounds)
		<-slots
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}

// bleveHandler answers bleve's JSON of a search of ix for q, in a slot.
func bleveHandler(ix bleve.Index, slots chan struct{}, highlight, facet bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		ja, en := bleve.NewMatchQuery(q), bleve.NewMatchQuery(q)
		ja.SetField("ja")
		en.SetField("en")
		req := bleve.NewSearchRequest(bleve.NewDisjunctionQuery(ja, en))
		if highlight {
			req.Highlight = bleve.NewHighlightWithStyle("html")
		}
		if facet {
			req.AddFacet("topics", bleve.NewFacetRequest("topics", 3))
		}
		slots <- struct{}{}
		res, err := ix.SearchInContext(r.Context(), req)
		<-slots
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(res)
	}
}

// seedIndex returns an in-memory scorch index of the seed paragraphs
// (nmnsearch's own parsing: the same paragraphs it indexes).
func seedIndex() (bleve.Index, error) {
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		return f
	}
	doc := bleve.NewDocumentMapping()
	doc.AddFieldMappingsAt("ja", text(cjk.AnalyzerName))
	doc.AddFieldMappingsAt("en", text(en.AnalyzerName))
	doc.AddFieldMappingsAt("topics", text(keyword.Name))
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	ix, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	arts, err := index.ReadArticles(seeds.FS)
	if err != nil {
		return nil, err
	}
	b := ix.NewBatch()
	for _, a := range arts {
		for _, p := range a.Paragraphs {
			// p.Lang names the field, as nmnsearch's FieldJA and FieldEN.
			if err := b.Index(p.ID, map[string]any{p.Lang: p.Text, "topics": p.Topics}); err != nil {
				return nil, err
			}
		}
	}
	log.Printf("indexed %d seed paragraphs", b.Size())
	return ix, ix.Batch(b)
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
