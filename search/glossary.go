package search

import (
	_ "embed"
	"slices"
	"strings"

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

func parseGlossary(text string) glossary {
	g := glossary{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		left, right, _ := strings.Cut(line, "=>")
		names, narrower := splitNames(left), splitNames(right)
		for _, n := range names {
			key := glossaryKey(n)
			for _, other := range append(names, narrower...) {
				if glossaryKey(other) != key {
					g[key] = append(g[key], other)
				}
			}
		}
	}
	return g
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

var defaultGlossary = parseGlossary(glossaryText)
