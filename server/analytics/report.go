package analytics

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ReportTop is how many queries each top list of a report holds.
const ReportTop = 20

// ErrRange is the error of a report asked for days it cannot give: a date
// not in DayLayout, from after to, or more days than the store keeps.
var ErrRange = errors.New("analytics: bad range")

// Report is what readers searched for, by day and by query, over a range of
// days.
type Report struct {
	From      string       `json:"from"`
	To        string       `json:"to"`
	Days      []DayCounts  `json:"days"`        // every day of the range, in order
	Top       []QueryStats `json:"top"`         // the most searched queries
	TopNoHits []NoHits     `json:"top_no_hits"` // the queries that most often found nothing
	// Other counts the searches of queries a day's table did not keep.
	Other int64 `json:"other"`
}

// DayCounts are one day's totals.
type DayCounts struct {
	Day      string `json:"day"`
	Searches int64  `json:"searches"`
	NoHits   int64  `json:"no_hits"`
	Clicks   int64  `json:"clicks"`
}

// QueryStats is one query (its text and topic filter) over the range.
type QueryStats struct {
	Q        string   `json:"q"`
	Topics   []string `json:"topics"`
	Searches int64    `json:"searches"`
	NoHits   int64    `json:"no_hits"`
	Clicks   int64    `json:"clicks"`
	// CTR is the share of its searches with a click.
	CTR float64 `json:"ctr"`
	// MeanFirstPosition is the mean 1-based position of a search's first
	// click; 0 when none was clicked.
	MeanFirstPosition float64 `json:"mean_first_position"`
	// MeanHits is the mean number of paragraphs its searches found.
	MeanHits float64 `json:"mean_hits"`
	// Opened lists the articles opened from it, the most opened first.
	Opened []Opened `json:"opened"`
}

// Opened is an article readers opened from a query's answer, and how often.
type Opened struct {
	Article string `json:"article"`
	Clicks  int64  `json:"clicks"`
}

// NoHits is a query whose searches found nothing, and how many did.
type NoHits struct {
	Q        string   `json:"q"`
	Topics   []string `json:"topics"`
	Searches int64    `json:"searches"`
}

// Report sums the days from to to (DayLayout, both included); "" for from
// is DefaultReportDays before to, "" for to today. The range may hold at
// most RetentionDays days; a day nothing was recorded on counts zeros.
func (s *Store) Report(from, to string) (*Report, error) {
	if to == "" {
		to = s.day()
	}
	toDay, err := time.Parse(DayLayout, to)
	if err != nil {
		return nil, fmt.Errorf("%w: to %q is not a date (YYYY-MM-DD)", ErrRange, to)
	}
	if from == "" {
		from = toDay.AddDate(0, 0, 1-DefaultReportDays).Format(DayLayout)
	}
	fromDay, err := time.Parse(DayLayout, from)
	if err != nil {
		return nil, fmt.Errorf("%w: from %q is not a date (YYYY-MM-DD)", ErrRange, from)
	}
	n := int(toDay.Sub(fromDay).Hours()/24) + 1
	switch {
	case n < 1:
		return nil, fmt.Errorf("%w: from %s is after to %s", ErrRange, from, to)
	case n > s.retention:
		return nil, fmt.Errorf("%w: %d days from %s to %s; at most %d, the days kept (-analytics-days)", ErrRange, n, from, to, s.retention)
	}

	r := &Report{From: from, To: to, Days: make([]DayCounts, n), Top: []QueryStats{}, TopNoHits: []NoHits{}}
	for i := range r.Days {
		r.Days[i].Day = fromDay.AddDate(0, 0, i).Format(DayLayout)
	}
	queries := map[string]*entry{}
	cutoff := s.cutoff()
	err = s.days(from, func(f *dayFile) error {
		if f.Day > to || f.Day < cutoff { // past the retention: dropped at the next flush
			return nil
		}
		d, err := time.Parse(DayLayout, f.Day)
		if err != nil {
			return fmt.Errorf("analytics: a stored day %q", f.Day)
		}
		i := int(d.Sub(fromDay).Hours() / 24)
		r.Days[i] = DayCounts{Day: f.Day, Searches: f.Searches, NoHits: f.NoHits, Clicks: f.Clicks}
		kept := int64(0)
		for _, e := range f.Queries {
			kept += e.Searches
			k := key(e.Q, e.Topics)
			q := queries[k]
			if q == nil {
				q = &entry{Q: e.Q, Topics: e.Topics}
				queries[k] = q
			}
			q.Searches += e.Searches
			q.NoHits += e.NoHits
			q.Clicks += e.Clicks
			q.Clicked += e.Clicked
			q.FirstPosSum += e.FirstPosSum
			q.HitsSum += e.HitsSum
			for a, n := range e.Opened {
				if q.Opened == nil {
					q.Opened = map[string]int64{}
				}
				q.Opened[a] += n
			}
		}
		r.Other += f.Searches - kept
		return nil
	})
	if err != nil {
		return nil, err
	}

	all := slices.Collect(maps.Values(queries))
	byText := func(a, b *entry) int { return cmp.Or(strings.Compare(a.Q, b.Q), slices.Compare(a.Topics, b.Topics)) }
	slices.SortFunc(all, func(a, b *entry) int { return cmp.Or(cmp.Compare(b.Searches, a.Searches), byText(a, b)) })
	for _, e := range all[:min(len(all), ReportTop)] {
		st := QueryStats{Q: e.Q, Topics: nonNil(e.Topics), Searches: e.Searches, NoHits: e.NoHits, Clicks: e.Clicks}
		if e.Searches > 0 {
			st.CTR = float64(e.Clicked) / float64(e.Searches)
		}
		if e.Clicked > 0 {
			st.MeanFirstPosition = float64(e.FirstPosSum) / float64(e.Clicked)
		}
		if e.Searches > 0 {
			st.MeanHits = float64(e.HitsSum) / float64(e.Searches)
		}
		st.Opened = []Opened{}
		for a, n := range e.Opened {
			st.Opened = append(st.Opened, Opened{a, n})
		}
		slices.SortFunc(st.Opened, func(a, b Opened) int {
			return cmp.Or(cmp.Compare(b.Clicks, a.Clicks), strings.Compare(a.Article, b.Article))
		})
		st.Opened = st.Opened[:min(len(st.Opened), MaxOpened)]
		r.Top = append(r.Top, st)
	}
	slices.SortFunc(all, func(a, b *entry) int { return cmp.Or(cmp.Compare(b.NoHits, a.NoHits), byText(a, b)) })
	for _, e := range all {
		if e.NoHits == 0 || len(r.TopNoHits) == ReportTop {
			break
		}
		r.TopNoHits = append(r.TopNoHits, NoHits{Q: e.Q, Topics: nonNil(e.Topics), Searches: e.NoHits})
	}
	return r, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
