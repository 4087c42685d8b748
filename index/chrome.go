package index

import "nmnsearch/index/extract"

// Dropped is a line left out of an article as the site's furniture, with
// the reason (see package extract).
type Dropped = extract.Dropped

// strip splits an article file's non-empty lines into the ones kept as
// article text and the ones dropped as the site's furniture.
func strip(raw string) (kept []string, dropped []Dropped) {
	p := extract.Text(raw, extract.Options{})
	for _, b := range p.Kept {
		kept = append(kept, b.Text)
	}
	return kept, p.Dropped
}

// contentLines is strip without the record of what was dropped.
func contentLines(raw string) []string {
	kept, _ := strip(raw)
	return kept
}
