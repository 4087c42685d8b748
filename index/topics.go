package index

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Topic is one subject a paragraph can be about, as the topics file names it.
type Topic struct {
	Name   string
	Labels Labels
	Words  []string
}

// Labels names a topic in each language the service speaks.
type Labels struct {
	JA string `json:"ja,omitempty"`
	EN string `json:"en,omitempty"`
}

// Label returns the topic's name in lang, or in the other language, or its name.
func (t Topic) Label(lang string) string {
	first, second := t.Labels.EN, t.Labels.JA
	if lang == LangJA {
		first, second = second, first
	}
	for _, l := range []string{first, second, t.Name} {
		if l != "" {
			return l
		}
	}
	return t.Name
}

// Topics is the set of topics an index tags paragraphs with, read from a
// topics file (see topics.txt, the default). It is immutable.
type Topics struct {
	list []Topic
	raw  []byte // the file, which a data directory keeps
	hash string // of the file, so that a changed file re-tags the articles

	matchOnce sync.Once
	match     *keywordMatcher
}

// Limits of a topics file: more topics than fit a row of chips is a
// mistake, and every keyword costs every paragraph a look-up.
const (
	maxTopics        = 32
	maxTopicKeywords = 2000
	maxTopicsBytes   = 1 << 20
)

var topicName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

//go:embed topics.txt
var defaultTopicsFile []byte

// defaultTopics returns the topics built into the binary: diabetes,
// depression and sleep.
var defaultTopics = sync.OnceValue(func() *Topics {
	t, err := parseTopics("topics.txt", defaultTopicsFile, false)
	if err != nil {
		panic(err) // a test parses the file
	}
	return t
})

// A FileError names the file and line of a data file that does not parse:
// a topics file, a synonyms file (package search).
type FileError struct {
	File string
	Line int // 0: the file as a whole
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ParseTopics reads a topics file; name is how errors call it.
func ParseTopics(name string, data []byte) (*Topics, error) { return parseTopics(name, data, true) }

// parseTopics is ParseTopics; checkWords analyzes every keyword to refuse
// one that is no word of its own, which loads the dictionary (about a
// second): the built-in file and a data directory's copy, which were
// checked, skip it, so that opening an index loads nothing.
func parseTopics(name string, data []byte, checkWords bool) (*Topics, error) {
	fail := func(line int, format string, args ...any) (*Topics, error) {
		return nil, &FileError{name, line, fmt.Sprintf(format, args...)}
	}
	if len(data) > maxTopicsBytes {
		return fail(0, "larger than %d bytes", maxTopicsBytes)
	}
	if !utf8.Valid(data) {
		return fail(0, "not valid UTF-8")
	}
	t := &Topics{}
	keywords := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxTopicsBytes)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(line, "["); ok {
			name, ok = strings.CutSuffix(name, "]")
			name = strings.TrimSpace(name)
			switch {
			case !ok || !topicName.MatchString(name):
				return fail(n, "a topic is [name], name of a-z, 0-9 and - (at most 32): got %q", line)
			case slices.ContainsFunc(t.list, func(x Topic) bool { return x.Name == name }):
				return fail(n, "topic %q is named twice", name)
			case len(t.list) == maxTopics:
				return fail(n, "more than %d topics", maxTopics)
			}
			t.list = append(t.list, Topic{Name: name})
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return fail(n, "expected [topic] or key = value, got %q", line)
		}
		if len(t.list) == 0 {
			return fail(n, "%q comes before the first [topic]", line)
		}
		cur := &t.list[len(t.list)-1]
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case LangJA, LangEN:
			if value == "" {
				return fail(n, "empty %s label", key)
			}
			if key == LangJA {
				cur.Labels.JA = value
			} else {
				cur.Labels.EN = value
			}
		case "words":
			for w := range strings.SplitSeq(value, ",") {
				if w = strings.TrimSpace(w); w == "" {
					continue
				}
				if checkWords && len(keywordTerms(w)) == 0 {
					return fail(n, "keyword %q is no word of its own (a particle, a stop word or a symbol): it would never match", w)
				}
				cur.Words = append(cur.Words, w)
				keywords++
			}
			if keywords > maxTopicKeywords {
				return fail(n, "more than %d keywords in all", maxTopicKeywords)
			}
		default:
			return fail(n, "unknown key %q (known: ja, en, words)", key)
		}
	}
	if err := sc.Err(); err != nil {
		return fail(n+1, "%v", err)
	}
	if len(t.list) == 0 {
		return fail(0, "no [topic] in the file")
	}
	for _, tp := range t.list {
		switch {
		case len(tp.Words) == 0:
			return fail(0, "topic %q has no words", tp.Name)
		case tp.Labels.JA == "" || tp.Labels.EN == "":
			return fail(0, "topic %q needs a label in each language, ja = and en =", tp.Name)
		}
	}
	sum := sha256.Sum256(data)
	t.hash = hex.EncodeToString(sum[:8])
	t.raw = bytes.Clone(data)
	return t, nil
}

// List returns the topics in the file's order, the order facets show them.
func (t *Topics) List() []Topic { return slices.Clone(t.list) }

// Names returns the topics' names in order.
func (t *Topics) Names() []string {
	out := make([]string, len(t.list))
	for i, tp := range t.list {
		out[i] = tp.Name
	}
	return out
}

// Has reports whether name is one of the topics.
func (t *Topics) Has(name string) bool { return t.rank(name) < len(t.list) }

// Hash identifies the file the topics were read from.
func (t *Topics) Hash() string { return t.hash }

func (t *Topics) rank(name string) int {
	for i, tp := range t.list {
		if tp.Name == name {
			return i
		}
	}
	return len(t.list)
}

// sort puts topic names in the file's order, unknown ones after them.
func (t *Topics) sort(names []string) []string {
	slices.SortStableFunc(names, func(a, b string) int {
		if d := t.rank(a) - t.rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(names)
}

func (t *Topics) matcher() *keywordMatcher {
	t.matchOnce.Do(func() {
		words := make([][]string, len(t.list))
		for i, tp := range t.list {
			words[i] = tp.Words
		}
		t.match = newKeywordMatcher(words)
	})
	return t.match
}
