package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// maxMergeRounds bounds compact's force merges: scorch merges at most
// SegmentsPerMergeTask (10) segments in one task, so 13 segments take two
// rounds, and more rounds than this would mean a merge that makes no
// progress.
const maxMergeRounds = 8

// mergeTimeout bounds a compaction: scorch retries a failing merge (a full
// disk) until it is cancelled; a large index merges in seconds.
const mergeTimeout = 5 * time.Minute

// Compact merges the index's segments on disk into one and waits until
// that is on disk; after says how many there are then (more than one when
// writes came meanwhile: they are safe). Scorch writes batches as segments
// and merges them by tiers, so a bulk ingest of 100,000 paragraphs leaves a
// dozen, and a search opens every query term's postings once per segment
// and walks them in turn. Like Elasticsearch's force merge, it is meant for
// an index done being written in bulk (nmnsearch ingest calls it); scorch's
// background merger takes care of the writes that follow. An index in
// memory is left as it is. It gives up after mergeTimeout.
func (ix *Index) Compact(ctx context.Context) (before, after int, err error) {
	ix.rmu.Lock() // no Reindex swaps the index meanwhile
	defer ix.rmu.Unlock()
	// Scorch merges only the segments it has written to disk. (Under wmu,
	// as every write of the applied mark, so that it never goes back.)
	ix.wmu.Lock()
	closed, b := ix.closed.Load(), ix.snap().bleve
	switch {
	case closed:
		err = ErrClosed
	case ix.readOnly:
		err = ErrReadOnly
	case ix.store == nil:
		ix.wmu.Unlock()
		return 0, 0, nil
	default:
		err = persist(b, ix.applied)
	}
	ix.wmu.Unlock()
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, mergeTimeout)
	defer cancel()
	before, after, err = compact(ctx, b) // writes may go on meanwhile
	if err != nil {
		return before, after, err
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	return before, after, persist(b, ix.applied)
}

// compact force-merges the segments of b, an index on disk, that scorch
// has written to disk, until there is one or a round merges nothing. It
// returns the number of segments before and after.
func compact(ctx context.Context, b bleve.Index) (before, after int, err error) {
	adv, err := b.Advanced()
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return 0, 0, nil
	}
	before = fileSegments(s)
	after = before
	for range maxMergeRounds {
		if after <= 1 {
			break
		}
		opts := mergeplan.SingleSegmentMergePlanOptions
		if err := s.ForceMerge(ctx, &opts); err != nil {
			return before, after, fmt.Errorf("compact: %w", err)
		}
		n := fileSegments(s)
		if n >= after {
			break
		}
		after = n
	}
	return before, after, ctx.Err()
}

// fileSegments is how many segments on disk s's current snapshot holds.
func fileSegments(s *scorch.Scorch) int {
	n, _ := s.StatsMap()["TotFileSegmentsAtRoot"].(uint64)
	return int(n)
}
