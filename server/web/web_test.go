package web_test

import (
	"io/fs"
	"regexp"
	"strconv"
	"testing"

	"nmnsearch/search"
	"nmnsearch/server/web"
)

// TestWidgetLimits: the box's copies of the API's limits are the API's.
func TestWidgetLimits(t *testing.T) {
	src, err := fs.ReadFile(web.Static, "static/nmn-search.js")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{
		"PAGE_SIZE":         search.DefaultPageSize,
		"MAX_RESULT_WINDOW": search.MaxResultWindow,
		"MAX_QUERY_CHARS":   search.MaxQueryRunes,
	} {
		m := regexp.MustCompile(`(?m)^const ` + name + ` = (\d+);`).FindSubmatch(src)
		if m == nil {
			t.Errorf("nmn-search.js has no const %s = <number>;", name)
			continue
		}
		if got, _ := strconv.Atoi(string(m[1])); got != want {
			t.Errorf("nmn-search.js: %s = %d, want %d as in package search", name, got, want)
		}
	}
}
