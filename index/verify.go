package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// checkSegments loads every field's term dictionary of every segment of b,
// here, in the caller's goroutine: bleve loads them lazily, the first search
// of a field in goroutines of its own (one a segment), where a damaged
// dictionary's panic cannot be recovered and ends the process. Open calls it
// under its recovery, so that such damage rebuilds the index instead.
func checkSegments(b bleve.Index) error {
	adv, err := b.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	r, err := s.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		for _, field := range seg.Fields() {
			if _, err := seg.Dictionary(field); err != nil {
				return fmt.Errorf("segment %v, field %s: %w", ss.Id(), field, err)
			}
		}
	}
	return nil
}
