package index

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// Analyzer names. Each language has an index analyzer and a query analyzer:
// they differ only in symbolVariants, which indexes "NAD+" also as "nad" so
// that a search for NAD finds NAD+, while a search for NAD+ stays exact.
const (
	AnalyzerJA      = "nmn_ja"
	AnalyzerJAQuery = "nmn_ja_query"
	AnalyzerEN      = "nmn_en"
	AnalyzerENQuery = "nmn_en_query"
	// AnalyzerJABase is the Japanese base-form analyzer, for index and query
	// alike: see baseFormTokenizer.
	AnalyzerJABase = "nmn_ja_base"
	// AnalyzerENWord keeps English words as written, lower case, neither
	// stemmed nor stop-worded: typos and prefixes are judged on the word a
	// person types, not on a stem ("sensitivty" is one typo from
	// "sensitivity" but four from its stem "sensit").
	AnalyzerENWord = "nmn_en_word"

	symbolTokenizerName = "nmn_symbol_unicode"
	symbolVariantsName  = "nmn_symbol_variants"
)

// symbolTokenizer is bleve's unicode (UAX#29) tokenizer, except that a run of
// '+' right after a Latin or digit token stays part of it: both bleve
// analyzers drop the '+' of "NAD+", so NAD+ would match a bare NAD.
type symbolTokenizer struct{ inner analysis.Tokenizer }

func (t symbolTokenizer) Tokenize(input []byte) analysis.TokenStream {
	ts := t.inner.Tokenize(input)
	for _, tok := range ts {
		if tok.Type == analysis.Ideographic {
			continue
		}
		end := tok.End
		for end < len(input) && input[end] == '+' {
			end++
		}
		if end != tok.End {
			tok.End = end
			tok.Term = input[tok.Start:end]
			tok.KeyWord = true // the stemmer must leave "nad+" alone
		}
	}
	return ts
}

// nfkcAnalyzer runs its tokenizer and filters over the NFKC form of the text
// and maps token offsets back to the original bytes. NFKC comes first, as
// Groonga and kuromoji advise: full-width ＮＡＤ＋ and ２０２４ become NAD+ and
// 2024 (bleve's unicode tokenizer drops full-width digits), half-width ﾃﾞｰﾀ
// becomes データ, and highlights still mark the original characters. (A char
// filter cannot do this: bleve's filters compute offsets from term lengths.)
type nfkcAnalyzer struct {
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter
}

func (a *nfkcAnalyzer) Analyze(input []byte) analysis.TokenStream {
	normal, starts, ends := nfkc(input)
	ts := a.tokenizer.Tokenize(normal)
	for _, f := range a.filters {
		ts = f.Filter(ts)
	}
	if starts != nil {
		for _, tok := range ts {
			if tok.End > tok.Start {
				tok.Start, tok.End = starts[tok.Start], ends[tok.End-1]
			}
		}
	}
	return ts
}

// nfkc returns the NFKC form of input and, when it differs, for each byte of
// the normal form the start and end in input of the normalization segment
// it came from. A token maps to the segments of its first and last bytes, so
// one that covers only part of an expansion (株 of ㍿) still marks ㍿.
func nfkc(input []byte) (normal []byte, starts, ends []int) {
	if norm.NFKC.IsNormal(input) {
		return input, nil, nil
	}
	var it norm.Iter
	it.Init(norm.NFKC, input)
	size := len(input) + len(input)/4
	normal = make([]byte, 0, size)
	starts, ends = make([]int, 0, size), make([]int, 0, size)
	for !it.Done() {
		start := it.Pos()
		seg := it.Next()
		end := it.Pos()
		for range seg {
			starts = append(starts, start)
			ends = append(ends, end)
		}
		normal = append(normal, seg...)
	}
	// The iterator hands out a long expansion in pieces, advancing its
	// position only with the last: give earlier pieces that piece's end.
	next := len(input)
	for i := len(ends) - 1; i >= 0; i-- {
		if ends[i] > starts[i] {
			next = ends[i]
		} else {
			ends[i] = next
		}
	}
	return normal, starts, ends
}

// symbolVariants adds, after every token ending in '+', the same token without
// it at the same position and offsets: a search for NAD marks "NAD+" whole.
type symbolVariants struct{}

func (symbolVariants) Filter(input analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, tok := range input {
		bare := trimPlus(tok.Term)
		if len(bare) == len(tok.Term) || len(bare) == 0 {
			if out != nil {
				out = append(out, tok)
			}
			continue
		}
		if out == nil {
			out = append(make(analysis.TokenStream, 0, len(input)+4), input[:i]...)
		}
		v := *tok
		v.Term = bare
		out = append(out, tok, &v)
	}
	if out == nil {
		return input
	}
	return out
}

func trimPlus(b []byte) []byte {
	for len(b) > 0 {
		switch {
		case b[len(b)-1] == '+':
			b = b[:len(b)-1]
		case len(b) >= 3 && string(b[len(b)-3:]) == "＋":
			b = b[:len(b)-3]
		default:
			return b
		}
	}
	return b
}

// kagome is the one morphological analyser of the process, made on first
// use: loading the IPA dictionary takes about a second and, compacted, 58 MB
// of heap, so it is paid once. A kagome Tokenizer is safe for concurrent use.
// compactDictionary changes the process-wide ipa.Dict() in place: any other
// user of it in this process would find readings and inflections empty.
var kagome = sync.OnceValue(func() *tokenizer.Tokenizer {
	d := ipa.Dict()
	readings = packReadings(d)
	compactDictionary(d)
	t, err := tokenizer.New(d, tokenizer.OmitBosEos())
	if err != nil {
		panic(fmt.Sprintf("kagome: %v", err)) // only for a nil dictionary
	}
	return t
})

