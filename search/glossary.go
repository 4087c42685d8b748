package search

import (
	_ "embed"
	"strings"
)

//go:embed glossary.txt
var glossaryText string

// A glossary maps each name of a concept (NFKC, lower case) to the concept's
// other names.
type glossary map[string][]string

// glossaryWeight is the boost of a match through the glossary: below a match
// of what the user typed, so same-language hits rank first.
const glossaryWeight = 0.01

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
		var names []string
		for _, n := range strings.Split(line, "|") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		for _, n := range names {
			key := glossaryKey(n)
			for _, other := range names {
				if glossaryKey(other) != key {
					g[key] = append(g[key], other)
				}
			}
		}
	}
	return g
}

func glossaryKey(s string) string { return strings.ToLower(Normalize(s)) }

var defaultGlossary = parseGlossary(glossaryText)
