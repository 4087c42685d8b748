package server_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

// PUT takes a web page as html: the article is its main content, titled
// from its head, with the canonical URL, topics per paragraph; the answer
// counts the lines left out, and the admin can list them with the reason.
func TestAdminPutHTML(t *testing.T) {
	e := newAdminEnv(t)
	page, err := os.ReadFile("../index/extract/testdata/wp-en.html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"html": string(page), "topics": []string{}})
	rec := e.do("PUT", "/api/articles/wp-en", string(body), "Content-Type", "application/json")
	if rec.Code != http.StatusCreated {
		t.Fatalf("PUT html: %d %s", rec.Code, rec.Body)
	}
	var got struct {
		Title        string
		URL          string
		DroppedLines int `json:"dropped_lines"`
		Dropped      []struct{ Text, Reason string }
		Paragraphs   []struct {
			Text    string
			Heading bool
			Topics  []string
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != "Blood Sugar and Type 2 Diabetes: What Your Numbers Mean" || got.URL == "" {
		t.Errorf("title %q, url %q", got.Title, got.URL)
	}
	if got.DroppedLines == 0 || got.Dropped != nil {
		t.Errorf("the PUT answer: %d dropped lines, listed %v; want a count and no list", got.DroppedLines, got.Dropped)
	}
	for _, p := range got.Paragraphs {
		if strings.Contains(p.Text, "Skip to content") || strings.Contains(p.Text, "Related articles") {
			t.Errorf("furniture kept: %q", p.Text)
		}
	}

	// The list of what was left out is the admin's.
	if rec := do(t, e.h, "GET", "/api/articles/wp-en?dropped=1"); rec.Code != http.StatusUnauthorized {
		t.Errorf("dropped lines without the token: %d %s", rec.Code, rec.Body)
	}
	rec = e.do("GET", "/api/articles/wp-en?dropped=1", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("dropped lines with the token: %d %s", rec.Code, rec.Body)
	}
	got.Dropped = nil
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, d := range got.Dropped {
		reasons[d.Text] = d.Reason
	}
	if len(got.Dropped) != got.DroppedLines || reasons["Back to top"] == "" || !slices.ContainsFunc(got.Dropped, func(d struct{ Text, Reason string }) bool {
		return strings.HasPrefix(d.Text, "Medically reviewed by")
	}) {
		t.Errorf("dropped %d of %d: %v", len(got.Dropped), got.DroppedLines, got.Dropped)
	}

	// A page with no article in it changes nothing: 400 invalid_article.
	page, err = os.ReadFile("../index/extract/testdata/no-content.html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = json.Marshal(map[string]string{"html": string(page)})
	rec = e.do("PUT", "/api/articles/links", string(body), "Content-Type", "application/json")
	wantError(t, rec, http.StatusBadRequest, "invalid_article")
	if !strings.Contains(rec.Body.String(), "no main content") {
		t.Errorf("no-content page: %s", rec.Body)
	}
	if rec := do(t, e.h, "GET", "/api/articles/links"); rec.Code != http.StatusNotFound {
		t.Errorf("a refused page was stored: %d", rec.Code)
	}
}
