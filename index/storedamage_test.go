package index

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A damaged articles.db is never replaced: Open refuses, names the file and
// what to do, and leaves the directory as it was.
func TestOpenRefusesDamagedStore(t *testing.T) {
	for _, damage := range []string{"meta pages", "data pages"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			openT(t, dir, "testdata").Close()
			path := filepath.Join(dir, storeFile)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pageSize := 4096
			spans := [][2]int{{16, 80}, {pageSize + 16, pageSize + 80}}
			if damage == "data pages" {
				spans = [][2]int{{2 * pageSize, len(raw)}} // everything past the meta pages
			}
			damageFile(t, path, raw, spans)
			ix, err := Open(dir, os.DirFS("testdata"))
			if err == nil {
				ix.Close()
				t.Fatal("opened a damaged store")
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "nothing was changed") {
				t.Errorf("error %q: want the file named and what to do", msg)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, raw) {
				t.Error("the damaged store was changed")
			}
			if indexes, _ := filepath.Glob(filepath.Join(dir, indexPrefix+"*")); len(indexes) == 0 {
				t.Error("the index beside it was removed")
			}
		})
	}
}
