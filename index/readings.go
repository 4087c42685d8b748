package index

import (
	"strings"
	"sync"
	"unicode"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// readings keeps the reading (katakana) of every IPA dictionary entry,
// which compactDictionary drops from the entries' features, packed: the
// entry's reading id (of), where each reading ends in text (ends). A
// hiragana query (すいみん) finds the kanji word it reads as (睡眠) by it.
var readings struct {
	of   []uint32
	ends []uint32
	text string
}

// keepReadings fills readings from d, before its features are compacted.
func keepReadings(d *dict.Dict) {
	const at = ipa.Reading - ipa.POSHierarchy
	ids := map[string]uint32{}
	var all strings.Builder
	readings.of = make([]uint32, len(d.Contents))
	for i, c := range d.Contents {
		r := ""
		if at < len(c) && c[at] != "*" {
			r = c[at]
		}
		id, ok := ids[r]
		if !ok {
			all.WriteString(r)
			id = uint32(len(readings.ends))
			ids[r] = id
			readings.ends = append(readings.ends, uint32(all.Len()))
		}
		readings.of[i] = id
	}
	readings.text = all.String()
}

func readingOf(entry int) string {
	if entry < 0 || entry >= len(readings.of) {
		return ""
	}
	id := readings.of[entry]
	start := uint32(0)
	if id > 0 {
		start = readings.ends[id-1]
	}
	return readings.text[start:readings.ends[id]]
}

// wordReadings caches Reading by word: vocabularies of one process share
// most of their words.
var wordReadings sync.Map // word -> reading, "" for none

// Reading returns how word reads, in katakana, by the IPA dictionary
// (睡眠: スイミン; a katakana word reads as itself); false when some part
// of it is not in the dictionary.
func Reading(word string) (string, bool) {
	if r, ok := wordReadings.Load(word); ok {
		return r.(string), r != ""
	}
	var b strings.Builder
	ok := true
	for _, m := range kagome().Analyze(word, tokenizer.Normal) {
		switch r := readingOf(m.ID); {
		case isKatakana(m.Surface):
			b.WriteString(m.Surface)
		case m.Class == tokenizer.KNOWN && r != "":
			b.WriteString(r)
		default:
			ok = false
		}
	}
	r := ""
	if ok {
		r = b.String()
	}
	wordReadings.Store(word, r)
	return r, ok
}

func isKatakana(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.Is(unicode.Katakana, r) && r != 'ー' })
}
