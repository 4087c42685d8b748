package search

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"nmnsearch/index"
)

//go:embed glossary.txt
var glossaryText string

// A glossary maps each name of a concept (NFKC, lower case) to the concept's
// other names.
type glossary map[string][]string

// glossaryWeight is the boost of a match of a concept's name in the other
// language: below every match in the language typed, so same-language hits
// rank first. synonymWeight is that of another name in the same language
// (概日リズム for サーカディアンリズム): below what was typed, above a
// match of only some of the query's words (relaxedWeight).
const (
	glossaryWeight = 0.01
	synonymWeight  = 0.1
)

// sameLanguage tells whether two names are written in the same language:
// Japanese if they have any kana or kanji.
func sameLanguage(a, b string) bool {
	return strings.ContainsFunc(a, index.IsJapanese) == strings.ContainsFunc(b, index.IsJapanese)
}

// maxGlossaryWords is the longest run of query terms looked up as one name
// ("parasympathetic nervous system").
const maxGlossaryWords = 4

// Limits of a synonyms file: every name is a key looked up for each query
// word, and a name of more words than maxGlossaryWords is never looked up.
const (
	maxSynonymsBytes = 4 << 20
	maxSynonymNames  = 100_000
)

// Synonyms is a parsed synonyms file (the format of glossary.txt, the
// default): what a query word also searches.
type Synonyms struct{ g glossary }

// DefaultSynonyms returns the glossary built into the binary.
func DefaultSynonyms() *Synonyms { return &Synonyms{defaultGlossary} }

// ParseSynonyms reads a synonyms file; name is how errors call it.
func ParseSynonyms(name string, data []byte) (*Synonyms, error) {
	g, err := parseGlossary(name, data)
	if err != nil {
		return nil, err
	}
	return &Synonyms{g}, nil
}

func parseGlossary(file string, data []byte) (glossary, error) {
	fail := func(line int, format string, args ...any) (glossary, error) {
		return nil, &index.FileError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > maxSynonymsBytes {
		return fail(0, "larger than %d bytes", maxSynonymsBytes)
	}
	if !utf8.Valid(data) {
		return fail(0, "not valid UTF-8")
	}
	g := glossary{}
	total := 0
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Count(line, "=>") > 1 {
			return fail(i+1, "more than one => in %q", line)
		}
		left, right, oneWay := strings.Cut(line, "=>")
		names, narrower := splitNames(left), splitNames(right)
		switch {
		case oneWay && (len(names) == 0 || len(narrower) == 0):
			return fail(i+1, "a => b needs names on both sides: %q", line)
		case !oneWay && len(names) < 2:
			return fail(i+1, "a line needs two names or more, a | b: %q", line)
		}
		if total += len(names) + len(narrower); total > maxSynonymNames {
			return fail(i+1, "more than %d names in all", maxSynonymNames)
		}
		for _, n := range names {
			key := glossaryKey(n)
			for _, other := range append(names, narrower...) {
				if glossaryKey(other) != key {
					g[key] = append(g[key], other)
				}
			}
		}
	}
	return g, nil
}

// Typed words that name no concept as they stand may still name one with a
// typo or half typed (melatonine, circad): such a match is scored at
// glossaryWeight*nearWeight, and at most maxNearNames names are added.
const (
	nearWeight             = fuzzyBoost
	minGlossaryPrefixRunes = 4 // "me" would name half the glossary
	maxNearNames           = 8
)

// near returns the other names of the concepts that have a name within
// typos edits of word, the first letter kept (as for the index's typo
// tolerance), or, when prefix, a name that starts with word; in name order.
func (g glossary) near(word string, typos int, prefix bool) []string {
	prefix = prefix && len([]rune(word)) >= minGlossaryPrefixRunes
	var keys []string
	for key := range g {
		if key == word {
			continue
		}
		match := prefix && strings.HasPrefix(key, word)
		if !match && typos > 0 && key[0] == word[0] {
			// (over is set only when it gives up early: check d too)
			d, over := bsearch.LevenshteinDistanceMax(word, key, typos)
			match = !over && d <= typos
		}
		if match {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	var names []string
	for _, k := range keys {
		for _, n := range g[k] {
			if len(names) < maxNearNames && !slices.Contains(names, n) && glossaryKey(n) != word {
				names = append(names, n)
			}
		}
	}
	return names
}

func splitNames(s string) []string {
	var names []string
	for _, n := range strings.Split(s, "|") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func glossaryKey(s string) string { return strings.ToLower(Normalize(s)) }

var defaultGlossary = func() glossary {
	g, err := parseGlossary("glossary.txt", []byte(glossaryText))
	if err != nil {
		panic(err) // a test parses it
	}
	return g
}()
