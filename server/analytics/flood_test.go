package analytics_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"nmnsearch/server/analytics"
	"nmnsearch/server/servertest"
)

// floodQueries is how many unique queries the flood sends in one day.
const floodQueries = 100_000

// TestFloodBounded sends floodQueries unique queries in one day, writing
// every 10,000 (a minute apart), and measures the heap and the file before
// and after: the day keeps TopK queries, the file holds one day of TopK
// entries, and neither grows with the flood. Run with -v for the figures.
func TestFloodBounded(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    func(i int) string
	}{
		{"short", func(i int) string { return fmt.Sprintf("flood %06d", i) }},
		// The longest query kept: 252 kanji and 6 digits, 762 bytes.
		{"longest", func(i int) string { return strings.Repeat("眠", 252) + fmt.Sprintf("%06d", i) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, analytics.FileName)
			c := servertest.NewClock()
			s := open(t, dir, c, 0)
			heapBefore := heapBytes()
			fileBefore := fileBytes(t, file)
			var fileAt10k int64
			for i := range floodQueries {
				search(t, s, tc.q(i), true)
				if (i+1)%10_000 == 0 {
					c.Add(time.Minute)
					if err := s.Flush(); err != nil {
						t.Fatal(err)
					}
					if i+1 == 10_000 {
						fileAt10k = fileBytes(t, file)
					}
				}
			}
			heapAfter := heapBytes()
			entries := s.TodayEntries()
			r := report(t, s, "", "")
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			fileAfter := fileBytes(t, file)
			runtime.KeepAlive(s)
			t.Logf("%d unique queries of %d bytes: %d entries kept, other %d; heap %.2f → %.2f MiB (+%.2f); %s %.0f KiB → %.0f KiB (%.0f KiB after 10,000)",
				floodQueries, len(tc.q(0)), entries, r.Other, mib(heapBefore), mib(heapAfter), mib(heapAfter-heapBefore),
				analytics.FileName, kib(fileBefore), kib(fileAfter), kib(fileAt10k))

			if entries != analytics.TopK {
				t.Errorf("%d entries kept, want TopK (%d)", entries, analytics.TopK)
			}
			if want := int64(floodQueries - analytics.TopK); r.Other != want {
				t.Errorf("other %d, want %d (each kept query searched once)", r.Other, want)
			}
			// An entry is its query held twice (the entry and the table's
			// key) and some 200 bytes of counts, pointers and maps; the
			// bound leaves room for the maps' slack and bbolt's and
			// encoding/json's buffers, and is still a 25th of keeping the
			// flood.
			perEntry := int64(2*len(tc.q(0)) + 200)
			if grew := int64(heapAfter) - int64(heapBefore); grew > 4*analytics.TopK*perEntry {
				t.Errorf("heap grew %d bytes, more than 4 times TopK entries (%d bytes each)", grew, perEntry)
			}
			// The stored day is its JSON, some 120 bytes of counts an
			// entry. bbolt writes it anew in free pages each time and
			// grows the file by doubling while too few are free: a few
			// times the day at most, not the flood (100,000 entries would
			// be 130 times the day).
			stored := int64(analytics.TopK * (len(tc.q(0)) + 120))
			if fileAfter > 8*stored {
				t.Errorf("%s is %d bytes; a day of TopK entries is some %d", analytics.FileName, fileAfter, stored)
			}
		})
	}
}

// heapBytes is the live heap after a collection.
func heapBytes() uint64 {
	runtime.GC() // twice: sync.Pools keep a victim for one collection
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func fileBytes(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
func kib(n int64) float64  { return float64(n) / (1 << 10) }
