package index

import (
	"strings"
	"sync"
	"unicode"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// readingTable is the reading (katakana) of every IPA dictionary entry,
// which compactDictionary drops from the entries' features, packed: the
// entry's reading id (of), where each reading ends in text (ends). A
// hiragana query (すいみん) finds the kanji word it reads as (睡眠) by it.
type readingTable struct {
	of   []uint32
	ends []uint32
	text string
}

// readings is the table of kagome's dictionary, packed as it is loaded.
var readings readingTable

// packReadings is d's reading table, read before its features are
// compacted.
func packReadings(d *dict.Dict) readingTable {
	const at = ipa.Reading - ipa.POSHierarchy
	var t readingTable
	ids := map[string]uint32{}
	var all strings.Builder
	t.of = make([]uint32, len(d.Contents))
	for i, c := range d.Contents {
		r := ""
		if at < len(c) && c[at] != "*" {
			r = c[at]
		}
		id, ok := ids[r]
		if !ok {
			all.WriteString(r)
			id = uint32(len(t.ends))
			ids[r] = id
			t.ends = append(t.ends, uint32(all.Len()))
		}
		t.of[i] = id
	}
	t.text = all.String()
	return t
}

// reading returns the reading of dictionary entry, "" for none.
func (t *readingTable) reading(entry int) string {
	if entry < 0 || entry >= len(t.of) {
		return ""
	}
	id := t.of[entry]
	start := uint32(0)
	if id > 0 {
		start = t.ends[id-1]
	}
	return t.text[start:t.ends[id]]
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
		switch r := readings.reading(m.ID); {
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
