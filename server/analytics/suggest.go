package analytics

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	// MinSuggestDays is on how many days a query must have found something
	// before it is suggested to readers: one person's typing, on one day,
	// never shows to another.
	MinSuggestDays = 3

	// MaxSuggestions is how many of readers' queries Suggest returns at most.
	MaxSuggestions = 3
)

// popular is what suggestions are drawn from: the queries that found
// something on MinSuggestDays days. Past days are counted once a day (the
// first Suggest after midnight); today's are kept up to date as searches
// are recorded. Under Store.mu.
type popular struct {
	countedDay string         // the day past was counted for; "" none yet
	past       map[string]int // query → retained days before today it found something, when MinSuggestDays-1 or more
	today      map[string]int // query → today's entries of it (one per topic filter) that found something
	list       []popQuery     // the popular queries, by lower-cased text
	version    uint64         // grows when list changes
}

type popQuery struct {
	text, lower string
	days        int
}

// resetToday counts the queries of t, a new today, that found something.
func (p *popular) resetToday(t *table) {
	p.today = map[string]int{}
	for _, e := range t.heap {
		if e.found() {
			p.today[e.Q]++
		}
	}
	p.rebuild()
}

// todayFound says one more of today's entries of q found something.
func (p *popular) todayFound(q string) {
	p.today[q]++
	if p.today[q] == 1 && p.past[q] == MinSuggestDays-1 {
		p.rebuild()
	}
}

// todayLost says one of today's entries of q that found something left the
// table.
func (p *popular) todayLost(q string) {
	p.today[q]--
	if p.today[q] <= 0 {
		delete(p.today, q)
		if p.past[q] == MinSuggestDays-1 {
			p.rebuild()
		}
	}
}

// rebuild makes list anew from past and today.
func (p *popular) rebuild() {
	p.list = p.list[:0]
	for q, n := range p.past {
		if p.today[q] > 0 {
			n++
		}
		if n >= MinSuggestDays && q != "" {
			p.list = append(p.list, popQuery{text: q, lower: strings.ToLower(q), days: n})
		}
	}
	slices.SortFunc(p.list, func(a, b popQuery) int {
		return cmp.Or(strings.Compare(a.lower, b.lower), strings.Compare(a.text, b.text))
	})
	p.version++
}

// countPast counts, once a day, the retained days before today on which
// each query found something. Under s.mu.
func (s *Store) countPast() {
	today := s.today.day
	if s.pop.countedDay == today {
		return
	}
	s.pop.countedDay = today
	byQuery := map[string]int{}
	count := func(f *dayFile) {
		seen := map[string]bool{}
		for i := range f.Queries {
			e := &f.Queries[i]
			if e.found() && !seen[e.Q] {
				seen[e.Q] = true
				byQuery[e.Q]++
			}
		}
	}
	inMemory := map[string]bool{}
	for _, t := range s.finished {
		inMemory[t.day] = true
		count(t.file())
	}
	err := s.back.each(s.cutoff(), func(day string, b []byte) error {
		if day >= today || inMemory[day] {
			return nil
		}
		var f dayFile
		if err := json.Unmarshal(b, &f); err != nil {
			s.logger.Error("analytics: a stored day does not read; suggestions leave it out", "day", day, "err", err)
			return nil
		}
		count(&f)
		return nil
	})
	if err != nil {
		s.logger.Error("analytics: reading the stored days for suggestions", "err", err)
	}
	s.pop.past = map[string]int{}
	for q, n := range byQuery {
		if n >= MinSuggestDays-1 {
			s.pop.past[q] = n
		}
	}
	s.pop.rebuild()
}

// SuggestVersion changes whenever what Suggest may answer changes, so that
// a cache of suggestions can key on it.
func (s *Store) SuggestVersion() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.pop.version
	}
	s.roll()
	s.countPast()
	return s.pop.version
}

// Suggest completes q (normalized as the service normalizes queries) with
// readers' queries that start with it, case aside, and found something on
// MinSuggestDays days or more, those of the most days first. Each is
// returned from the start of q's last word (past a leading - or "), as a
// completion of that word: "sleep mela" gives "melatonin supplements" for
// the query "sleep melatonin supplements".
func (s *Store) Suggest(q string) []string {
	start := strings.LastIndexByte(q, ' ') + 1
	for start < len(q) && (q[start] == '-' || q[start] == '"') {
		start++
	}
	if start == len(q) {
		return nil
	}
	skip := utf8.RuneCountInString(q[:start])
	lower := strings.ToLower(q)

	s.mu.Lock()
	if !s.closed {
		s.roll()
		s.countPast()
	}
	var found []popQuery
	i, _ := slices.BinarySearchFunc(s.pop.list, lower, func(p popQuery, t string) int { return strings.Compare(p.lower, t) })
	for _, p := range s.pop.list[i:] {
		if !strings.HasPrefix(p.lower, lower) {
			break
		}
		if p.lower != lower {
			found = append(found, p)
		}
	}
	s.mu.Unlock()

	slices.SortStableFunc(found, func(a, b popQuery) int { return cmp.Compare(b.days, a.days) })
	var out []string
	for _, p := range found[:min(len(found), MaxSuggestions)] {
		text := p.text
		for range skip {
			_, n := utf8.DecodeRuneInString(text)
			text = text[n:]
		}
		out = append(out, text)
	}
	return out
}
