package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"nmnsearch/search"
)

// Kinds of index_builds_total: how the index the service answers from came
// to be.
const (
	IndexBuild   = "build"   // built at start-up: in memory from the seeds, or from the data directory's store
	IndexOpen    = "open"    // opened from the data directory at start-up, nothing rebuilt
	IndexReindex = "reindex" // rebuilt and swapped in while serving
)

// RouteNone is the route label of a request no route matched (a 404).
const RouteNone = "none"

// metricsMaxScrapes bounds the /metrics answers being written at once;
// past it promhttp answers 503. A scrape walks every series; nobody needs
// two at a time.
const metricsMaxScrapes = 2

// durationBuckets, in seconds: a search takes about a millisecond, a timed-out
// one SearchTimeout.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Metrics are the service's Prometheus metrics, in a registry of their own
// rather than prometheus.DefaultRegisterer, which any imported package may
// fill. Create one with NewMetrics, hand it to New with WithMetrics, and
// serve Handler. Every label value is bounded: routes are templates
// (/api/articles/{id}), methods a fixed list, reasons and kinds constants.
type Metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler
	requests *prometheus.CounterVec   // http_requests_total{route,method,status}
	duration *prometheus.HistogramVec // http_request_duration_seconds{route}
	searches prometheus.Histogram     // search_duration_seconds
	rejected *prometheus.CounterVec   // requests_rejected_total{reason}
	builds   *prometheus.CounterVec   // index_builds_total{kind}
	docs     atomic.Pointer[Searcher] // what index_documents counts

	cacheRequests *prometheus.CounterVec        // search_cache_requests_total{result}
	cache         atomic.Pointer[responseCache] // what search_cache_bytes measures

	syncPages   *prometheus.CounterVec // sync_pages_total{outcome}
	syncSuccess prometheus.Gauge       // sync_last_success_timestamp_seconds

	recorded prometheus.Counter // searches_recorded_total
	noHits   prometheus.Counter // searches_no_hits_total
}

// NewMetrics registers the service's metrics and the Go and process
// collectors in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests answered, by route template, method and status.",
	}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route template.",
		Buckets: durationBuckets,
	}, []string{"route"})
	m.searches = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "search_duration_seconds",
		Help:    "Time inside the search service for one /api/search, as the handler sees it; refused requests are left out.",
		Buckets: durationBuckets,
	})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "requests_rejected_total",
		Help: "Requests refused, by reason: a limit or the caller's mistake.",
	}, []string{"reason"})
	m.builds = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "index_builds_total",
		Help: "Indexes built, opened or swapped in, by kind (build, open, reindex).",
	}, []string{"kind"})
	documents := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "index_documents",
		Help: "Paragraphs in the index the service answers from, 0 while it is not ready.",
	}, m.documents)
	m.cacheRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "search_cache_requests_total",
		Help: "Look-ups in the response cache of /api/search, /api/suggest and /api/topics, by result (hit, miss); none while the cache is off.",
	}, []string{"result"})
	cacheBytes := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "search_cache_bytes",
		Help: "Bytes held by the response cache (bodies, keys and bookkeeping), against its -cache-size bound.",
	}, m.cacheBytes)
	m.syncPages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sync_pages_total",
		Help: "Pages of the site sync (-sync) by outcome: added, changed, unchanged, deleted, skipped, failed.",
	}, []string{"outcome"})
	m.syncSuccess = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sync_last_success_timestamp_seconds",
		Help: "When the last site sync (-sync) that failed no page ended, in Unix seconds; 0 before one.",
	})
	// Counts only: a query's text is never a label.
	m.recorded = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "searches_recorded_total",
		Help: "Searches readers made, as the box reports them to POST /api/events (one per pause, hit opened or page left, not per keystroke); none while analytics is off.",
	})
	m.noHits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "searches_no_hits_total",
		Help: "Of searches_recorded_total, those that found nothing.",
	})
	m.reg.MustRegister(m.requests, m.duration, m.searches, m.rejected, m.builds, documents,
		m.cacheRequests, cacheBytes, m.syncPages, m.syncSuccess, m.recorded, m.noHits,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every reason and kind from the start, at 0: a rate() over a series
	// that appears only with its first event misses that event.
	for _, reason := range rejectionByCode {
		m.rejected.WithLabelValues(reason)
	}
	m.cacheRequests.WithLabelValues("hit")
	m.cacheRequests.WithLabelValues("miss")
	for _, kind := range []string{IndexBuild, IndexOpen, IndexReindex} {
		m.builds.WithLabelValues(kind)
	}
	for _, outcome := range SyncOutcomes {
		m.syncPages.WithLabelValues(outcome)
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry:            m.reg, // promhttp_metric_handler_errors_total
		MaxRequestsInFlight: metricsMaxScrapes,
	})
	return m
}

// SyncOutcomes are the outcomes sync_pages_total counts, each present
// from the start at 0.
var SyncOutcomes = []string{"added", "changed", "unchanged", "deleted", "skipped", "failed"}

// SyncRun counts a site sync's pages by outcome (of SyncOutcomes), and its
// end as the last success when no page failed.
func (m *Metrics) SyncRun(pages map[string]int, ended time.Time) {
	for outcome, n := range pages {
		m.syncPages.WithLabelValues(outcome).Add(float64(n))
	}
	if pages["failed"] == 0 {
		m.syncSuccess.Set(float64(ended.Unix()))
	}
}

// searchRecorded counts one search a reader made, and whether it found
// anything.
func (m *Metrics) searchRecorded(found bool) {
	m.recorded.Inc()
	if !found {
		m.noHits.Inc()
	}
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// IndexBuilt counts one index of kind (IndexBuild, IndexOpen, IndexReindex)
// put into service.
func (m *Metrics) IndexBuilt(kind string) { m.builds.WithLabelValues(kind).Inc() }

// documents is the paragraph count of the Searcher New was last given:
// one index document per paragraph.
func (m *Metrics) documents() float64 {
	p := m.docs.Load()
	if p == nil || !(*p).Ready() {
		return 0
	}
	n := 0
	for _, a := range (*p).Articles() {
		if a != nil {
			n += len(a.Paragraphs)
		}
	}
	return float64(n)
}

// cacheBytes is the size of the response cache of the last New.
func (m *Metrics) cacheBytes() float64 {
	if c := m.cache.Load(); c != nil {
		return float64(c.bytes.Load())
	}
	return 0
}

// observe counts one answered request.
func (m *Metrics) observe(route, method string, status int, aborted bool, took time.Duration, reason string) {
	statusLabel := strconv.Itoa(status)
	if aborted && status == 0 {
		statusLabel = "aborted"
	}
	m.requests.WithLabelValues(route, methodLabel(method), statusLabel).Inc()
	m.duration.WithLabelValues(route).Observe(took.Seconds())
	if reason != "" {
		m.rejected.WithLabelValues(reason).Inc()
	}
}

// methodLabel is method if it is a standard one, else "other": the method
// is whatever the client wrote, and each distinct label is a new series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// timedSearcher times Search for search_duration_seconds.
type timedSearcher struct {
	Searcher
	m *Metrics
}

func (t timedSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	began := time.Now()
	res, err := t.Searcher.Search(ctx, r)
	// The caller's mistakes are found before any searching: they would
	// only pull the histogram towards zero.
	if e, ok := errors.AsType[*search.Error](err); !ok || e.Code == search.CodeInternal {
		t.m.searches.Observe(time.Since(began).Seconds())
	}
	return res, err
}
