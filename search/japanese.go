package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
)

// compoundWords returns the words of a term written in Japanese script
// alone, as kagome splits it, unless the term is one word: nil for
// anything else. Single characters in a row are one word (kagome's IPA dictionary
// splits 入眠 of 入眠困難 into 入 and 眠い); a word must have minPartRunes or
// more and a kanji or katakana in it (not 差 of 個人差, not する of 改善する:
// 改善する relaxes to 改善).
func (s *builder) compoundWords(text string, mk *marks) []string {
	var words []string
	keep := func(w string) {
		if utf8.RuneCountInString(w) >= minPartRunes && strings.ContainsFunc(w, isKanjiOrKatakana) {
			words = append(words, w)
		}
	}
	run := -1 // start of a run of single characters
	end := 0
	for _, tok := range s.baseForms(text, mk) {
		single := utf8.RuneCountInString(text[tok.Start:tok.End]) == 1
		if run >= 0 && (!single || tok.Start != end) {
			keep(text[run:end])
			run = -1
		}
		switch {
		case single && run < 0:
			run = tok.Start
		case !single:
			keep(text[tok.Start:tok.End])
		}
		end = tok.End
	}
	if run >= 0 {
		keep(text[run:end])
	}
	if len(words) == 1 && words[0] == text {
		return nil
	}
	return words
}

func isKanjiOrKatakana(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Katakana) && r != 'ー'
}

// jaPhrase is the phrase of text's tokens in the Japanese field. A kanji or
// kana left alone by the bigram filter (the query "脳", the 年 of "2024年")
// is searched predictively, as Groonga does: at its place the phrase accepts
// the character standing alone or any indexed bigram that starts with it, so
// 脳 finds 脳内 and 2024年 finds ２０２４年に. A character that is the whole
// term also accepts the indexed bigrams that end with it, as Groonga's
// TokenBigram does: 眠 finds the 睡眠 of "…睡眠。", which is indexed only
// as the bigram 睡眠. A term in Japanese script also matches its
// dictionary forms (see baseFormQuery).
func (s *builder) jaPhrase(text string, mk *marks) query.Query {
	var slots [][]string
	toks := s.mapping.AnalyzerNamed(index.AnalyzerJAQuery).Analyze([]byte(text))
	last := -1
	for _, tok := range toks {
		if tok.Position != last {
			slots = append(slots, nil)
			last = tok.Position
		}
		slot := &slots[len(slots)-1]
		*slot = append(*slot, string(tok.Term))
		mk.add(tok)
		if isPredictive(tok) {
			*slot = append(*slot, s.prefixTerms(index.FieldJA, tok.Term)...)
		}
	}
	lone := len(toks) == 1 && isPredictive(toks[0])
	if lone {
		ends := s.v.BigramsEndingWith(string(toks[0].Term))
		room := MaxPrefixTerms - (len(slots[0]) - 1)
		if len(ends) > 0 && room > 0 {
			slots[0] = append(slots[0], ends[:min(len(ends), room)]...)
			mk.addSuffix(toks[0])
		}
	}
	var q query.Query
	switch {
	case len(slots) == 0:
		return nil
	default:
		q = s.slotsQuery(slots, index.FieldJA, toks)
	}
	q = s.onField(index.FieldJA, q)
	if lone {
		// Every occurrence of the character is found already.
		return q
	}
	if bq := s.baseFormQuery(text, mk); bq != nil {
		q = bleveq.NewAnyOf(q, s.onField(index.FieldJABase, bq))
	}
	return q
}

// baseFormQuery is the phrase of text's dictionary forms in
// index.FieldJABase, scored at baseFormBoost, so that 整う finds 整い and
// 飲まない finds 飲んで; nil for a term that is not in Japanese script
// alone, or whose morphemes are all endings. Terms with Latin letters or
// digits (NAD+は, C反応性タンパク質, 2024年) are left to the bigrams: they do
// not conjugate, and kagome splits them otherwise than the bigram analyzer
// (NAD and +), which would loosen NAD+は to NAD.
//
// It is nil too for a term that is one word which does not conjugate
// (メラトニン, 睡眠): its dictionary form is the text itself, so it finds
// only paragraphs the bigram phrase finds, and it cost a third searcher
// over the same postings at 100,000 paragraphs.
func (s *builder) baseFormQuery(text string, mk *marks) query.Query {
	toks := s.baseForms(text, mk)
	if len(toks) == 0 || onlyItself(text, toks) {
		return nil
	}
	q := s.slotsQuery(bleveq.Slots(toks), index.FieldJABase, nil)
	bleveq.BoostLeaves(q, baseFormBoost)
	return q
}

