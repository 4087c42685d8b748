package server

import (
	"strings"
	"testing"
)

func TestParseByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "0", want: 0},
		{in: "33554432", want: 32 << 20},
		{in: "64MiB", want: 64 << 20},
		{in: "64 MiB", want: 64 << 20},
		{in: "512KiB", want: 512 << 10},
		{in: "1GiB", want: 1 << 30},
		{in: "2m", want: 2 << 20},
		{in: "100B", want: 100},
		{in: "", bad: true},
		{in: "-1", bad: true},
		{in: "64MB!", bad: true},
		{in: "MiB", bad: true},
		{in: "1.5MiB", bad: true},
		{in: "10TiB", bad: true},
		{in: "99999999999GiB", bad: true},
	} {
		got, err := ParseByteSize(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseByteSize(%q) = %d, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// The cache is bounded in bytes and evicts the least recently used entry.
func TestResponseCacheLRU(t *testing.T) {
	body := []byte(strings.Repeat("x", 1000))
	one := int64(len("k1")+len(body)+len(`"etag"`)) + cacheEntryOverhead
	c := newResponseCache(2*one + one/2) // room for two entries, not three
	c.put("k1", 1, body, nil, `"etag"`)
	c.put("k2", 1, body, nil, `"etag"`)
	if _, ok := c.get("k1", 1); !ok { // k1 now the most recent
		t.Fatal("k1 missing with room for it")
	}
	c.put("k3", 1, body, nil, `"etag"`)
	if _, ok := c.get("k2", 1); ok {
		t.Error("k2, the least recently used, was not evicted")
	}
	for _, k := range []string{"k1", "k3"} {
		if _, ok := c.get(k, 1); !ok {
			t.Errorf("%s evicted; want only k2 gone", k)
		}
	}
	if got := c.bytes.Load(); got != 2*one || got > c.max {
		t.Errorf("bytes = %d, want %d (bound %d)", got, 2*one, c.max)
	}
	// Replacing a key does not count it twice.
	c.put("k3", 1, body, nil, `"etag"`)
	if got := c.bytes.Load(); got != 2*one {
		t.Errorf("bytes after replacing k3 = %d, want %d", got, 2*one)
	}
	// An answer bigger than the whole cache is not kept, and evicts nothing.
	c.put("big", 1, make([]byte, c.max), nil, `"etag"`)
	if _, ok := c.get("big", 1); ok || c.lru.Len() != 2 {
		t.Errorf("an answer over the bound was kept (%d entries)", c.lru.Len())
	}
}

// A new version empties the cache; an answer of an older one is dropped.
func TestResponseCacheVersion(t *testing.T) {
	c := newResponseCache(1 << 20)
	c.put("k", 5, []byte("v5"), nil, `"a"`)
	if _, ok := c.get("k", 6); ok {
		t.Fatal("an entry of version 5 answered at version 6")
	}
	if c.lru.Len() != 0 || c.bytes.Load() != 0 {
		t.Errorf("after version 6 was seen: %d entries, %d bytes; want none", c.lru.Len(), c.bytes.Load())
	}
	c.put("k", 5, []byte("v5"), nil, `"a"`) // a search that began before the swap
	if _, ok := c.get("k", 6); ok || c.lru.Len() != 0 {
		t.Error("an answer of version 5 was kept at version 6")
	}
	if _, ok := c.get("k", 5); ok {
		t.Error("a look-up of an old version was answered")
	}
	c.put("k", 6, []byte("v6"), nil, `"b"`)
	if e, ok := c.get("k", 6); !ok || string(e.body) != "v6" {
		t.Errorf("get(k, 6) = %v, %v; want v6 (a look-up of an old version must not empty the cache)", e, ok)
	}
}

func TestNewResponseCacheZeroIsOff(t *testing.T) {
	if c := newResponseCache(0); c != nil {
		t.Errorf("newResponseCache(0) = %v, want nil: no cache", c)
	}
}

func TestNoneMatch(t *testing.T) {
	const etag = `"abc"`
	for _, tc := range []struct {
		lines []string
		want  bool
	}{
		{nil, false},
		{[]string{`"abc"`}, true},
		{[]string{`W/"abc"`}, true},
		{[]string{`"x", "abc"`}, true},
		{[]string{`"x"`, `"abc"`}, true},
		{[]string{`*`}, true},
		{[]string{`"abcd"`}, false},
		{[]string{`abc`}, false},
		{[]string{`W/"abc"`}, true},
	} {
		if got := noneMatch(tc.lines, etag); got != tc.want {
			t.Errorf("noneMatch(%q) = %v, want %v", tc.lines, got, tc.want)
		}
	}
}

// A search's ETag ignores took_ms, and is weak for it; anything else in the
// body changes it.
func TestETagOf(t *testing.T) {
	a := etagOf([]byte(`{"query":"x","total":1,"page":1,"size":10,"took_ms":1.234,"hits":[{"id":"a"}]}`))
	b := etagOf([]byte(`{"query":"x","total":1,"page":1,"size":10,"took_ms":0,"hits":[{"id":"a"}]}`))
	c := etagOf([]byte(`{"query":"x","total":1,"page":1,"size":10,"took_ms":0,"hits":[{"id":"b"}]}`))
	if a != b || !strings.HasPrefix(a, `W/"`) {
		t.Errorf("took_ms 1.234 and 0: ETags %s, %s; want one weak ETag", a, b)
	}
	if c == b {
		t.Errorf("other hits, same ETag %s", c)
	}
	// A took_ms inside a string is text, not the member.
	d := etagOf([]byte(`{"query":"\",\"took_ms\":5","suggestions":[]}`))
	e := etagOf([]byte(`{"query":"\",\"took_ms\":6","suggestions":[]}`))
	if d == e || strings.HasPrefix(d, "W/") {
		t.Errorf("ETags %s, %s of answers without took_ms: want strong and different", d, e)
	}
}
