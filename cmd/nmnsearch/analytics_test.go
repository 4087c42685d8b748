package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nmnsearch/server/analytics"
)

// Analytics is on by default: the box's events are counted in
// analytics.db beside articles.db, written at shutdown, read back at the
// next start.
func TestRunAnalytics(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken, "NMNSEARCH_RATE": "0"}
	report := func(base string) string {
		t.Helper()
		status, body := httpDo(t, "GET", base+"/api/admin/analytics", "", "Authorization", "Bearer "+adminTestToken)
		if status != http.StatusOK {
			t.Fatalf("report: %d %s", status, body)
		}
		return body
	}
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, env)
	waitReady(t, p.base)
	status, body := httpDo(t, "POST", p.base+"/api/events", `{"t":"search","q":"quokkafruit","topics":[],"lang":"","hits":0,"articles":0}`,
		"Content-Type", "text/plain;charset=UTF-8")
	if status != http.StatusNoContent {
		t.Fatalf("event: %d %s", status, body)
	}
	before := report(p.base)
	if !strings.Contains(before, `"top_no_hits":[{"q":"quokkafruit","topics":[],"searches":1}]`) {
		t.Errorf("report: %s", before)
	}
	if a := fetch(p.base + "/metrics"); !strings.Contains(a.body, "\nsearches_no_hits_total 1\n") {
		t.Error("/metrics: searches_no_hits_total is not 1")
	}
	stopProc(t, p)
	if !strings.Contains(p.stdout.String(), `msg="analytics closed"`) {
		t.Errorf("no analytics closed line:\n%s", p.stdout)
	}
	if b, err := os.ReadFile(filepath.Join(dir, analytics.FileName)); err != nil || !bytes.Contains(b, []byte("quokkafruit")) {
		t.Errorf("%s after shutdown: %v; the query is not in it", analytics.FileName, err)
	}

	p = startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir}, env)
	waitReady(t, p.base)
	if after := report(p.base); after != before {
		t.Errorf("after a restart:\n got %s\nwant %s", after, before)
	}
	stopProc(t, p)
}

// -analytics=false (or $NMNSEARCH_ANALYTICS=false): no route, no file.
func TestRunAnalyticsOff(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", dir},
		map[string]string{"NMNSEARCH_ANALYTICS": "false", "NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	waitReady(t, p.base)
	if status, body := httpDo(t, "POST", p.base+"/api/events", `{"t":"search","q":"a","hits":1}`, "Content-Type", "text/plain"); status != http.StatusNotFound {
		t.Errorf("event with analytics off: %d %s, want 404", status, body)
	}
	if status, _ := httpDo(t, "GET", p.base+"/api/admin/analytics", "", "Authorization", "Bearer "+adminTestToken); status != http.StatusNotFound {
		t.Errorf("report with analytics off: %d, want 404", status)
	}
	stopProc(t, p)
	if _, err := os.Stat(filepath.Join(dir, analytics.FileName)); !os.IsNotExist(err) {
		t.Errorf("%s with analytics off: %v, want none", analytics.FileName, err)
	}
}

// -analytics-days takes 1 to analytics.MaxRetentionDays, and refuses the
// rest before anything starts.
func TestAnalyticsDaysFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-analytics-days", "0"}, nil, "-analytics-days 0: want 1 to 366"},
		{[]string{"-analytics-days", "367"}, nil, "-analytics-days 367: want 1 to 366"},
		{nil, map[string]string{"NMNSEARCH_ANALYTICS_DAYS": "-1"}, "-analytics-days -1"},
		{nil, map[string]string{"NMNSEARCH_ANALYTICS_DAYS": "a week"}, `$NMNSEARCH_ANALYTICS_DAYS: "a week" is not a valid value`},
		{nil, map[string]string{"NMNSEARCH_ANALYTICS": "maybe"}, `$NMNSEARCH_ANALYTICS: "maybe" is not a valid value`},
	} {
		args := append([]string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", ""}, tc.args...)
		err := run(context.Background(), args, fakeEnv(tc.env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
}
