package index

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// versions of one article: each paragraph but the title says zebrafish and
// its version's marker, and the versions differ in length, so a search
// that mixed them would find ids of one version with texts of the other,
// or ids the snapshot lacks.
var versions = []struct {
	marker string
	src    Source
}{
	{"alphamark", Source{ID: "900-zebra", Paragraphs: []string{"Version one",
		"zebrafish alphamark one.", "zebrafish alphamark two.", "zebrafish alphamark three."}}},
	{"betamark", Source{ID: "900-zebra", Paragraphs: []string{"Version two",
		"zebrafish betamark one.", "zebrafish betamark two.", "zebrafish betamark three.",
		"zebrafish betamark four.", "zebrafish betamark five."}}},
}

// checkView searches zebrafish within one View and checks that the hits
// and the paragraphs and article they look up are all of one version.
func checkView(ix *Index) error {
	return ix.View(func(s *Snapshot) error {
		q := bleve.NewTermQuery("zebrafish")
		q.SetField(FieldENWord)
		sr, err := s.Bleve().Search(bleve.NewSearchRequestOptions(q, 100, 0, false))
		if err != nil {
			return err
		}
		marker := ""
		for _, h := range sr.Hits {
			p, ok := s.Paragraph(h.ID)
			if !ok {
				return fmt.Errorf("hit %s is not in the snapshot", h.ID)
			}
			m := strings.Fields(p.Text)[1]
			if marker == "" {
				marker = m
			}
			if m != marker {
				return fmt.Errorf("hit %s says %s, an earlier one %s", h.ID, m, marker)
			}
		}
		a, ok := s.Article("900-zebra")
		if !ok {
			return fmt.Errorf("no article")
		}
		if n := len(a.Paragraphs) - 1; int(sr.Total) != n || len(sr.Hits) != n {
			return fmt.Errorf("%d hits (%d shown) of a version of %d paragraphs", sr.Total, len(sr.Hits), n)
		}
		if !strings.Contains(a.Paragraphs[1].Text, marker) {
			return fmt.Errorf("the article says %q, its hits %s", a.Paragraphs[1].Text, marker)
		}
		return nil
	})
}

// While one goroutine puts the two versions of an article in turn (and
// reindexes now and then), searches within View see one version or the
// other, never a mix.
func TestViewSeesOneVersion(t *testing.T) {
	withVersionedIndex(t, func(t *testing.T, dir string, ix *Index) {
		const puts = 60
		var done atomic.Bool
		var views atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !done.Load() {
					if err := checkView(ix); err != nil {
						errs <- err
						return
					}
					views.Add(1)
				}
			}()
		}
		for i := range puts {
			v := versions[i%2]
			if err := ix.Put(srcArticle(t, v.src)); err != nil {
				t.Fatal(err)
			}
			if i%20 == 10 {
				if err := ix.Reindex(); err != nil {
					t.Fatal(err)
				}
			}
		}
		done.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("%d puts, %d consistent views", puts, views.Load())
	})
}

// withVersionedIndex runs fn on an index in memory (dir "") and on one on disk,
// each holding the seeds and the first version of the test article.
func withVersionedIndex(t *testing.T, fn func(t *testing.T, dir string, ix *Index)) {
	for _, dir := range []string{"", t.TempDir()} {
		name := "memory"
		if dir != "" {
			name = "disk"
		}
		t.Run(name, func(t *testing.T) {
			ix, err := Open(dir, os.DirFS("testdata"))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := ix.Put(srcArticle(t, versions[0].src)); err != nil {
				t.Fatal(err)
			}
			fn(t, dir, ix)
		})
	}
}
