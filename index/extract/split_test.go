package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	sentence := "NMN turns into NAD+ in the body. "
	ja := "メラトニンは夜に増えます。"
	for name, text := range map[string]string{
		"english":        strings.Repeat(sentence, 500),
		"japanese":       strings.Repeat(ja, 1000),
		"one word":       strings.Repeat("メラトニン", 40_000),
		"at the limit":   strings.Repeat("a", MaxParagraphRunes),
		"one over":       strings.Repeat("a", MaxParagraphRunes+1),
		"short":          "A short paragraph.",
		"spaces, no end": strings.Repeat("word ", 1000),
		"quoted":         strings.Repeat("「眠れない夜が続きます。」", 300),
		"mixed width":    strings.Repeat("か", 600) + "。" + strings.Repeat("a", 3000),
		"leading spaces": strings.Repeat("\u3000", 2500) + "text",
	} {
		pieces := Split(text)
		// the pieces, trimmed where cut, make the text again
		noSpace := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if noSpace(strings.Join(pieces, "")) != noSpace(text) {
			t.Errorf("%s: the pieces do not make the text again", name)
		}
		for i, p := range pieces {
			if n := utf8.RuneCountInString(p); n > MaxParagraphRunes || n == 0 {
				t.Errorf("%s: piece %d of %d characters", name, i, n)
			}
			if i < len(pieces)-1 && (name == "english" && !strings.HasSuffix(p, ".") || name == "japanese" && !strings.HasSuffix(p, "。") ||
				name == "quoted" && !strings.HasSuffix(p, "。」")) {
				t.Errorf("%s: piece %d ends mid-sentence: %q", name, i, p[max(0, len(p)-20):])
			}
		}
		if name == "at the limit" && len(pieces) != 1 || name == "one over" && len(pieces) != 2 {
			t.Errorf("%s: %d pieces", name, len(pieces))
		}
	}
}