// baseForms is text's tokens in index.AnalyzerJABase (kagome's dictionary
// forms), nil for a term that is not in Japanese script alone (see
// baseFormQuery). mk, when not nil, keeps them for the query: the term's
// compound words (compoundWords) need them again.
func (s *builder) baseForms(text string, mk *marks) analysis.TokenStream {
	if !strings.ContainsFunc(text, index.IsJapanese) || strings.ContainsFunc(text, isASCIIAlnum) {
		return nil
	}
	if toks, ok := mk.baseForms(text); ok {
		return toks
	}
	toks := s.mapping.AnalyzerNamed(index.AnalyzerJABase).Analyze([]byte(text))
	mk.keepBaseForms(text, toks)
	return toks
}

// onlyItself reports whether toks, text's dictionary forms, are one word
// that is text itself and ends in a kanji or katakana. Such a word does not
// conjugate (the dictionary form of every verb and adjective ends in kana),
// so wherever kagome finds it in a paragraph, the paragraph has the text.
func onlyItself(text string, toks analysis.TokenStream) bool {
	if len(toks) != 1 || toks[0].Start != 0 || toks[0].End != len(text) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	return isKanjiOrKatakana(last) && string(toks[0].Term) == strings.ToLower(norm.NFKC.String(text))
}

// slotsQuery is bleveq.NewSlots with this search's facet tables.
func (s *builder) slotsQuery(slots [][]string, field string, toks analysis.TokenStream) query.Query {
	return bleveq.NewSlots(slots, field, toks, &s.tables)
}

func isASCIIAlnum(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isPredictive(tok *analysis.Token) bool {
	r, size := utf8.DecodeRune(tok.Term)
	return tok.Type == analysis.Single && size == len(tok.Term) && index.IsJapanese(r)
}

// prefixTerms lists up to MaxPrefixTerms indexed terms of field that start
// with prefix and are longer than it.
func (s *builder) prefixTerms(field string, prefix []byte) []string {
	var dict bleveindex.FieldDict
	var err error
	if s.r != nil {
		dict, err = s.r.FieldDictPrefix(field, prefix)
	} else {
		dict, err = s.v.Bleve().FieldDictPrefix(field, prefix)
	}
	if err != nil {
		return nil
	}
	defer dict.Close()
	var out []string
	for len(out) < MaxPrefixTerms {
		e, err := dict.Next()
		if err != nil || e == nil {
			break
		}
		if len(e.Term) > len(prefix) {
			out = append(out, e.Term)
		}
	}
	return out
}

// readingWord returns the word of the articles that text, typed in
// hiragana, reads as: a katakana word (めらとにん: メラトニン) or, by the
// dictionary's readings, a kanji one (すいみん: 睡眠), the most used; ""
// when none. People type in hiragana when the input method has not
// converted, or they do not know the kanji.
func (s *builder) readingWord(text string) string {
	if utf8.RuneCountInString(text) < minPartRunes || !isHiragana(text) {
		return ""
	}
	kata := toKatakana(text)
	for _, w := range s.v.WordsWithPrefix(kata) {
		if w.Key == kata {
			return w.Text
		}
	}
	if ws := s.v.WordsReading(kata); len(ws) > 0 {
		return ws[0].Text
	}
	return ""
}

func isHiragana(text string) bool {
	for _, r := range text {
		if !unicode.Is(unicode.Hiragana, r) && r != 'ー' {
			return false
		}
	}
	return true
}

// toKatakana maps each hiragana of text to its katakana, a fixed offset in
// Unicode (ぁ U+3041 to ゖ U+3096 are ァ U+30A1 to ヶ U+30F6).
func toKatakana(text string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ぁ' && r <= 'ゖ' {
			return r + 'ァ' - 'ぁ'
		}
		return r
	}, text)
}
