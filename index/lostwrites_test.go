package index

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// damageNewestMeta makes bbolt's newer meta page of path fail its checksum,
// as a torn last transaction does: the file opens at the transaction before.
func damageNewestMeta(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A page's header is 16 bytes; the meta's txid sits 48 bytes into it
	// (magic, version, page size, flags, root bucket, freelist, pgid).
	pageSize := int(binary.LittleEndian.Uint32(raw[16+8:]))
	txid := func(page int) uint64 { return binary.LittleEndian.Uint64(raw[page*pageSize+16+48:]) }
	newest := 0
	if txid(1) > txid(0) {
		newest = 1
	}
	for i := newest*pageSize + 16 + 48; i < newest*pageSize+16+64; i++ {
		raw[i] ^= 0xff
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Issue 20: a store that comes back one transaction older than its index
// (the newest meta page damaged) loses no acknowledged write: the next
// start keeps the index aside, writes the article again from it, and says
// so; a deletion the store lost is made again too.
func TestOpenRecoversWritesTheStoreLost(t *testing.T) {
	for _, last := range []string{"put", "delete"} {
		t.Run(last, func(t *testing.T) {
			dir := t.TempDir()
			ix := openT(t, dir, "testdata")
			if err := ix.Put(srcArticle(t, Source{ID: "900-gone", Text: "Gone\nA zorblatt paragraph deleted last."})); err != nil {
				t.Fatal(err)
			}
			switch last {
			case "put":
				if err := ix.Put(srcArticle(t, Source{ID: "901-acked", Text: "Acked\nA quokkazyx paragraph acknowledged with 201."})); err != nil {
					t.Fatal(err)
				}
			case "delete":
				if err := ix.Delete("900-gone"); err != nil {
					t.Fatal(err)
				}
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			damageNewestMeta(t, filepath.Join(dir, storeFile))

			ix = openT(t, dir, "testdata")
			info := ix.OpenInfo()
			if !strings.HasPrefix(info.Reason, "index is ahead of the store") || info.LostIndex == "" {
				t.Fatalf("open: %+v, want the index ahead of the store, kept aside", info)
			}
			if _, err := os.Stat(filepath.Join(dir, info.LostIndex)); err != nil {
				t.Errorf("the index kept aside: %v", err)
			}
			switch last {
			case "put":
				if !slices.Equal(info.Recovered, []string{"901-acked"}) || len(info.NotRecovered) > 0 {
					t.Errorf("recovered %v, not %v; want 901-acked", info.Recovered, info.NotRecovered)
				}
				if hits := wordHits(t, ix.Bleve(), "quokkazyx"); !slices.Equal(hits, []string{"901-acked-2"}) {
					t.Errorf("quokkazyx finds %v", hits)
				}
			case "delete":
				if !slices.Equal(info.Recovered, []string{"900-gone (deleted)"}) || len(info.NotRecovered) > 0 {
					t.Errorf("recovered %v, not %v; want 900-gone deleted", info.Recovered, info.NotRecovered)
				}
				if hits := wordHits(t, ix.Bleve(), "zorblatt"); len(hits) > 0 {
					t.Errorf("zorblatt finds %v after its deletion", hits)
				}
			}
			// The store holds it now: another start finds nothing to do.
			ix.Close()
			ix = openT(t, dir, "testdata")
			if info := ix.OpenInfo(); info.Rebuilt || info.LostIndex != "" {
				t.Errorf("the start after: %+v, want the index opened as it is", info)
			}
			ix.Close()
		})
	}
}
