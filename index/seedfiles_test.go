package index

import (
	"os"
	"path/filepath"
	"testing"
)

// Seed files in testdata, shared by the article tests.
const (
	seedFile000 = "000_5f7a80a9702da62d.txt"
	seedFile001 = "001_c2c3b5d23e0135b4.txt"
	seedFile002 = "002_d25f1ed27a07bf50.txt"
)

// readSeedFile returns the raw bytes of one seed file in testdata.
func readSeedFile(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