// compactDictionary keeps of each dictionary entry's features (after the
// parts of speech, which kagome keeps apart) only the base form, the one
// baseFormTokenizer reads, at its place, and packs the per-entry slices
// into a few large arrays (the readings go to packReadings first). Loaded as is, the IPA dictionary is some 90 MB
// in 600,000 small objects (inflections, readings, pronunciations) that
// every garbage collection walks.
func compactDictionary(d *dict.Dict) {
	const at = ipa.BaseForm - ipa.POSHierarchy
	// Distinct base forms, in one string.
	ids := make(map[string]int)
	var all strings.Builder
	var ends []int
	baseOf := make([]int, len(d.Contents))
	for i, c := range d.Contents {
		base := "*"
		if at < len(c) {
			base = c[at]
		}
		id, ok := ids[base]
		if !ok {
			id = len(ends)
			ids[base] = id
			all.WriteString(base)
			ends = append(ends, all.Len())
		}
		baseOf[i] = id
	}
	text := all.String()
	features := make([]string, len(ends)*(at+1))
	start := 0
	for id, end := range ends {
		features[id*(at+1)+at] = text[start:end]
		start = end
	}
	for i, id := range baseOf {
		d.Contents[i] = features[id*(at+1) : (id+1)*(at+1) : (id+1)*(at+1)]
	}
	// Parts of speech: one array for all entries.
	n := 0
	for _, p := range d.POSTable.POSs {
		n += len(p)
	}
	packed := make([]dict.POSID, 0, n)
	for i, p := range d.POSTable.POSs {
		packed = append(packed, p...)
		d.POSTable.POSs[i] = packed[len(packed)-len(p) : len(packed) : len(packed)]
	}
}

// baseFormTokenizer splits Japanese text into morphemes with kagome (IPA
// dictionary) and emits each content morpheme as its dictionary form, NFKC
// and lower case, at the surface's offsets: 飲んで, 飲みます, 飲まない and
// 飲んでいない all give 飲む, and 改善され gives 改善 する. Particles
// (助詞), auxiliary verbs (助動詞) and dependent or suffix verbs (いる of
// 〜ている, れる of the passive) are dropped without a trace, so positions
// run on over them and a phrase of base forms matches whatever endings stand
// between; punctuation, spaces and symbols (記号, or a morpheme with no
// letter or digit, such as the + of NAD+) are dropped too but leave a gap of
// one position, so that a phrase does not run across a sentence or a word
// in another script.
type baseFormTokenizer struct{}

func (baseFormTokenizer) Tokenize(input []byte) analysis.TokenStream {
	morphs := kagome().Analyze(string(input), tokenizer.Normal)
	out := make(analysis.TokenStream, 0, len(morphs)/2+1)
	pos, gap := 0, false
	for _, m := range morphs {
		switch pos0, _ := m.FeatureAt(0); pos0 {
		case "助詞", "助動詞":
			continue
		case "記号":
			gap = true
			continue
		case "動詞":
			if pos1, _ := m.FeatureAt(1); pos1 == "非自立" || pos1 == "接尾" {
				continue
			}
		}
		if !strings.ContainsFunc(m.Surface, isLetterOrDigit) {
			gap = true
			continue
		}
		base, ok := m.FeatureAt(ipa.BaseForm)
		if !ok || base == "*" || base == "" {
			base = m.Surface
		}
		if !norm.NFKC.IsNormalString(base) {
			base = norm.NFKC.String(base)
		}
		pos++
		if gap && len(out) > 0 {
			pos++
		}
		gap = false
		typ := analysis.AlphaNumeric
		if strings.ContainsFunc(base, IsJapanese) {
			typ = analysis.Ideographic
		}
		out = append(out, &analysis.Token{
			Term:     []byte(strings.ToLower(base)),
			Start:    m.Position,
			End:      m.Position + len(m.Surface),
			Position: pos,
			Type:     typ,
		})
	}
	return out
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func init() {
	mustRegister(registry.RegisterAnalyzer(AnalyzerJABase,
		func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return &nfkcAnalyzer{tokenizer: baseFormTokenizer{}}, nil
		}))
}

func init() {
	mustRegister(registry.RegisterTokenizer(symbolTokenizerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return symbolTokenizer{unicodetok.NewUnicodeTokenizer()}, nil
		}))
	mustRegister(registry.RegisterTokenFilter(symbolVariantsName,
		func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return symbolVariants{}, nil
		}))
}

func mustRegister(err error) {
	if err != nil {
		panic(err)
	}
}

// The Japanese ones are bleve's
// cjk chain (width folding, lower case, bigrams), the English ones bleve's en
// chain (possessives, lower case, stop words, Porter stemming), both over
// symbolTokenizer and NFKC.
func init() {
	ja := []string{cjk.WidthName, lowercase.Name, cjk.BigramName}
	eng := []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name}
	for name, filters := range map[string][]string{
		AnalyzerJA:      append(ja[:len(ja):len(ja)], symbolVariantsName),
		AnalyzerJAQuery: ja,
		AnalyzerEN:      append(eng[:len(eng):len(eng)], symbolVariantsName),
		AnalyzerENQuery: eng,
		AnalyzerENWord:  {lowercase.Name},
	} {
		mustRegister(registry.RegisterAnalyzer(name,
			func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
				tok, err := cache.TokenizerNamed(symbolTokenizerName)
				if err != nil {
					return nil, err
				}
				a := &nfkcAnalyzer{tokenizer: tok}
				for _, f := range filters {
					tf, err := cache.TokenFilterNamed(f)
					if err != nil {
						return nil, fmt.Errorf("analyzer %s: %w", name, err)
					}
					a.filters = append(a.filters, tf)
				}
				return a, nil
			}))
	}
}
