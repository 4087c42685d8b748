package analytics_test

import (
	"fmt"
	"testing"

	"nmnsearch/server/analytics"
	"nmnsearch/server/servertest"
)

// BenchmarkRecord is the cost of recording one event in a full day (TopK
// queries), under the store's lock: a search of a query already kept, a
// search of a new query (which replaces the least searched), a click; and
// Suggest, which /api/suggest adds to every completion. Reproduce with
//
//	go test ./server/analytics -run '^$' -bench . -benchtime 200000x
func BenchmarkRecord(b *testing.B) {
	c := servertest.NewClock()
	s, err := analytics.Open(analytics.Options{Now: c.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// Three days of one query, so that Suggest has one to give, each
	// day full of others.
	for day := range analytics.MinSuggestDays + 1 {
		if day > 0 {
			c.NextDay()
		}
		for range 5 { // never the least searched
			search(b, s, "melatonin supplements", true)
		}
		for i := range analytics.TopK {
			search(b, s, fmt.Sprintf("melatonin %d %04d", day, i), true)
		}
	}
	b.Run("search-kept", func(b *testing.B) {
		b.ReportAllocs()
		e := analytics.Search{Q: "melatonin 3 0500", Hits: 3}
		for b.Loop() {
			if err := s.RecordSearch(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search-new", func(b *testing.B) {
		b.ReportAllocs()
		qs := make([]string, 1<<16)
		for i := range qs {
			qs[i] = fmt.Sprintf("flood %06d", i)
		}
		i := 0
		for b.Loop() {
			if err := s.RecordSearch(analytics.Search{Q: qs[i%len(qs)], Topics: []string{"sleep"}}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("click", func(b *testing.B) {
		b.ReportAllocs()
		e := analytics.Click{Q: "melatonin 3 0500", Pos: 2}
		for b.Loop() {
			if err := s.RecordClick(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("suggest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got := s.Suggest("mela"); len(got) != 1 {
				b.Fatalf("Suggest(mela) = %q", got)
			}
		}
	})
}
