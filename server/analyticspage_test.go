package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestAnalyticsPage: the admin page of search analytics is a page like the
// others (the strict CSP, nothing inline), in the reader's language, with
// the token asked for in a password field whose value no form can put in an
// address: its fields have no name.
func TestAnalyticsPage(t *testing.T) {
	h, _ := newHandler(&fakeSearcher{})
	for lang, heading := range map[string]string{"ja": "検索の分析", "en": "Search analytics"} {
		rec := request(t, h, "GET", "/admin/analytics", map[string]string{"Accept-Language": lang})
		body := wantPage(t, rec, http.StatusOK)
		for _, want := range []string{
			`<html lang="` + lang + `">`,
			"<h1>" + heading + "</h1>",
			`<meta name="robots" content="noindex">`,
			`<input id="token" type="password"`,
			`<input id="from" type="date" required>`,
			`<figure id="chart-searches"`,
			`<table id="top-no-hits">`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %s", lang, want)
			}
		}
		if m := regexp.MustCompile(`<(input|select|textarea)[^>]*\sname=`).FindString(body); m != "" {
			t.Errorf("%s: a field with a name, which a form could put in an address: %s", lang, m)
		}
		if got := rec.Header().Get("Vary"); got != "Accept-Language" {
			t.Errorf("Vary = %q, want Accept-Language", got)
		}
		paths := assetPathRE.FindAllStringSubmatch(body, -1)
		var script, style bool
		for _, m := range paths {
			script = script || strings.HasPrefix(m[1], "/static/analytics.") && strings.HasSuffix(m[1], ".js")
			style = style || strings.HasPrefix(m[1], "/static/analytics.") && strings.HasSuffix(m[1], ".css")
			if rec := request(t, h, "GET", m[1], nil); rec.Code != http.StatusOK {
				t.Errorf("GET %s: %d", m[1], rec.Code)
			}
		}
		if !script || !style {
			t.Errorf("%s: the page names %q; want its script and stylesheet", lang, paths)
		}
	}
}
