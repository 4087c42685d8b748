package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// The index keeps each write it applies (its sources and deletions) under
// writeKey(seq), for the last keptWrites writes: should the store come back
// older than the index (a torn last transaction, a restored backup), Open
// writes them again from there rather than lose what was acknowledged.
// bbolt falls back one transaction on a damaged meta page; a few more
// cover a disk that acknowledged writes it had not made.
const keptWrites = 16

// asidePrefix names an index directory kept aside because it held writes
// the store lacked: the operator's to look at and delete.
const asidePrefix = "aside-"

type keptWrite struct {
	Puts    []Source `json:"puts,omitempty"`
	Deletes []string `json:"deletes,omitempty"`
}

func writeKey(seq uint64) []byte { return append([]byte("write/"), u64(seq)...) }

// keepWrite adds write seq to batch, and drops the one keptWrites before.
func keepWrite(batch *bleve.Batch, seq uint64, puts []*Article, deletes []string) {
	w := keptWrite{Deletes: deletes}
	for _, a := range puts {
		w.Puts = append(w.Puts, a.Source())
	}
	batch.SetInternal(writeKey(seq), mustJSON(w))
	if seq > keptWrites {
		batch.DeleteInternal(writeKey(seq - keptWrites))
	}
}

// lostWrites are the writes an index held past its store's last one.
type lostWrites struct {
	puts    []Source // the last version of each article written, in order
	deletes []string
	missing []string // "write N: ..." for those the index no longer kept
	index   string   // the index directory they were read from
}

// readLostWrites reads writes from+1 to to from b.
func readLostWrites(b bleve.Index, index string, from, to uint64) *lostWrites {
	lw := &lostWrites{index: index}
	last := map[string]int{} // id -> its place in puts, -1 when deleted
	for seq := from + 1; seq <= to; seq++ {
		raw, err := b.GetInternal(writeKey(seq))
		var w keptWrite
		if err == nil && raw != nil {
			err = json.Unmarshal(raw, &w)
		}
		switch {
		case err != nil:
			lw.missing = append(lw.missing, fmt.Sprintf("write %d: %v", seq, err))
			continue
		case raw == nil:
			lw.missing = append(lw.missing, fmt.Sprintf("write %d: no longer kept by the index", seq))
			continue
		}
		for _, src := range w.Puts {
			last[src.ID] = len(lw.puts)
			lw.puts = append(lw.puts, src)
		}
		for _, id := range w.Deletes {
			last[id] = -1
		}
	}
	var puts []Source
	for i, src := range lw.puts {
		if last[src.ID] == i {
			puts = append(puts, src)
		}
	}
	lw.puts = puts
	for id, i := range last {
		if i < 0 {
			lw.deletes = append(lw.deletes, id)
		}
	}
	slices.Sort(lw.deletes)
	return lw
}

// keepAside renames the index directory the lost writes came from, out of
// removeOldIndexes' way.
func (ix *Index) keepAside(lw *lostWrites) (string, error) {
	aside := asidePrefix + lw.index + "-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(filepath.Join(ix.dir, lw.index), filepath.Join(ix.dir, aside)); err != nil {
		return "", fmt.Errorf("keep the index aside: %w", err)
	}
	return aside, nil
}

// rewrite writes the lost writes again, once the index is open: each
// article put or deleted is recorded in OpenInfo, as recovered or not.
func (ix *Index) rewrite(lw *lostWrites) {
	for _, src := range lw.puts {
		if err := ix.PutSource(src); err != nil {
			ix.info.NotRecovered = append(ix.info.NotRecovered, src.ID+": "+err.Error())
			continue
		}
		ix.info.Recovered = append(ix.info.Recovered, src.ID)
	}
	for _, id := range lw.deletes {
		if err := ix.Delete(id); err != nil && !errors.Is(err, ErrNotFound) {
			ix.info.NotRecovered = append(ix.info.NotRecovered, id+" (deleted): "+err.Error())
			continue
		}
		ix.info.Recovered = append(ix.info.Recovered, id+" (deleted)")
	}
	ix.info.NotRecovered = append(ix.info.NotRecovered, lw.missing...)
}
