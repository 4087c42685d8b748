package index

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"

	bindex "github.com/blevesearch/bleve_index_api"
)

// Expansion is an indexed English stem that a typed word may stand for.
type Expansion struct {
	Stem   string
	Docs   int  // paragraphs whose FieldEN holds the stem
	Prefix bool // reached as a completion of the word, not through a typo
}

// EnglishExpansions returns the stems of the indexed English words
// (FieldENWord, as written) within typos edits of word, its first letter
// kept, and, when prefix, of those that start with word: at most max, the
// word's own stem left out, in dictionary order.
// The answer is kept per snapshot (see expansionCache): a typo automaton
// for a nine-letter word costs some 800 KB to build, and people type the
// same words.
func (s *Snapshot) EnglishExpansions(word string, typos int, prefix bool, max int) ([]Expansion, error) {
	if word == "" || (typos == 0 && !prefix) {
		return nil, nil
	}
	key := expansionKey{word, typos, prefix, max}
	if out, ok := s.expansions.get(key); ok {
		return out, nil
	}
	out, err := s.englishExpansions(word, typos, prefix, max)
	if err == nil {
		s.expansions.put(key, out)
	}
	return out, err
}

func (s *Snapshot) englishExpansions(word string, typos int, prefix bool, max int) ([]Expansion, error) {
	adv, err := s.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()

	stem := s.bleve.Mapping().AnalyzerNamed(AnalyzerENQuery)
	own := ""
	if toks := stem.Analyze([]byte(word)); len(toks) == 1 {
		own = string(toks[0].Term)
	}
	var out []Expansion
	seen := map[string]int{} // stem -> index in out
	add := func(dict bindex.FieldDict, isPrefix bool) error {
		defer dict.Close()
		for len(out) < max {
			e, err := dict.Next()
			if err != nil {
				return err
			}
			if e == nil {
				return nil
			}
			toks := stem.Analyze([]byte(e.Term))
			if len(toks) != 1 || string(toks[0].Term) == own {
				continue
			}
			s := string(toks[0].Term)
			if i, ok := seen[s]; ok {
				out[i].Prefix = out[i].Prefix || isPrefix
				continue
			}
			docs, err := termDocs(r, s)
			if err != nil {
				return err
			}
			seen[s] = len(out)
			out = append(out, Expansion{Stem: s, Docs: docs, Prefix: isPrefix})
		}
		return nil
	}
	if typos > 0 {
		fr, ok := r.(bindex.IndexReaderFuzzy)
		if !ok {
			return nil, fmt.Errorf("index reader %T cannot search fuzzily", r)
		}
		_, first := utf8.DecodeRuneInString(word)
		dict, err := fr.FieldDictFuzzy(FieldENWord, word, typos, word[:first])
		if err != nil {
			return nil, err
		}
		if err := add(dict, false); err != nil {
			return nil, err
		}
	}
	if prefix {
		dict, err := r.FieldDictPrefix(FieldENWord, []byte(word))
		if err != nil {
			return nil, err
		}
		if err := add(dict, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EnglishExpansions is Snapshot.EnglishExpansions on the current snapshot.
func (ix *Index) EnglishExpansions(word string, typos int, prefix bool, max int) ([]Expansion, error) {
	s := ix.acquire()
	defer s.release()
	return s.EnglishExpansions(word, typos, prefix, max)
}

// termDocs is the number of paragraphs whose FieldEN holds term.
func termDocs(r bindex.IndexReader, term string) (int, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), FieldEN, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return int(tfr.Count()), nil
}

// maxCachedExpansions bounds a snapshot's expansionCache; when it is full
// it starts over, which costs one automaton per word until it fills again.
const maxCachedExpansions = 4096

type expansionKey struct {
	word   string
	typos  int
	prefix bool
	max    int
}

// expansionCache keeps EnglishExpansions' answers of one snapshot. Callers
// must not change the slices it returns.
type expansionCache struct {
	mu sync.Mutex
	m  map[expansionKey][]Expansion
}

func (c *expansionCache) get(k expansionKey) ([]Expansion, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, ok := c.m[k]
	return out, ok
}

func (c *expansionCache) put(k expansionKey, out []Expansion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedExpansions {
		c.m = make(map[expansionKey][]Expansion)
	}
	c.m[k] = out
}
