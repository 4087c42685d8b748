package index

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// The topics a paragraph can carry, in the order facets list them.
const (
	TopicDiabetes   = "diabetes"
	TopicDepression = "depression"
	TopicSleep      = "sleep"
)

// Topics lists every known topic in display order.
var Topics = []string{TopicDiabetes, TopicDepression, TopicSleep}

// topicKeywords is the bilingual table topics are decided with. Japanese
// keywords count anywhere; English ones at the start of a word, so "diabet"
// counts "diabetic" and "mental" does not count "environmental".
var topicKeywords = map[string][]string{
	TopicDiabetes: {"糖尿病", "血糖", "インスリン", "hba1c", "耐糖能",
		"diabet", "prediabet", "insulin", "blood sugar", "glucose"},
	TopicDepression: {"うつ", "精神", "気分", "不安", "抗うつ",
		"depress", "mental", "mood", "anxiety", "psychiatr"},
	TopicSleep: {"睡眠", "入眠", "不眠", "熟眠", "眠り", "中途覚醒", "メラトニン", "体内時計",
		"sleep", "insomnia", "melatonin", "awakening"},
}

// topicScores counts each topic's keywords in s.
func topicScores(s string) map[string]int {
	s = strings.ToLower(norm.NFKC.String(s))
	scores := map[string]int{}
	for topic, words := range topicKeywords {
		for _, w := range words {
			scores[topic] += countWordStarts(s, w)
		}
	}
	return scores
}

// countWordStarts counts w in s; an ASCII keyword only where it starts a word.
func countWordStarts(s, w string) int {
	if w[0] >= 0x80 {
		return strings.Count(s, w)
	}
	n := 0
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return n
		}
		if at := i + j; at == 0 || !isASCIILetter(s[at-1]) {
			n++
		}
		i += j + len(w)
	}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// mainTopic is the topic whose keywords the whole article uses most.
func mainTopic(a *Article) string {
	var b strings.Builder
	for _, p := range a.Paragraphs {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	scores := topicScores(b.String())
	best := ""
	for _, t := range Topics {
		if scores[t] > 0 && (best == "" || scores[t] > scores[best]) {
			best = t
		}
	}
	return best
}

// assignTopics gives every paragraph its article's main topics, plus any
// topic its section heading names: the depression article's section
// "4. 睡眠の質の向上と精神症状" is about sleep too, in both languages.
func assignTopics(a *Article, explicit []string) {
	a.Topics = slices.Compact(sortTopics(slices.Clone(explicit)))
	if len(a.Topics) == 0 {
		if t := mainTopic(a); t != "" {
			a.Topics = []string{t}
		}
	}
	for i := range a.Paragraphs {
		p := &a.Paragraphs[i]
		set := slices.Clone(a.Topics)
		scores := topicScores(p.Section)
		for _, t := range Topics {
			if scores[t] > 0 && !slices.Contains(set, t) {
				set = append(set, t)
			}
		}
		p.Topics = slices.Compact(sortTopics(set))
	}
}

// sortTopics puts known topics in display order, unknown ones after them.
func sortTopics(ts []string) []string {
	rank := func(t string) int {
		if i := slices.Index(Topics, t); i >= 0 {
			return i
		}
		return len(Topics)
	}
	slices.SortStableFunc(ts, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return ts
}
