package index

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// checkSegments checks every segment file of b against the CRC-32 in its
// footer (zap writes it; nothing reads it back), so that a damaged segment
// rebuilds the index at the start rather than answer wrong without a word;
// and loads every field's term dictionary here, in the caller's goroutine:
// bleve loads them lazily, the first search of a field in goroutines of its
// own (one a segment), where a damaged dictionary's panic cannot be
// recovered and ends the process. Open calls it under its recovery.
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
		if f, ok := seg.(checksummed); ok {
			if err := checkCRC(f); err != nil {
				return err
			}
		}
		for _, field := range seg.Fields() {
			if _, err := seg.Dictionary(field); err != nil {
				return fmt.Errorf("segment %v, field %s: %w", ss.Id(), field, err)
			}
		}
	}
	return nil
}

// checksummed is a segment persisted in a file whose footer ends with the
// CRC-32 of all that comes before it (zapx's Segment).
type checksummed interface {
	Path() string
	CRC() uint32
}

func checkCRC(seg checksummed) error {
	f, err := os.Open(seg.Path())
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.LimitReader(f, st.Size()-4)); err != nil {
		return err
	}
	if got := h.Sum32(); got != seg.CRC() {
		return fmt.Errorf("segment %s: CRC-32 %08x, its footer says %08x", filepath.Base(seg.Path()), got, seg.CRC())
	}
	return nil
}
