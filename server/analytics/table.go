package analytics

import (
	"container/heap"
	"encoding/json"
	"slices"
	"strings"
)

// entry is one query of a day's table: its text and topic filter, and what
// was counted of it since it entered the table.
type entry struct {
	Q      string   `json:"q"`
	Topics []string `json:"topics,omitempty"`
	// Count is space-saving's estimate, the table's order: Searches plus
	// the count of the entry it replaced.
	Count       int64 `json:"count"`
	Searches    int64 `json:"searches"`  // since the entry entered the table: exact
	NoHits      int64 `json:"no_hits"`   // of Searches, those that found nothing
	Clicks      int64 `json:"clicks"`    // hits opened
	Clicked     int64 `json:"clicked"`   // searches with a click, at most Searches
	FirstPosSum int64 `json:"first_pos"` // sum of the positions of those first clicks
	HitsSum     int64 `json:"hits"`      // paragraphs found, summed over Searches
	// Opened counts the articles readers opened from it, at most
	// MaxOpened: the clinic's answer to the question, or a wrong one.
	Opened map[string]int64 `json:"opened,omitempty"`

	i int // in table.heap
}

// MaxOpened bounds the articles a query's entry counts the opening of; a
// click on another counts in Clicks only.
const MaxOpened = 5

// found says the query found something that day: one of its searches had hits.
func (e *entry) found() bool { return e.Searches > e.NoHits }

// table is one day: its totals and at most k queries, kept with the
// space-saving algorithm (Metwally, Agrawal, El Abbadi 2005): a query not
// in a full table replaces the one with the lowest count and inherits that
// count, so that every query searched more than total/k times is in it.
type table struct {
	day                      string
	searches, noHits, clicks int64
	k                        int
	byKey                    map[string]*entry
	heap                     entryHeap // by Count, the lowest first
}

func newTable(day string, k int) *table {
	return &table{day: day, k: k, byKey: map[string]*entry{}}
}

// key names a query in the table: its text and its sorted topics, joined
// by a control character, which neither can hold.
func key(q string, topics []string) string {
	return q + "\x1f" + strings.Join(topics, "\x1f")
}

// evicted is what left the table to make room: the query's text, and
// whether it had found something that day.
type evicted struct {
	q     string
	found bool
}

// search counts one search of q with topics (sorted, without duplicates).
// It returns the query's entry, whether the entry had found something
// before, and the entry that left the table for it, if one did.
func (t *table) search(q string, topics []string, hits int) (e *entry, wasFound bool, out *evicted) {
	found := hits > 0
	t.searches++
	if !found {
		t.noHits++
	}
	k := key(q, topics)
	e = t.byKey[k]
	switch {
	case e != nil:
		wasFound = e.found()
		e.Count++
		heap.Fix(&t.heap, e.i)
	case len(t.heap) < t.k:
		e = &entry{Q: q, Topics: slices.Clone(topics), Count: 1}
		heap.Push(&t.heap, e)
		t.byKey[k] = e
	default:
		e = t.heap[0] // the lowest count, reused in place
		out = &evicted{q: e.Q, found: e.found()}
		delete(t.byKey, key(e.Q, e.Topics))
		*e = entry{Q: q, Topics: slices.Clone(topics), Count: e.Count + 1, i: e.i}
		heap.Fix(&t.heap, e.i)
		t.byKey[k] = e
	}
	e.Searches++
	e.HitsSum += int64(hits)
	if !found {
		e.NoHits++
	}
	return e, wasFound, out
}

// click counts one opened hit at pos (1-based) of a search of q with
// topics. A click of a query not in the table counts in the day's clicks
// only: a click comes after its search, which put the query in. Each click
// is its search's first while the query has fewer searches with a click
// than searches: no click names its search, so a reader who opens two hits
// of one search counts twice only where another search of it had none.
func (t *table) click(q string, topics []string, pos int, article string) {
	t.clicks++
	e := t.byKey[key(q, topics)]
	if e == nil {
		return
	}
	e.Clicks++
	if _, ok := e.Opened[article]; article != "" && (ok || len(e.Opened) < MaxOpened) {
		if e.Opened == nil {
			e.Opened = map[string]int64{}
		}
		e.Opened[article]++
	}
	if e.Clicked < e.Searches {
		e.Clicked++
		e.FirstPosSum += int64(pos)
	}
}

// dayFile is a day as it is stored, and as a report reads it.
type dayFile struct {
	Day      string  `json:"day"`
	Searches int64   `json:"searches"`
	NoHits   int64   `json:"no_hits"`
	Clicks   int64   `json:"clicks"`
	Queries  []entry `json:"queries"`
}

// file is a copy of t as it is stored: its entries by count, the highest
// first.
func (t *table) file() *dayFile {
	qs := make([]entry, len(t.heap))
	for i, e := range t.heap {
		qs[i] = *e
	}
	slices.SortFunc(qs, func(a, b entry) int { return compareEntries(&a, &b) })
	return &dayFile{Day: t.day, Searches: t.searches, NoHits: t.noHits, Clicks: t.clicks, Queries: qs}
}

// compareEntries orders by count, the highest first, then by text and
// topics, so that a stored day is the same bytes for the same counts.
func compareEntries(a, b *entry) int {
	if a.Count != b.Count {
		if a.Count > b.Count {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.Q, b.Q); c != 0 {
		return c
	}
	return slices.Compare(a.Topics, b.Topics)
}

func (t *table) encode() ([]byte, error) { return json.Marshal(t.file()) }

// decodeTable reads a stored day back into a table of k entries at most
// (fewer survive when k is lower than when it was written).
func decodeTable(b []byte, k int) (*table, error) {
	var f dayFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	t := newTable(f.Day, k)
	t.searches, t.noHits, t.clicks = f.Searches, f.NoHits, f.Clicks
	slices.SortFunc(f.Queries, func(a, b entry) int { return compareEntries(&a, &b) })
	for i := range f.Queries[:min(len(f.Queries), k)] {
		e := &f.Queries[i]
		heap.Push(&t.heap, e)
		t.byKey[key(e.Q, e.Topics)] = e
	}
	return t, nil
}

// entryHeap is a min-heap of entries by Count, each knowing its index.
type entryHeap []*entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].Count < h[j].Count }
func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].i, h[j].i = i, j
}
func (h *entryHeap) Push(x any) {
	e := x.(*entry)
	e.i = len(*h)
	*h = append(*h, e)
}
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
