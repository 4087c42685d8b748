package index

import (
	"nmnsearch/index/extract"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The seeds lose no line of their articles and keep no line of their
// sites' furniture: testdata/kept holds, per seed, the lines that are the
// article's, checked by hand.
func TestStripSeeds(t *testing.T) {
	for _, f := range []string{seedFile000, seedFile001, seedFile002} {
		golden, err := os.ReadFile(filepath.Join("testdata", "kept", f))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(strings.TrimRight(string(golden), "\n"), "\n")
		kept, dropped := strip(string(readSeedFile(t, f)))
		for _, l := range want {
			if !slices.Contains(kept, l) {
				t.Errorf("%s: article line dropped: %q (%s)", f, l, reasonOf(dropped, l))
			}
		}
		for _, l := range kept {
			if !slices.Contains(want, l) {
				t.Errorf("%s: furniture kept: %q", f, l)
			}
		}
		if !slices.Equal(kept, want) {
			t.Errorf("%s: kept lines out of order", f)
		}
		for _, d := range dropped {
			if d.Reason == "" {
				t.Errorf("%s: %q dropped with no reason", f, d.Text)
			}
		}
	}
}

func reasonOf(dropped []Dropped, line string) string {
	for _, d := range dropped {
		if d.Text == line {
			return d.Reason
		}
	}
	return "not dropped: changed?"
}

// Ingested together, as one site's pages (their shared lines are the
// site's template), the seeds keep the same lines.
func TestBuildSeedsKeepsTheirText(t *testing.T) {
	ix, err := Build(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, f := range []string{seedFile000, seedFile001, seedFile002} {
		golden, err := os.ReadFile(filepath.Join("testdata", "kept", f))
		if err != nil {
			t.Fatal(err)
		}
		a, ok := ix.Article(articleIDFromFile(f))
		if !ok {
			t.Fatalf("%s: not in the index", f)
		}
		var got []string
		for _, p := range a.Paragraphs {
			got = append(got, p.Text)
		}
		if want := strings.Split(strings.TrimRight(string(golden), "\n"), "\n"); !slices.Equal(got, want) {
			t.Errorf("%s: %d paragraphs, want the %d lines of testdata/kept", f, len(got), len(want))
		}
	}
}

// strip splits an article file's non-empty lines into the ones kept as
// article text and the ones dropped as the site's furniture.
func strip(raw string) (kept []string, dropped []Dropped) {
	p := extract.Text(raw, extract.Options{})
	for _, b := range p.Kept {
		kept = append(kept, b.Text)
	}
	return kept, p.Dropped
}
