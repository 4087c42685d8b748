package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"nmnsearch/search"
	"nmnsearch/server"
)

// TestAnalyticsReportAPI sends a known set of events over two days and
// reads the report through the admin API.
func TestAnalyticsReportAPI(t *testing.T) {
	e := newAnalyticsEnv(t, "")
	send := func(body string) {
		t.Helper()
		wantNoContent(t, post(t, e.h, body), body)
	}
	search := func(q string, hits int, topics ...string) {
		t.Helper()
		tj, _ := json.Marshal(append([]string{}, topics...))
		send(fmt.Sprintf(`{"t":"search","q":%q,"topics":%s,"lang":"ja","hits":%d,"articles":1}`, q, tj, hits))
	}
	click := func(q string, pos int) {
		t.Helper()
		send(fmt.Sprintf(`{"t":"click","q":%q,"topics":[],"lang":"","article":"002-d25f1ed27a07bf50","pos":%d}`, q, pos))
	}
	// Day 1: メラトニン (written full-width and half, the same query once
	// normalized) 4 times, 2 with a click; 不眠 症状 twice, finding nothing.
	search("メラトニン", 10)
	click("メラトニン", 1)
	search("ﾒﾗﾄﾆﾝ", 10)
	search("  メラトニン ", 10)
	click("メラトニン", 3)
	search("メラトニン", 10)
	search("不眠 症状", 0)
	search("不眠 症状", 0)
	e.clock.NextDay()
	// Day 2: the sleep topic alone, and 不眠 症状 again.
	search("", 5, "sleep")
	search("不眠 症状", 0)

	rec := e.do("GET", "/api/admin/analytics?from=2026-12-01&to=2026-12-02", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("report: %d %s", rec.Code, rec.Body)
	}
	want := `{"from":"2026-12-01","to":"2026-12-02","days":[` +
		`{"day":"2026-12-01","searches":6,"no_hits":2,"clicks":2},{"day":"2026-12-02","searches":2,"no_hits":1,"clicks":0}],` +
		`"top":[{"q":"メラトニン","topics":[],"searches":4,"no_hits":0,"clicks":2,"ctr":0.5,"mean_first_position":2,"mean_hits":10,` +
		`"opened":[{"article":"002-d25f1ed27a07bf50","clicks":2}]},` +
		`{"q":"不眠 症状","topics":[],"searches":3,"no_hits":3,"clicks":0,"ctr":0,"mean_first_position":0,"mean_hits":0,"opened":[]},` +
		`{"q":"","topics":["sleep"],"searches":1,"no_hits":0,"clicks":0,"ctr":0,"mean_first_position":0,"mean_hits":5,"opened":[]}],` +
		`"top_no_hits":[{"q":"不眠 症状","topics":[],"searches":3}],"other":0}` + "\n"
	if got := rec.Body.String(); got != want {
		t.Errorf("report:\n got %s\nwant %s", got, want)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store (an admin answer)", got)
	}
	// The default: the last 30 days, today's last.
	var r struct {
		From, To string
		Days     []struct{ Day string }
	}
	if err := json.Unmarshal(e.do("GET", "/api/admin/analytics", "").Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.From != "2026-11-03" || r.To != "2026-12-02" || len(r.Days) != 30 {
		t.Errorf("default: %s to %s, %d days; want 2026-11-03 to 2026-12-02, 30", r.From, r.To, len(r.Days))
	}

	for _, tc := range []struct{ query, message string }{
		{"from=2026-12-02&to=2026-12-01", "after"},
		{"from=2026-12-1", `from "2026-12-1" is not a date (YYYY-MM-DD)`},
		{"from=2026-09-02&to=2026-12-01", "91 days from 2026-09-02 to 2026-12-01; at most 90"},
		{"from=2026-12-01&from=2026-12-02", "from may be given only once"},
	} {
		msg := wantError(t, e.do("GET", "/api/admin/analytics?"+tc.query, ""), http.StatusBadRequest, "invalid_param")
		if !strings.Contains(msg, tc.message) {
			t.Errorf("%s: message %q, want it to say %q", tc.query, msg, tc.message)
		}
	}
	wantError(t, e.do("GET", "/api/admin/analytics", "", "Authorization", ""), http.StatusUnauthorized, "unauthorized")
	wantError(t, e.do("GET", "/api/admin/analytics", "", "Origin", "https://clinic.example"), http.StatusForbidden, "origin_not_allowed")

	// The metrics count searches, never their text.
	samples := scrape(t, e.h)
	if v := value(samples, "searches_recorded_total"); v != 8 {
		t.Errorf("searches_recorded_total = %v, want 8", v)
	}
	if v := value(samples, "searches_no_hits_total"); v != 3 {
		t.Errorf("searches_no_hits_total = %v, want 3", v)
	}
	for _, s := range samples {
		for _, l := range s.labels {
			if strings.Contains(l, "メラトニン") || strings.Contains(l, "不眠") {
				t.Errorf("a query in a label: %s %v", s.name, s.labels)
			}
		}
	}
}

// TestSuggestFromReaders: a query readers found something with on
// MinSuggestDays days joins the articles' words in /api/suggest, after
// them; the response cache does not hide it.
func TestSuggestFromReaders(t *testing.T) {
	e := newAnalyticsEnv(t, "", server.WithCache(1<<20, func() uint64 { return 1 }))
	type answer struct {
		Suggestions []struct {
			Text       string
			Paragraphs int
			Query      bool
		}
	}
	suggest := func(q string) answer {
		t.Helper()
		rec := do(t, e.h, "GET", "/api/suggest?q="+q)
		if rec.Code != http.StatusOK {
			t.Fatalf("suggest %s: %d %s", q, rec.Code, rec.Body)
		}
		return decode[answer](t, rec)
	}
	readers := func(a answer) []string {
		var out []string
		for _, s := range a.Suggestions {
			if s.Query {
				out = append(out, s.Text)
			}
		}
		return out
	}
	words := suggest("mela")
	if len(words.Suggestions) == 0 || words.Suggestions[0].Text != "melatonin" || words.Suggestions[0].Paragraphs == 0 {
		t.Fatalf("mela: %+v, want the articles' melatonin first", words)
	}
	for day := 1; day <= 3; day++ {
		// Searched many times a day, and by a reader who found nothing.
		for range 5 {
			wantNoContent(t, post(t, e.h, `{"t":"search","q":"melatonin dose","hits":4}`), "search")
			wantNoContent(t, post(t, e.h, `{"t":"search","q":"melanoma","hits":0}`), "search")
		}
		got := readers(suggest("mela"))
		if day < 3 && got != nil {
			t.Errorf("day %d: readers' suggestions %q before %d days", day, got, 3)
		}
		if day == 3 && (len(got) != 1 || got[0] != "melatonin dose") {
			t.Errorf("day 3: readers' suggestions %q, want melatonin dose", got)
		}
		e.clock.NextDay()
	}
	a := suggest("mela")
	last := a.Suggestions[len(a.Suggestions)-1]
	if !last.Query || last.Text != "melatonin dose" || len(a.Suggestions) > search.MaxSuggestions {
		t.Errorf("mela: %+v; want the articles' words, then melatonin dose, at most %d", a, search.MaxSuggestions)
	}
	// The last word completed with the rest of the query.
	if got := readers(suggest("melatonin+d")); len(got) != 1 || got[0] != "dose" {
		t.Errorf("melatonin d: readers' suggestions %q, want dose", got)
	}
}
