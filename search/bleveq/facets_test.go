package bleveq

import (
	"context"
	"testing"

	bleveindex "github.com/blevesearch/bleve_index_api"
)

// The facet tables of the last few snapshots are kept: a search on an older
// one does not make the newer one's table be built again.
func TestFacetTablesKept(t *testing.T) {
	a := over(t, "700_a.txt", "Table A", "", "The alphaword paragraph.")
	b := over(t, "701_b.txt", "Table B", "", "The betaword paragraph.")
	reader := func(f *fixture) bleveindex.IndexReader {
		adv, err := f.ix.Bleve().Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	ra, rb := reader(a), reader(b)
	var c Tables
	ctx := context.Background()
	ta, err := c.get(ctx, ra, nil)
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := c.get(ctx, rb, nil)
	if again, _ := c.get(ctx, ra, nil); again != ta {
		t.Error("A's table was built again after B's")
	}
	if again, _ := c.get(ctx, rb, nil); again != tb {
		t.Error("B's table was built again")
	}
	if ta == tb || len(ta.keys) < 2 || len(ta.ofDoc) == 0 {
		t.Errorf("tables: A %+v, B %+v", ta, tb)
	}
}
