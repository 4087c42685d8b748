package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// group=article answers one entry per article under "groups", with the
// number of articles; without it "groups" is absent; another value is 400.
func TestSearchGroupedByArticle(t *testing.T) {
	e := newAdminEnv(t)
	rec := do(t, e.h, "GET", "/api/search?q=NAD%2B&group=article&size=2")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Total    int
		Articles int
		Hits     []json.RawMessage
		Groups   []struct {
			Article struct{ ID string }
			Hits    []struct{ ID string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Hits == nil || len(got.Hits) != 0 || len(got.Groups) != 2 || got.Articles < 2 || got.Total <= got.Articles {
		t.Errorf("grouped answer: %s", rec.Body)
	}
	var flat map[string]json.RawMessage
	if err := json.Unmarshal(do(t, e.h, "GET", "/api/search?q=NAD%2B").Body.Bytes(), &flat); err != nil {
		t.Fatal(err)
	}
	if _, ok := flat["groups"]; ok {
		t.Error(`an answer not grouped has "groups"`)
	}
	wantError(t, do(t, e.h, "GET", "/api/search?q=NAD%2B&group=site"), http.StatusBadRequest, "invalid_param")
}
