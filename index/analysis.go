package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer names. Each language has an index analyzer and a query analyzer:
// they differ only in symbolVariants, which indexes "NAD+" also as "nad" so
// that a search for NAD finds NAD+, while a search for NAD+ stays exact.
const (
	AnalyzerJA      = "nmn_ja"
	AnalyzerJAQuery = "nmn_ja_query"
	AnalyzerEN      = "nmn_en"
	AnalyzerENQuery = "nmn_en_query"

	symbolTokenizerName = "nmn_symbol_unicode"
	symbolVariantsName  = "nmn_symbol_variants"
)

// symbolTokenizer is bleve's unicode (UAX#29) tokenizer, except that a run of
// '+' right after a Latin or digit token stays part of it: both bleve
// analyzers otherwise drop the '+' of "NAD+", so NAD+ would match a bare NAD.
type symbolTokenizer struct{ inner analysis.Tokenizer }

func (t symbolTokenizer) Tokenize(input []byte) analysis.TokenStream {
	ts := t.inner.Tokenize(input)
	for _, tok := range ts {
		if tok.Type == analysis.Ideographic {
			continue
		}
		end := tok.End
		for end < len(input) {
			if input[end] == '+' {
				end++
			} else if end+3 <= len(input) && string(input[end:end+3]) == "＋" {
				end += 3
			} else {
				break
			}
		}
		if end != tok.End {
			tok.End = end
			tok.Term = input[tok.Start:end]
			// Keyword: the stemmer must leave "nad+" alone.
			tok.KeyWord = true
		}
	}
	return ts
}

// symbolVariants adds, after every token ending in '+', the same token without
// it at the same position (same offsets minus the plus signs).
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
		v.End = tok.End - (len(tok.Term) - len(bare))
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

func init() {
	mustRegister(registry.RegisterTokenizer(symbolTokenizerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return symbolTokenizer{unicode.NewUnicodeTokenizer()}, nil
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

// addAnalyzers registers the four analyzers on m. The Japanese ones are
// bleve's cjk analyzer (width folding, lower case, bigrams), the English ones
// bleve's en analyzer (possessives, lower case, stop words, Porter stemming),
// both over symbolTokenizer.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	ja := []string{cjk.WidthName, lowercase.Name, cjk.BigramName}
	eng := []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name}
	for name, filters := range map[string][]string{
		AnalyzerJA:      append(ja[:len(ja):len(ja)], symbolVariantsName),
		AnalyzerJAQuery: ja,
		AnalyzerEN:      append(eng[:len(eng):len(eng)], symbolVariantsName),
		AnalyzerENQuery: eng,
	} {
		err := m.AddCustomAnalyzer(name, map[string]interface{}{
			"type":          custom.Name,
			"tokenizer":     symbolTokenizerName,
			"token_filters": filters,
		})
		if err != nil {
			return fmt.Errorf("analyzer %s: %w", name, err)
		}
	}
	return nil
}
