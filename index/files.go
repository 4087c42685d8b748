package index

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// ReadArticleFiles parses article files in the seeds' format, for ingesting
// them: each path is a file (its id is ArticleIDFromFile of its name,
// whatever its extension) or a directory, whose *.txt files at the top are
// read in name order. Two files of one id, a directory with no *.txt file
// or a file that does not parse is an error, and nothing is returned.
func ReadArticleFiles(paths ...string) ([]Article, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		names, err := filepath.Glob(filepath.Join(p, "*.txt"))
		if err != nil {
			return nil, err
		}
		var found []string
		for _, n := range names {
			if fi, err := os.Stat(n); err == nil && fi.Mode().IsRegular() {
				found = append(found, n)
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.txt article files", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	var out []Article
	from := map[string]string{}
	for _, f := range files {
		id := ArticleIDFromFile(filepath.Base(f))
		if prev, ok := from[id]; ok {
			return nil, fmt.Errorf("%s and %s are both article %s", prev, f, id)
		}
		from[id] = f
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		a, err := ParseArticle(id, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, a)
	}
	return out, nil
}
