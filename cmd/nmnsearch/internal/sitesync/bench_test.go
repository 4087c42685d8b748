package sitesync

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nmnsearch/index"
)

// syncBenchPages is the size of the site BenchmarkSync syncs.
const syncBenchPages = 1000

// indexWriter writes into a data directory, as the command's does.
type indexWriter struct{ ix *index.Index }

func (w indexWriter) Put(ctx context.Context, src index.Source) (bool, error) {
	_, had := w.ix.Article(src.ID)
	err := w.ix.PutSource(src)
	if invalid := (*index.InvalidError)(nil); errors.As(err, &invalid) {
		return false, &RejectedError{err}
	}
	return !had && err == nil, err
}

func (w indexWriter) Delete(ctx context.Context, id string) error { return w.ix.Delete(id) }

// benchPage is a generated article of a few Japanese and English
// paragraphs, different on every page.
func benchPage(i int) string {
	return page(fmt.Sprintf("睡眠と生活習慣 %d: sleep and habits", i),
		fmt.Sprintf("第%d回のコラムです。寝る前の一時間はスマートフォンの画面を見ないようにしましょう。画面の光はメラトニンの分泌を遅らせることがあります。", i),
		fmt.Sprintf("Column %d: a cup of chamomile tea an hour before bed may help people fall asleep sooner, small trials suggest.", i),
		"朝は決まった時間に起きて、日光を浴びることで体内時計が整います。週末の寝だめは体内時計を乱します。",
		"Keep the bedroom cool, dark and quiet; a room at about 18 degrees suits most sleepers, and heavy curtains help in summer.",
		fmt.Sprintf("血糖値と睡眠の関係についても、第%d回で詳しく取り上げます。NAD+やNMNの研究も進んでいます。", i+1))
}

// peakHeap samples the heap in use until stop is called, and returns its
// peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkSync syncs a site of syncBenchPages generated pages, listed by
// a sitemap, into a new data directory ("first": every page fetched,
// parsed and written, then the segments merged, as the command does), and
// again with nothing changed ("unchanged": a 304 for each page;
// "unchanged-lastmod": the sitemap's lastmods spare every request). No
// -delay: this is the machine's cost; a real run is paced by -delay (1 s
// a request to a host by default).
//
//	go test ./cmd/nmnsearch/internal/sitesync -run '^$' -bench Sync -benchtime 3x
func BenchmarkSync(b *testing.B) {
	s := newSite(b)
	for i := range syncBenchPages {
		p := fmt.Sprintf("/column/%04d/", i)
		s.pages[p] = benchPage(i)
		s.listed = append(s.listed, p)
	}
	index.LoadDictionary()
	run := func(b *testing.B, dir string, compact bool) Summary {
		ix, err := index.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer ix.Close()
		cfg := testConfig(dir, s.url("/sitemap.xml"))
		sum, err := Run(context.Background(), cfg, indexWriter{ix})
		if err != nil {
			b.Fatal(err)
		}
		if compact {
			if _, _, err := ix.Compact(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		return sum
	}
	report := func(b *testing.B, sums []Summary, peak uint64) {
		var requests, fetched int64
		for _, s := range sums {
			requests += s.Requests
			fetched += int64(s.Fetched)
		}
		n := float64(len(sums))
		b.ReportMetric(float64(requests)/n, "requests/op")
		b.ReportMetric(float64(fetched)/n, "pages-fetched/op")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		var sums []Summary
		stop := peakHeap()
		for b.Loop() {
			b.StopTimer()
			dir := b.TempDir()
			b.StartTimer()
			sum := run(b, dir, true)
			if sum.Added != syncBenchPages {
				b.Fatalf("%+v", countsOf(sum))
			}
			sums = append(sums, sum)
		}
		report(b, sums, stop())
	})
	b.Run("unchanged", func(b *testing.B) {
		dir := b.TempDir()
		run(b, dir, true)
		s.counts()
		b.ReportAllocs()
		var sums []Summary
		stop := peakHeap()
		for b.Loop() {
			sum := run(b, dir, false)
			if sum.Unchanged != syncBenchPages || sum.Fetched != 0 {
				b.Fatalf("%+v", countsOf(sum))
			}
			sums = append(sums, sum)
		}
		report(b, sums, stop())
		if _, bodies := s.counts(); total(bodies) != 0 {
			b.Fatalf("%d page bodies sent", total(bodies))
		}
	})
	b.Run("unchanged-lastmod", func(b *testing.B) {
		dir := b.TempDir()
		s.mu.Lock()
		for _, p := range s.listed {
			s.lastmod[p] = "2026-03-02T10:00:00+09:00"
		}
		s.mu.Unlock()
		run(b, dir, true)
		b.ReportAllocs()
		var sums []Summary
		stop := peakHeap()
		for b.Loop() {
			sum := run(b, dir, false)
			if sum.Unchanged != syncBenchPages || sum.Requests != 2 {
				b.Fatalf("%+v, %d requests", countsOf(sum), sum.Requests)
			}
			sums = append(sums, sum)
		}
		report(b, sums, stop())
	})
}
