// Command extract measures how well nmnsearch takes articles out of real
// pages: a development set of pages in the seeds' text format, every line
// labelled content or chrome and every content line with its topics, kept
// outside the repository (third-party text). It ingests the pages as
// `nmnsearch ingest` would (one batch, each page with its URL) into an index
// in memory and prints, against the labels:
//
//   - chrome lines kept, of all chrome lines;
//   - content lines dropped, of all content lines;
//   - titles right, of the pages whose title stands in the page;
//   - content lines whose topic set is exactly the labelled one.
//
// Usage: go run ./.bench/extract -dir DEVSET [-v]
//
// DEVSET holds meta.tsv (file, site, lang, url, title; a title starting with
// ~ is not in the page), pages/NN.txt and labels/NN.tsv (label C or X,
// topics comma-separated or -, the line).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"nmnsearch/index"
	"nmnsearch/index/extract"
)

type page struct {
	file, site, lang, url, title string
	labels                       []label
}

type label struct {
	content bool
	topics  []string
	text    string
}

func main() {
	dir := flag.String("dir", "", "the development set: meta.tsv, pages/, labels/")
	verbose := flag.Bool("v", false, "print every error")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	pages, err := readSet(*dir)
	if err != nil {
		log.Fatal(err)
	}
	ix, err := index.New()
	if err != nil {
		log.Fatal(err)
	}
	var arts []index.Article
	for _, p := range pages {
		raw, err := os.ReadFile(filepath.Join(*dir, "pages", p.file+".txt"))
		if err != nil {
			log.Fatal(err)
		}
		a, err := ix.Parse(index.Source{ID: "dev-" + p.file, URL: p.url, Text: string(raw)})
		if err != nil {
			log.Fatalf("%s: %v", p.file, err)
		}
		arts = append(arts, a)
	}
	if err := ix.Add(arts...); err != nil {
		log.Fatal(err)
	}
	var s stats
	for _, p := range pages {
		a, ok := ix.Article("dev-" + p.file)
		if !ok {
			log.Fatalf("%s: not in the index", p.file)
		}
		s.add(p, a, *verbose)
	}
	s.print()
}

type stats struct {
	byLang map[string]*counts
}

type counts struct {
	pages, chrome, chromeKept, content, contentDropped int
	titles, titlesRight, topicLines, topicsRight       int
}

func (s *stats) add(p page, a *index.Article, verbose bool) {
	if s.byLang == nil {
		s.byLang = map[string]*counts{}
	}
	for _, key := range []string{p.lang, "all"} {
		if s.byLang[key] == nil {
			s.byLang[key] = &counts{}
		}
	}
	kept := map[string]*index.Paragraph{}
	for i := range a.Paragraphs {
		kept[a.Paragraphs[i].Text] = &a.Paragraphs[i]
	}
	for _, key := range []string{p.lang, "all"} {
		c := s.byLang[key]
		c.pages++
		if !strings.HasPrefix(p.title, "~") {
			c.titles++
			if a.Title == p.title {
				c.titlesRight++
			} else if verbose && key == "all" {
				fmt.Printf("%s title: %q, want %q\n", p.file, a.Title, p.title)
			}
		}
		// A text the page prints twice is kept once: count it right when
		// one copy is labelled content.
		keptLeft := map[string]int{}
		for t := range kept {
			keptLeft[t] = 1
		}
		for _, l := range p.labels {
			if l.content && keptLeft[l.text] > 0 {
				keptLeft[l.text]--
			}
		}
		for _, l := range p.labels {
			par := kept[l.text]
			if !l.content {
				c.chrome++
				if keptLeft[l.text] > 0 {
					keptLeft[l.text]--
					c.chromeKept++
					if verbose && key == "all" {
						fmt.Printf("%s chrome kept: %.80s\n", p.file, l.text)
					}
				}
				continue
			}
			c.content++
			if par == nil {
				c.contentDropped++
				if verbose && key == "all" {
					fmt.Printf("%s content dropped (%s): %.80s\n", p.file, reason(a, l.text), l.text)
				}
				continue
			}
			c.topicLines++
			if slices.Equal(par.Topics, l.topics) {
				c.topicsRight++
			} else if verbose && key == "all" {
				fmt.Printf("%s topics %v, want %v: %.60s\n", p.file, par.Topics, l.topics, l.text)
			}
		}
	}
}

func reason(a *index.Article, text string) string {
	for _, d := range a.Dropped {
		if d.Text == text {
			return d.Reason
		}
	}
	return "?"
}

func (s *stats) print() {
	fmt.Println("| pages | lang | chrome lines kept | content lines dropped | titles right | topic sets exactly right |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, key := range []string{"ja", "en", "all"} {
		c := s.byLang[key]
		if c == nil {
			continue
		}
		fmt.Printf("| %d | %s | %s | %s | %s | %s |\n", c.pages, key,
			ratio(c.chromeKept, c.chrome), ratio(c.contentDropped, c.content),
			ratio(c.titlesRight, c.titles), ratio(c.topicsRight, c.topicLines))
	}
}

func ratio(n, of int) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", n, of, 100*float64(n)/float64(of))
}

func readSet(dir string) ([]page, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "meta.tsv"))
	if err != nil {
		return nil, err
	}
	var pages []page
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 5 {
			continue
		}
		p := page{file: f[0], site: f[1], lang: f[2], url: f[3], title: f[4]}
		lab, err := os.ReadFile(filepath.Join(dir, "labels", p.file+".tsv"))
		if err != nil {
			return nil, err
		}
		for n, row := range strings.Split(strings.TrimRight(string(lab), "\n"), "\n") {
			cols := strings.SplitN(row, "\t", 3)
			if len(cols) != 3 || (cols[0] != "C" && cols[0] != "X") {
				return nil, fmt.Errorf("labels/%s.tsv:%d: want C|X, topics, text", p.file, n+1)
			}
			// as the article stores it: Markdown markup dropped
			l := label{content: cols[0] == "C", text: extract.Plain(strings.TrimSpace(cols[2]))}
			if cols[1] != "-" {
				l.topics = strings.Split(cols[1], ",")
			}
			p.labels = append(p.labels, l)
		}
		pages = append(pages, p)
	}
	return pages, nil
}
