package analytics_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nmnsearch/server/analytics"
	"nmnsearch/server/servertest"
)

func open(t *testing.T, dir string, c *servertest.Clock, days int) *analytics.Store {
	t.Helper()
	s, err := analytics.Open(analytics.Options{Dir: dir, RetentionDays: days, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func search(t testing.TB, s *analytics.Store, q string, found bool, topics ...string) {
	t.Helper()
	if err := s.RecordSearch(analytics.Search{Q: q, Topics: topics, Hits: hitsIf(found)}); err != nil {
		t.Fatal(err)
	}
}

func click(t testing.TB, s *analytics.Store, q string, pos int, topics ...string) {
	t.Helper()
	if err := s.RecordClick(analytics.Click{Q: q, Topics: topics, Pos: pos}); err != nil {
		t.Fatal(err)
	}
}

func report(t *testing.T, s *analytics.Store, from, to string) *analytics.Report {
	t.Helper()
	r, err := s.Report(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReport records a known set of events over two days and checks every
// number of the report.
func TestReport(t *testing.T) {
	c := servertest.NewClock()
	s := open(t, "", c, 0)
	// Day 1: メラトニン three times, clicked at 1 and 2; NMN found nothing
	// twice; a topic filter alone once.
	search(t, s, "メラトニン", true)
	click(t, s, "メラトニン", 1)
	search(t, s, "メラトニン", true)
	search(t, s, "メラトニン", true)
	click(t, s, "メラトニン", 2)
	search(t, s, "NMN 副作用", false)
	search(t, s, "NMN 副作用", false)
	search(t, s, "", true, "sleep")
	click(t, s, "never searched", 4) // a day's click, no query's
	c.NextDay()
	// Day 2: メラトニン within the sleep topic is another query.
	search(t, s, "メラトニン", true, "sleep")
	click(t, s, "メラトニン", 3, "sleep")
	click(t, s, "メラトニン", 1, "sleep") // a second click of one search: not a first
	search(t, s, "NMN 副作用", false)

	got := asJSON(t, report(t, s, "2026-12-01", "2026-12-03"))
	want := `{"from":"2026-12-01","to":"2026-12-03","days":[` +
		`{"day":"2026-12-01","searches":6,"no_hits":2,"clicks":3},` +
		`{"day":"2026-12-02","searches":2,"no_hits":1,"clicks":2},` +
		`{"day":"2026-12-03","searches":0,"no_hits":0,"clicks":0}],` +
		`"top":[` +
		`{"q":"NMN 副作用","topics":[],"searches":3,"no_hits":3,"clicks":0,"ctr":0,"mean_first_position":0,"mean_hits":0,"opened":[]},` +
		`{"q":"メラトニン","topics":[],"searches":3,"no_hits":0,"clicks":2,"ctr":0.6666666666666666,"mean_first_position":1.5,"mean_hits":3,"opened":[]},` +
		`{"q":"","topics":["sleep"],"searches":1,"no_hits":0,"clicks":0,"ctr":0,"mean_first_position":0,"mean_hits":3,"opened":[]},` +
		`{"q":"メラトニン","topics":["sleep"],"searches":1,"no_hits":0,"clicks":2,"ctr":1,"mean_first_position":3,"mean_hits":3,"opened":[]}],` +
		`"top_no_hits":[{"q":"NMN 副作用","topics":[],"searches":3}],"other":0}`
	if got != want {
		t.Errorf("report:\n got %s\nwant %s", got, want)
	}

	// The default range: the DefaultReportDays days up to today.
	r := report(t, s, "", "")
	if len(r.Days) != analytics.DefaultReportDays || r.To != "2026-12-02" || r.From != "2026-11-03" {
		t.Errorf("default range: %s to %s, %d days; want 2026-11-03 to 2026-12-02, %d", r.From, r.To, len(r.Days), analytics.DefaultReportDays)
	}
}

func TestReportRange(t *testing.T) {
	s := open(t, "", servertest.NewClock(), 7)
	for _, tc := range []struct{ from, to string }{
		{"2026-12-02", "2026-12-01"}, // backwards
		{"2026-11-24", "2026-12-01"}, // 8 days, 7 kept
		{"2026-12-1", "2026-12-01"},
		{"2026-02-30", "2026-03-01"},
		{"yesterday", ""},
	} {
		if _, err := s.Report(tc.from, tc.to); !errors.Is(err, analytics.ErrRange) {
			t.Errorf("Report(%q, %q): %v, want ErrRange", tc.from, tc.to, err)
		}
	}
	if r := report(t, s, "2026-11-25", "2026-12-01"); len(r.Days) != 7 {
		t.Errorf("7 days: got %d", len(r.Days))
	}
}

// TestTopKKeepsTheFrequent: among a flood of queries searched once, the
// queries searched often are kept with their exact counts, and the rest
// are other.
func TestTopKKeepsTheFrequent(t *testing.T) {
	s := open(t, "", servertest.NewClock(), 0)
	total := 0
	for i := range 5 * analytics.TopK {
		search(t, s, "once "+itoa(i), true)
		total++
		if i%10 == 0 { // each of 3 queries: 500 searches, interleaved
			for _, q := range []string{"睡眠", "NAD+", "メラトニン"} {
				search(t, s, q, true)
				total++
			}
		}
	}
	r := report(t, s, "", "")
	var top []string
	for _, q := range r.Top[:3] {
		top = append(top, q.Q)
		if q.Searches != 5*analytics.TopK/10 {
			t.Errorf("%s: %d searches, want %d", q.Q, q.Searches, 5*analytics.TopK/10)
		}
	}
	slices.Sort(top)
	if want := []string{"NAD+", "メラトニン", "睡眠"}; !slices.Equal(top, want) {
		t.Errorf("top 3 %q, want %q", top, want)
	}
	if n := s.TodayEntries(); n != analytics.TopK {
		t.Errorf("%d entries, want TopK (%d)", n, analytics.TopK)
	}
	// other is every search of a query no longer kept.
	if r.Days[len(r.Days)-1].Searches != int64(total) || r.Other <= 0 || r.Other > int64(total)-1500 {
		t.Errorf("searches %d, other %d: want %d searches, other at most %d", r.Days[len(r.Days)-1].Searches, r.Other, total, total-1500)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestRestartKeepsDays writes a week, one day at a time, restarts, and
// finds the week.
func TestRestartKeepsDays(t *testing.T) {
	dir := t.TempDir()
	c := servertest.NewClock()
	s := open(t, dir, c, 0)
	for day := range 7 {
		for range day + 1 {
			search(t, s, "メラトニン", true)
		}
		search(t, s, "day "+itoa(day), false)
		c.NextDay()
	}
	c.Add(-24 * time.Hour) // the seventh day is today
	before := asJSON(t, report(t, s, "2026-12-01", "2026-12-07"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSearch(analytics.Search{Q: "late"}); !errors.Is(err, analytics.ErrClosed) {
		t.Errorf("a search after Close: %v, want ErrClosed", err)
	}
	s = open(t, dir, c, 0)
	after := asJSON(t, report(t, s, "2026-12-01", "2026-12-07"))
	if after != before {
		t.Errorf("after a restart:\n got %s\nwant %s", after, before)
	}
	// Today goes on from where it was.
	search(t, s, "メラトニン", true)
	if r := report(t, s, "2026-12-07", ""); r.Days[0].Searches != 9 {
		t.Errorf("today after a restart: %d searches, want 9", r.Days[0].Searches)
	}
}

// TestFlushEveryMinute: a restart loses at most flushEvery, since the
// day is written at every tick without waiting for Close.
func TestFlushEveryMinute(t *testing.T) {
	if analytics.FlushEvery != time.Minute {
		t.Errorf("flushEvery = %v, want a minute", analytics.FlushEvery)
	}
	dir := t.TempDir()
	tick, flushed := make(chan time.Time), make(chan error)
	s, err := analytics.Open(analytics.WithTicks(analytics.Options{Dir: dir, Now: servertest.NewClock().Now}, tick, flushed))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	search(t, s, "quokkafruit", true)
	file := filepath.Join(dir, analytics.FileName)
	if b, _ := os.ReadFile(file); bytes.Contains(b, []byte("quokkafruit")) {
		t.Fatal("written before a tick")
	}
	tick <- time.Time{}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); !bytes.Contains(b, []byte("quokkafruit")) {
		t.Error("not written at the tick")
	}
}

// TestRetention: days past the retention are dropped from the file and
// never reported, at each write and at start.
func TestRetention(t *testing.T) {
	dir := t.TempDir()
	c := servertest.NewClock()
	s := open(t, dir, c, 7)
	for range 10 {
		search(t, s, "毎日", true)
		c.NextDay()
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// Today is 2026-12-11, empty; kept: 12-05 to 12-11.
	r := report(t, s, "2026-12-05", "2026-12-11")
	if got := daysWithSearches(r); got != 6 {
		t.Errorf("%d days with searches, want 6 (12-05 to 12-10)", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, c, 3)
	r = report(t, s, "2026-12-09", "2026-12-11")
	if got := daysWithSearches(r); got != 2 {
		t.Errorf("reopened with 3 days kept: %d days with searches, want 2", got)
	}
	if _, err := s.Report("2026-12-08", "2026-12-11"); !errors.Is(err, analytics.ErrRange) {
		t.Errorf("4 days of 3 kept: %v, want ErrRange", err)
	}
	// Dropped from the file at that start, not only left out of reports.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, c, 7)
	if got := daysWithSearches(report(t, s, "2026-12-05", "2026-12-11")); got != 2 {
		t.Errorf("reopened with 7 days kept after 3: %d days with searches, want 2", got)
	}
}

func daysWithSearches(r *analytics.Report) int {
	n := 0
	for _, d := range r.Days {
		if d.Searches > 0 {
			n++
		}
	}
	return n
}

func TestLimits(t *testing.T) {
	for name, got := range map[string][2]int{
		"TopK":                 {analytics.TopK, 1000},
		"ReportTop":            {analytics.ReportTop, 20},
		"MinSuggestDays":       {analytics.MinSuggestDays, 3},
		"MaxSuggestions":       {analytics.MaxSuggestions, 3},
		"DefaultRetentionDays": {analytics.DefaultRetentionDays, 90},
		"MaxRetentionDays":     {analytics.MaxRetentionDays, 366},
		"DefaultReportDays":    {analytics.DefaultReportDays, 30},
		"MaxQueryBytes":        {analytics.MaxQueryBytes, 768},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %d, want %d", name, got[0], got[1])
		}
	}
	for _, days := range []int{-1, analytics.MaxRetentionDays + 1} {
		if _, err := analytics.Open(analytics.Options{RetentionDays: days}); err == nil {
			t.Errorf("Open with %d days of retention: no error", days)
		}
	}
	s := open(t, "", servertest.NewClock(), analytics.MaxRetentionDays)
	if s.RetentionDays() != analytics.MaxRetentionDays {
		t.Errorf("RetentionDays() = %d", s.RetentionDays())
	}
	if err := s.RecordSearch(analytics.Search{Q: strings.Repeat("眠", analytics.MaxQueryBytes/3)}); err != nil {
		t.Errorf("a query of MaxQueryBytes: %v", err)
	}
	for name, err := range map[string]error{
		"too long": s.RecordSearch(analytics.Search{Q: strings.Repeat("眠", analytics.MaxQueryBytes/3) + "a"}),
		"unsorted": s.RecordSearch(analytics.Search{Q: "a", Topics: []string{"sleep", "depression"}}),
		"repeated": s.RecordClick(analytics.Click{Q: "a", Topics: []string{"sleep", "sleep"}, Pos: 1}),
		"pos 0":    s.RecordClick(analytics.Click{Q: "a", Pos: 0}),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestConcurrentDaysAndFlushes records from several goroutines while the
// clock passes midnight and the day is written, and finds every search,
// after a restart, in some day: none is lost between a write and a new day.
func TestConcurrentDaysAndFlushes(t *testing.T) {
	dir := t.TempDir()
	c := servertest.NewClock()
	s := open(t, dir, c, 0)
	const workers, each = 4, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				q := "q" + strconv.Itoa((w*each+i)%50)
				if err := s.RecordSearch(analytics.Search{Q: q, Hits: hitsIf(i%3 != 0)}); err != nil {
					t.Error(err)
				}
				if err := s.RecordClick(analytics.Click{Q: q, Pos: 1}); err != nil {
					t.Error(err)
				}
				if i%100 == 0 {
					s.Suggest("q1")
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if err := s.Flush(); err != nil {
				t.Error(err)
			}
			c.Add(6 * time.Hour)
			if _, err := s.Report("2026-12-01", "2026-12-07"); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, c, 0)
	var searches, clicks int64
	for _, d := range report(t, s, "2026-12-01", "2026-12-07").Days {
		searches += d.Searches
		clicks += d.Clicks
	}
	if searches != workers*each || clicks != workers*each {
		t.Errorf("%d searches and %d clicks over the days, want %d each", searches, clicks, workers*each)
	}
}

// hitsIf is a search's paragraphs found: some, or none.
func hitsIf(found bool) int {
	if found {
		return 3
	}
	return 0
}
