package search

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＮＡＤ＋", "NAD+"},
		{"ＮＡＤ＋　睡眠", "NAD+ 睡眠"},
		{"  melatonin\t", "melatonin"},
		{"ﾒﾗﾄﾆﾝ", "メラトニン"},
		{"ＳＩＲＴ１", "SIRT1"},
		{"a\x00b", "ab"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NAD+", "+NAD+"},
		{"NAD+ 睡眠", "+NAD+ +睡眠"},
		{`"sleep quality" melatonin`, `+"sleep quality" +melatonin`},
		{`-cortisol melatonin`, "-cortisol +melatonin"},
		{`-"sleep quality"`, `-"sleep quality"`},
		{`"unclosed phrase`, `+"unclosed phrase"`},
		{`""`, ""},
		{"+", "++"},
		{"-", "+-"},
		{"NAD +", "+NAD ++"},
		{"a:b", "+a:b"},
		{"*", "+*"},
		{`\`, `+\`},
		{"IL-6 HbA1c C反応性タンパク質", "+IL-6 +HbA1c +C反応性タンパク質"},
		{`mid"quote`, `+mid"quote`},
		{`sleep"`, "+sleep"},
		{`-メラトニン" NAD+""`, "-メラトニン +NAD+"},
		{"   ", ""},
	}
	for _, tt := range tests {
		var parts []string
		for _, term := range Parse(Normalize(tt.in)) {
			parts = append(parts, term.String())
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTextQuery checks the bleve query tree built for user input: terms
// become per-field phrase queries with the query analyzers, terms with no
// searchable text are dropped, and nothing is parsed as query syntax.
func TestTextQuery(t *testing.T) {
	// Without the glossary; TestGlossaryQuery covers expansion.
	s := &Service{ix: seedSearch(t).ix, mapping: seedSearch(t).mapping}
	tests := []struct{ in, want string }{
		// Japanese: the bigrams in a row, or (scored lower) the dictionary
		// forms in a row; English: the analyzed phrase.
		{"メラトニン", `or(phrase(text_ja:メラ ラト トニ ニン),term(text_en:メラトニン))`},
		{"改善され", `or(or(or(phrase(text_ja:改善 善さ され),phrase(text_ja_base:改善 する)^0.3),phrase(text_en:改 善 さ れ)),or(term(text_ja:改善)^0.05,phrase(text_en:改 善)^0.05))`},
		// Only endings: no dictionary form to search.
		{"について", `or(phrase(text_ja:につ つい いて),phrase(text_en:に つ い て))`},
		{"NAD+ -cortisol", `must(or(term(text_ja:nad+),term(text_en:nad+))) not(or(term(text_ja:cortisol),term(text_en:cortisol)))`},
		{"-cortisol", `must(all) not(or(term(text_ja:cortisol),term(text_en:cortisol)))`},
		{"NAD + *", `or(term(text_ja:nad),term(text_en:nad))`},
		{"NAD+:x", `or(phrase(text_ja:nad+ x),phrase(text_en:nad+ x))`},
		{"* + - \\", `unsearchable`},
		// A stop word is ignored, not required in the Japanese field.
		{"melatonin of", `or(term(text_ja:melatonin),term(text_en:melatonin))`},
		// An English word: exact, or the stems of the indexed words one typo
		// away from 5 letters (two from 9), or (the last word) that start
		// with it: none for parasympathetic, melatonin for mela. Two terms:
		// both, or (scored lower) either.
		{"cortisol mela", `or(and(or(term(text_ja:cortisol),term(text_en:cortisol)),or(or(term(text_ja:mela),term(text_en:mela)),term(text_en:melatonin)^0.5)),or(term(text_ja:cortisol)^0.05,term(text_en:cortisol)^0.05),or(or(term(text_ja:mela)^0.05,term(text_en:mela)^0.05),term(text_en:melatonin)^0.025))`},
		{"parasympathetic", `or(term(text_ja:parasympathetic),term(text_en:parasympathet))`},
		{"melatonn", `or(or(term(text_ja:melatonn),term(text_en:melatonn)),term(text_en:melatonin)^0.3)`},
		// One Japanese compound: the whole, or (scored lower) any of its words.
		{"入眠困難", `or(or(or(phrase(text_ja:入眠 眠困 困難),phrase(text_ja_base:入 眠い 困難)^0.3),phrase(text_en:入 眠 困 難)),or(or(term(text_ja:入眠)^0.05,phrase(text_ja_base:入 眠)^0.015),phrase(text_en:入 眠)^0.05),or(term(text_ja:困難)^0.05,phrase(text_en:困 難)^0.05))`},
		// ...but not a word the dictionary holds whole.
		{"睡眠薬", `or(phrase(text_ja:睡眠 眠薬),phrase(text_en:睡 眠 薬))`},
		{`"cortisol"`, `or(term(text_ja:cortisol),term(text_en:cortisol))`},
		{"SIRT1", `or(term(text_ja:sirt1),term(text_en:sirt1))`},
		{"the", `unsearchable`},
		// A lone kanji is predictive: itself, the indexed bigrams it starts,
		// or (standing alone) those it ends. Latin or digits: no base forms.
		{"脳", `or(or(term(text_ja:脳),term(text_ja:脳が),term(text_ja:脳の),term(text_ja:脳へ),term(text_ja:脳や),term(text_ja:脳内),term(text_ja:に脳),term(text_ja:や脳),term(text_ja:る脳)),term(text_en:脳))`},
		{"2024年", `or(phrase(text_ja:2024 年|年ア|年齢),phrase(text_en:2024 年))`},
	}
	for _, tt := range tests {
		q, ok, _ := s.now().textQuery(Parse(Normalize(tt.in)))
		got := "unsearchable"
		if ok {
			got = describe(t, q)
		}
		if got != tt.want {
			t.Errorf("textQuery(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// describe renders a bleve query's JSON compactly.
func describe(t *testing.T, q any) string {
	raw, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return render(v)
}

func boost(m map[string]any) string {
	if b, ok := m["boost"]; ok && b != 1.0 {
		return fmt.Sprintf("^%v", b)
	}
	return ""
}

func render(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprint(v)
	}
	list := func(key string) string {
		var parts []string
		switch x := m[key].(type) {
		case map[string]any:
			if inner, ok := x["conjuncts"]; ok {
				for _, c := range inner.([]any) {
					parts = append(parts, render(c))
				}
			} else if inner, ok := x["disjuncts"]; ok {
				for _, c := range inner.([]any) {
					parts = append(parts, render(c))
				}
			} else {
				parts = append(parts, render(x))
			}
		}
		return strings.Join(parts, ",")
	}
	switch {
	case m["must"] != nil || m["must_not"] != nil:
		s := "must(" + list("must") + ")"
		if m["must_not"] != nil {
			s += " not(" + list("must_not") + ")"
		}
		return s
	case m["disjuncts"] != nil:
		var parts []string
		for _, c := range m["disjuncts"].([]any) {
			parts = append(parts, render(c))
		}
		return "or(" + strings.Join(parts, ",") + ")" + boost(m)
	case m["conjuncts"] != nil:
		var parts []string
		for _, c := range m["conjuncts"].([]any) {
			parts = append(parts, render(c))
		}
		return "and(" + strings.Join(parts, ",") + ")"
	case m["match_phrase"] != nil:
		return fmt.Sprintf("phrase(%v/%v:%q)", m["field"], m["analyzer"], m["match_phrase"]) + boost(m)
	case m["match_all"] != nil:
		return "all"
	case m["terms"] != nil:
		var slots []string
		for _, slot := range m["terms"].([]any) {
			var alts []string
			for _, t := range slot.([]any) {
				alts = append(alts, t.(string))
			}
			slots = append(slots, strings.Join(alts, "|"))
		}
		return fmt.Sprintf("phrase(%v:%s)", m["field"], strings.Join(slots, " ")) + boost(m)
	case m["term"] != nil && m["fuzziness"] != nil:
		return fmt.Sprintf("fuzzy(%v:%v~%v)", m["field"], m["term"], m["fuzziness"])
	case m["term"] != nil:
		return fmt.Sprintf("term(%v:%v)", m["field"], m["term"]) + boost(m)
	case m["prefix"] != nil:
		return fmt.Sprintf("prefix(%v:%v)", m["field"], m["prefix"])
	}
	raw, _ := json.Marshal(m)
	return string(raw)
}

func TestGlossaryQuery(t *testing.T) {
	s := seedSearch(t)
	tests := []struct{ in, want string }{
		// The typed name, or the concept's other names scored lower: 0.1 in
		// the same language, 0.01 in the other.
		// (A base-form leaf of another name is scored lower still.)
		{`"cortisol"`, `or(or(term(text_ja:cortisol),term(text_en:cortisol)),or(phrase(text_ja:コル ルチ チゾ ゾー ール)^0.01,term(text_en:コルチゾール)^0.01))`},
		// A run of terms that names a concept is one unit; each term still required.
		{`"blood" "sugar"`, `or(and(or(term(text_ja:blood),term(text_en:blood)),or(term(text_ja:sugar),term(text_en:sugar))),or(term(text_ja:血糖)^0.01,phrase(text_en:血 糖)^0.01),or(or(phrase(text_ja:血糖 糖値)^0.01,phrase(text_ja_base:血糖 値)^0.003),phrase(text_en:血 糖 値)^0.01),or(phrase(text_ja:blood glucose)^0.1,phrase(text_en:blood glucos)^0.1))`},
		// No entry: as before.
		{`"troglitazone"`, `or(term(text_ja:troglitazone),term(text_en:troglitazon))`},
	}
	for _, tt := range tests {
		q, _, _ := s.now().textQuery(Parse(Normalize(tt.in)))
		if got := describe(t, q); got != tt.want {
			t.Errorf("textQuery(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
