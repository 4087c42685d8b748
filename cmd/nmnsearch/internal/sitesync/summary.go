package sitesync

import "time"

// Outcome is what a run did with one page, or, for Gathered, that the
// pages to visit are known.
type Outcome string

const (
	Gathered  Outcome = "gathered"  // the pages are known: Event.Total, Event.Reason says from what
	Added     Outcome = "added"     // a new article
	Changed   Outcome = "changed"   // an article replaced: its page's text changed
	Unchanged Outcome = "unchanged" // 304, the same lastmod or the same text: nothing written
	Deleted   Outcome = "deleted"   // it left its sitemap, or answered 404 or 410
	Skipped   Outcome = "skipped"   // robots.txt disallows it, or it is gone but was put by hand
	Failed    Outcome = "failed"    // a page, sitemap or feed that could not be had: nothing written for it
)

// Event is one page done, for a progress display: Done of Total, once
// Gathered has said Total.
type Event struct {
	URL     string  `json:"url"`
	ID      string  `json:"id,omitempty"`
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason,omitempty"`
	Done    int     `json:"done"`
	Total   int     `json:"total"`
}

// maxFailures bounds the failures a Summary lists, so that a scheduler
// can keep and serve the last one whatever the site did; Failed counts
// them all, and each has its Event.
const maxFailures = 100

// Summary is what a run did, for the command's last line, a scheduler's
// log and its status route.
type Summary struct {
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	TookMS      int64     `json:"took_ms"`
	Seeds       []string  `json:"seeds"`
	Pages       int       `json:"pages"` // pages visited or deleted: gathered, and known ones that left
	Added       int       `json:"added"`
	Changed     int       `json:"changed"`
	Unchanged   int       `json:"unchanged"`
	Deleted     int       `json:"deleted"`
	Skipped     int       `json:"skipped"`
	Failed      int       `json:"failed"`
	Failures    []Failure `json:"failures,omitempty"` // the first maxFailures
	Requests    int64     `json:"requests"`           // every HTTP request: robots.txt, sitemaps, feeds, pages, redirects, retries
	Fetched     int       `json:"fetched"`            // page bodies downloaded (a 200, not a 304)
	Bytes       int64     `json:"bytes"`              // bytes of the bodies read
	Interrupted bool      `json:"interrupted,omitempty"`
}

// Failure is a page, sitemap or feed that failed, and why.
type Failure struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// Written is how many articles the run wrote or deleted.
func (s Summary) Written() int { return s.Added + s.Changed + s.Deleted }

func (s *Summary) count(e Event) {
	switch e.Outcome {
	case Added:
		s.Added++
	case Changed:
		s.Changed++
	case Unchanged:
		s.Unchanged++
	case Deleted:
		s.Deleted++
	case Skipped:
		s.Skipped++
	case Failed:
		s.Failed++
		if len(s.Failures) < maxFailures {
			s.Failures = append(s.Failures, Failure{URL: e.URL, Reason: e.Reason})
		}
	}
}
