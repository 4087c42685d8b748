package index

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadArticleFiles parses article files, for ingesting them: web pages
// (*.html, *.htm) and files in the seeds' format (any other). Each path is
// a file (its id is articleIDFromFile of its name) or a directory, whose
// *.txt, *.html and *.htm files at the top are read in name order. Two
// files of one id, a directory with no such file or a file that does not
// parse is an error, and nothing is returned. Files read together are
// classified together: a line several of them print is their site's.
//
// Only regular files are read: a named one may be a link to one, but a
// directory's entries are taken as they are, so that a link in it never
// publishes a file from elsewhere; a device or a FIFO is refused before it
// is opened, and a file over the size an article may have before it is read.
func ReadArticleFiles(paths ...string) ([]Article, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			if err := readable(p, fi); err != nil {
				return nil, err
			}
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		var found []string
		for _, e := range entries {
			n := filepath.Join(p, e.Name())
			if !strings.EqualFold(filepath.Ext(n), ".txt") && !isHTMLFile(n) {
				continue
			}
			if fi, err := os.Lstat(n); err == nil && fi.Mode().IsRegular() {
				if err := readable(n, fi); err != nil {
					return nil, err
				}
				found = append(found, n)
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no *.txt or *.html article files", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	var srcs []*Source
	var names []string
	from := map[string]string{}
	for _, f := range files {
		id := articleIDFromFile(filepath.Base(f))
		if prev, ok := from[id]; ok {
			return nil, fmt.Errorf("%s and %s are both article %s", prev, f, id)
		}
		from[id] = f
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		src := Source{ID: id, Text: string(raw)}
		if isHTMLFile(f) {
			src = Source{ID: id, HTML: string(raw)}
		}
		srcs = append(srcs, &src)
		names = append(names, f)
	}
	return parseBatch(srcs, names)
}

// readable refuses what ingest must not read: anything but a regular file,
// and a file larger than an article may be.
func readable(name string, fi os.FileInfo) error {
	limit := int64(MaxTextBytes)
	if isHTMLFile(name) {
		limit = MaxHTMLBytes
	}
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file (%s)", name, fi.Mode().Type())
	case fi.Size() > limit:
		return fmt.Errorf("%s: %d bytes, over the %d an article may have", name, fi.Size(), limit)
	}
	return nil
}

// parseBatch parses sources read together (names say where each came
// from, for errors), each classified with the others of its site.
func parseBatch(srcs []*Source, names []string) ([]Article, error) {
	sites := sitesFor(srcs, nil)
	var out []Article
	for i, src := range srcs {
		a, err := src.parse(defaultTopics(), sites.options(src))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
		out = append(out, a)
	}
	return out, nil
}
