package search

import (
	"context"
	"fmt"
	"io/fs"
	"math/bits"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"nmnsearch/index"
	"nmnsearch/search/bleveq"
)

// BenchmarkSearch measures one full search as the API answers it: top 10,
// highlights, both facets. Reproduce with
//
//	go test ./search -run '^$' -bench BenchmarkSearch -benchmem
func BenchmarkSearch(b *testing.B) {
	s := seedSearch(b)
	cases := append(searchCases[:len(searchCases):len(searchCases)],
		searchCase{"kanji", Request{Q: "眠"}},  // predictive: bigrams it starts and ends
		searchCase{"forms", Request{Q: "整う"}}, // found only as 整い, 整っ (base forms)
	)
	for _, bc := range cases {
		benchSearchRequest(b, s, bc.name, bc.req)
	}
}

// searchCases are the searches BenchmarkSearch and BenchmarkSearchScale
// both time.
var searchCases = []searchCase{
	{"ja", Request{Q: "メラトニン"}},
	{"en", Request{Q: "melatonin"}},
	{"symbol", Request{Q: "NAD+"}},
	{"mixed", Request{Q: "NAD+ 睡眠"}},
	{"filtered", Request{Q: "NAD+", Topics: []string{"sleep"}, Lang: "ja"}},
	{"no-match", Request{Q: "ビタミンD"}},
}

type searchCase struct {
	name string
	req  Request
}

// BenchmarkHighlight measures snippet building for a long Japanese paragraph.
func BenchmarkHighlight(b *testing.B) {
	text := "NAD+は、体内のサーカディアンリズム(概日リズム、体内時計)の調節においても重要です。概日リズムは、睡眠と覚醒のサイクルを制御し、これが乱れると睡眠不足や不眠症につながり、精神的な健康にも悪影響を及ぼします。"
	spans := spansOf(text, "睡眠")
	b.ReportAllocs()
	for b.Loop() {
		Highlight(text, spans)
	}
}

// BenchmarkSuggest measures one completion: go test ./search -run '^$' -bench BenchmarkSuggest -benchmem
func BenchmarkSuggest(b *testing.B) {
	s := seedSearch(b)
	for _, q := range []string{"mela", "メラ", "s"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Suggest(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFacets isolates what the topic and lang facets cost over the
// seeds; BenchmarkFacetsScale does the same over the synthetic corpus of
// BenchmarkSearchScale, where it shows. Reproduce with
//
//	go test ./search -run '^$' -bench 'BenchmarkFacets$' -benchtime 20x
//
// Sub-benchmarks:
//   - search/*: one Service.Search of NAD+ without filters, then with a
//     topic, a lang and both (each still counts every facet: disjunctive);
//   - filter-only: no q, topic sleep and lang ja, every paragraph of them
//     listed in reading order (sorted through the facet table);
//   - count/*: the bleve search alone, bare and wrapped in the facet query
//     that counts its hits by facet key (bare-counted is the per-hit cost;
//     all is match-all with no hits returned: counting only);
//   - table: building the per-snapshot facet table, paid by the first
//     search after each write (a search that matches nothing, its tables
//     new each time);
//   - topics: Service.Topics, the /api/topics answer.
func BenchmarkFacets(b *testing.B) { benchFacets(b, seedSearch(b)) }

func benchFacets(b *testing.B, s *Service) {
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		req  Request
	}{
		{"search/none", Request{Q: "NAD+"}},
		{"search/topic", Request{Q: "NAD+", Topics: []string{"sleep"}}},
		{"search/lang", Request{Q: "NAD+", Lang: "ja"}},
		{"search/topic+lang", Request{Q: "NAD+", Topics: []string{"sleep"}, Lang: "ja"}},
		{"filter-only", Request{Topics: []string{"sleep"}, Lang: "ja"}},
	} {
		benchSearchRequest(b, s, bc.name, bc.req)
	}

	text, _, _ := s.now().textQuery(Parse(Normalize("NAD+")))
	for _, bc := range []struct {
		name string
		q    query.Query
		size int
	}{
		{"count/NAD+", text, DefaultPageSize},
		{"count/all", bleve.NewMatchAllQuery(), 0},
	} {
		for _, counted := range []bool{false, true} {
			name := bc.name + "/bare"
			if counted {
				name = bc.name + "/counted"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					q := bc.q
					var fc *bleveq.FacetCount
					if counted {
						fc = bleveq.NewFacetCount(&s.tables, nil)
						q = bleveq.NewFacetQuery(q, fc)
					}
					req := bleve.NewSearchRequestOptions(q, bc.size, 0, false)
					if _, err := s.ix.Bleve().SearchInContext(ctx, req); err != nil {
						b.Fatal(err)
					}
					if counted && len(fc.Counts()) == 0 {
						b.Fatal("nothing counted")
					}
				}
			})
		}
	}

	b.Run("table", func(b *testing.B) {
		err := s.ix.View(func(v *index.Snapshot) error {
			b.ReportAllocs()
			for b.Loop() {
				fc := bleveq.NewFacetCount(new(bleveq.Tables), nil)
				req := bleve.NewSearchRequestOptions(bleveq.NewFacetQuery(bleve.NewMatchNoneQuery(), fc), 0, 0, false)
				if _, _, err := v.Search(ctx, req); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	})

	b.Run("topics", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Topics(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchSearchRequest runs req as a sub-benchmark and reports its total hits
// as the metric "hits".
func benchSearchRequest(b *testing.B, s *Service, name string, req Request) {
	ctx := context.Background()
	b.Run(name, func(b *testing.B) {
		res, err := s.Search(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Search(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Total), "hits")
	})
}

// BenchmarkSearchScale is BenchmarkSearch over a synthetic corpus of
// scaleParagraphs paragraphs (10,000; NMNSEARCH_BENCH_PARAGRAPHS sets
// another count), built in memory once per test binary before the first
// timed loop that needs it: 5 to 8 s at 10,000 on the 2-core machine
// (go test -v logs the time and the paragraphs indexed).
// Reproduce with
//
//	go test ./search -run '^$' -bench Scale -benchtime 20x
//	NMNSEARCH_BENCH_PARAGRAPHS=100000 go test ./search -run '^$' -bench Scale -benchtime 20x -timeout 30m
//	NMNSEARCH_BENCH_DATA=$PWD/.bench/out/data-100k go test ./search -run '^$' -bench Scale -benchtime 200x
//
// The corpus is the one .bench/compare.sh serves (see scaleCorpus), so the
// figures can be set beside the HTTP ones of that script.
func BenchmarkSearchScale(b *testing.B) {
	s := scaleSearch(b)
	for _, bc := range searchCases {
		benchSearchRequest(b, s, bc.name, bc.req)
	}
}

// BenchmarkFacetsScale is BenchmarkFacets over the corpus of
// BenchmarkSearchScale.
//
//	go test ./search -run '^$' -bench 'BenchmarkFacetsScale' -benchtime 20x
func BenchmarkFacetsScale(b *testing.B) { benchFacets(b, scaleSearch(b)) }

// Sizes of the synthetic corpus.
const (
	scaleParagraphs    = 10_000 // paragraphs generated, before chrome is dropped
	scaleParagraphsEnv = "NMNSEARCH_BENCH_PARAGRAPHS"
	scaleRandomSeed    = 42 // corpus.py's default --random-seed
	scaleMinPool       = 8  // corpus.py's MIN_POOL
	scalePerArticle    = 50 // paragraphs to an article file, as .bench/compare.sh
	// scaleDataEnv names a data directory to search instead, opened
	// read-only: the one .bench/compare.sh ingested (.bench/out/data-100k)
	// saves building 100,000 paragraphs in memory for each run.
	scaleDataEnv = "NMNSEARCH_BENCH_DATA"
)

var (
	scaleOnce    sync.Once
	scaleService *Service
	scaleErr     error
)

// scaleSearch returns a Service over scaleCorpus, built once per test
// binary; it fails b when the env var is not a positive count.
func scaleSearch(b *testing.B) *Service {
	b.Helper()
	scaleOnce.Do(func() {
		if dir := os.Getenv(scaleDataEnv); dir != "" {
			ix, err := index.OpenReadOnly(dir)
			if err != nil {
				scaleErr = fmt.Errorf("%s=%q: %v", scaleDataEnv, dir, err)
				return
			}
			scaleService = New(ix, nil)
			return
		}
		n := scaleParagraphs
		if v := os.Getenv(scaleParagraphsEnv); v != "" {
			if n, scaleErr = strconv.Atoi(v); scaleErr == nil && n < 1 {
				scaleErr = fmt.Errorf("not a positive count")
			}
			if scaleErr != nil {
				scaleErr = fmt.Errorf("%s=%q: %v", scaleParagraphsEnv, v, scaleErr)
				return
			}
		}
		began := time.Now()
		fsys, err := scaleCorpus(os.DirFS("../index/testdata"), n)
		if err != nil {
			scaleErr = err
			return
		}
		ix, err := index.Build(fsys)
		if err != nil {
			scaleErr = err
			return
		}
		scaleService = New(ix, nil)
		took := time.Since(began)
		docs, _ := ix.Bleve().DocCount()
		b.Logf("scale corpus: %d paragraphs generated in %d article files, %d indexed (site chrome dropped), built in %v (%.0f paragraphs/s, kagome's dictionary loaded on the way)",
			n, len(fsys), docs, took.Round(time.Millisecond), float64(docs)/took.Seconds())
		runtime.GC() // the build's garbage, not the first timed loop's
	})
	if scaleErr != nil {
		b.Fatal(scaleErr)
	}
	return scaleService
}

// scaleCorpus returns n synthetic paragraphs made from the seed article
// files of seeds as article files in their format: the paragraphs that
// ../shared/peers/corpus.py --scale n writes (same random generator and
// seed, same bytes), grouped as .bench/compare.sh groups them for ingest,
// by seed prefix in order of first appearance, scalePerArticle to a file
// named like "002_s00012.txt", one blank line between paragraphs.
//
// As corpus.py: each paragraph copies the language and seed of a real line
// (chrome included) chosen at random and has as many sentences as it (±1),
// drawn from the real sentences of that language and seed, or of that
// language only when those are fewer than scaleMinPool.
func scaleCorpus(seeds fs.FS, n int) (fstest.MapFS, error) {
	type line struct {
		prefix, lang string
		sentences    int
	}
	var (
		lines      []line
		byLang     = map[string]*pool{}
		byLangSeed = map[string]*pool{}
	)
	names, err := fs.Glob(seeds, "*.txt")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no seed *.txt files")
	}
	sort.Strings(names)
	for _, name := range names {
		raw, err := fs.ReadFile(seeds, name)
		if err != nil {
			return nil, err
		}
		prefix, _, _ := strings.Cut(name, "_")
		for _, l := range strings.Split(string(raw), "\n") {
			text := strings.TrimSpace(l)
			if text == "" {
				continue
			}
			lang := "en"
			if strings.ContainsFunc(text, corpusJapanese) {
				lang = "ja"
			}
			sents := corpusSentences(text, lang)
			lines = append(lines, line{prefix, lang, len(sents)})
			for _, s := range sents {
				poolOf(byLang, lang).add(s)
				poolOf(byLangSeed, lang+" "+prefix).add(s)
			}
		}
	}

	rng := newMT19937(scaleRandomSeed)
	var (
		order    []string // prefixes in order of first appearance
		byPrefix = map[string][]string{}
	)
	for range n {
		l := lines[rng.below(len(lines))]
		p := byLangSeed[l.lang+" "+l.prefix]
		if len(p.list) < scaleMinPool {
			p = byLang[l.lang]
		}
		k := max(1, l.sentences+[]int{-1, 0, 1}[rng.below(3)])
		picked := make([]string, k)
		for i := range picked {
			picked[i] = p.list[rng.below(len(p.list))]
		}
		sep := " "
		if l.lang == "ja" {
			sep = ""
		}
		if _, ok := byPrefix[l.prefix]; !ok {
			order = append(order, l.prefix)
		}
		byPrefix[l.prefix] = append(byPrefix[l.prefix], strings.Join(picked, sep))
	}

	fsys := fstest.MapFS{}
	for _, prefix := range order {
		texts := byPrefix[prefix]
		for i := 0; i < len(texts); i += scalePerArticle {
			name := fmt.Sprintf("%s_s%05d.txt", prefix, len(fsys)+1)
			chunk := texts[i:min(i+scalePerArticle, len(texts))]
			fsys[name] = &fstest.MapFile{Data: []byte(strings.Join(chunk, "\n\n") + "\n")}
		}
	}
	return fsys, nil
}

// pool is a list of distinct sentences in first-seen order.
type pool struct {
	list []string
	seen map[string]bool
}

func poolOf(m map[string]*pool, key string) *pool {
	if m[key] == nil {
		m[key] = &pool{seen: map[string]bool{}}
	}
	return m[key]
}

func (p *pool) add(s string) {
	if !p.seen[s] {
		p.seen[s] = true
		p.list = append(p.list, s)
	}
}

// corpusJapanese is corpus.py's JA_RE: kana, half-width katakana, CJK
// ideographs and 々.
func corpusJapanese(r rune) bool {
	return r >= 0x3040 && r <= 0x30ff || r >= 0x31f0 && r <= 0x31ff || r >= 0xff66 && r <= 0xff9f ||
		r >= 0x3400 && r <= 0x4dbf || r >= 0x4e00 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff || r == 0x3005
}

// corpusSentences splits text as corpus.py's sentences does: Japanese after
// runs of 。！？!?, English at whitespace after . ! or ?, except after an
// abbreviation such as "Dr.".
func corpusSentences(text, lang string) []string {
	var parts []string
	if lang == "ja" {
		isEnd := func(r rune) bool { return strings.ContainsRune("。！？!?", r) }
		for rest := text; rest != ""; {
			i := strings.IndexFunc(rest, func(r rune) bool { return !isEnd(r) })
			if i < 0 {
				break
			}
			rest = rest[i:]
			j := strings.IndexFunc(rest, isEnd)
			if j < 0 {
				j = len(rest)
			}
			k := j + len(rest[j:]) - len(strings.TrimLeftFunc(rest[j:], isEnd))
			parts = append(parts, strings.TrimSpace(rest[:k]))
			rest = rest[k:]
		}
	} else {
		start := 0
		var prev rune
		for i, r := range text {
			if i >= start && unicode.IsSpace(r) && strings.ContainsRune(".!?", prev) {
				p := text[start:i]
				if n := len(parts); n > 0 && corpusAbbrev(parts[n-1]) {
					parts[n-1] += " " + p
				} else {
					parts = append(parts, p)
				}
				start = len(text) - len(strings.TrimLeftFunc(text[i:], unicode.IsSpace))
			}
			prev = r
		}
		p := text[start:]
		if n := len(parts); n > 0 && corpusAbbrev(parts[n-1]) {
			parts[n-1] += " " + p
		} else {
			parts = append(parts, p)
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
	}
	parts = slices.DeleteFunc(parts, func(s string) bool { return s == "" })
	if len(parts) == 0 {
		return []string{text}
	}
	return parts
}

func corpusAbbrev(s string) bool {
	for _, a := range []string{"Dr.", "Mr.", "Ms.", "Mrs.", "Prof.", "e.g.", "i.e.", "vs.", "No.", "al.", "etc."} {
		if strings.HasSuffix(s, a) {
			return true
		}
	}
	return false
}

// mt19937 is Python's random.Random (the Mersenne Twister as CPython seeds
// it from an int), enough of it for randrange and choice to give the numbers
// corpus.py draws.
type mt19937 struct {
	mt  [624]uint32
	idx int
}

func newMT19937(seed uint32) *mt19937 {
	m := &mt19937{}
	// init_genrand(19650218), then init_by_array([seed]).
	m.mt[0] = 19650218
	for i := 1; i < 624; i++ {
		m.mt[i] = 1812433253*(m.mt[i-1]^(m.mt[i-1]>>30)) + uint32(i)
	}
	key := []uint32{seed}
	i, j := 1, 0
	for k := max(624, len(key)); k > 0; k-- {
		m.mt[i] = (m.mt[i] ^ ((m.mt[i-1] ^ (m.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= 624 {
			m.mt[0] = m.mt[623]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := 623; k > 0; k-- {
		m.mt[i] = (m.mt[i] ^ ((m.mt[i-1] ^ (m.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= 624 {
			m.mt[0] = m.mt[623]
			i = 1
		}
	}
	m.mt[0] = 0x80000000
	m.idx = 624
	return m
}

func (m *mt19937) uint32() uint32 {
	if m.idx >= 624 {
		for i := range 624 {
			y := m.mt[i]&0x80000000 | m.mt[(i+1)%624]&0x7fffffff
			v := m.mt[(i+397)%624] ^ y>>1
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			m.mt[i] = v
		}
		m.idx = 0
	}
	y := m.mt[m.idx]
	m.idx++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// below is Python's _randbelow(n) for 0 < n < 2**32: getrandbits of n's
// bit length, drawn again while n or more.
func (m *mt19937) below(n int) int {
	k := bits.Len32(uint32(n))
	for {
		if r := int(m.uint32() >> (32 - k)); r < n {
			return r
		}
	}
}

// BenchmarkRepeatedCharacter searches 眠 typed 256 times over a text of
// 5,000 眠 (three paragraphs of the longest size): issue 20's query that
// held every search slot for minutes.
//
//	go test ./search -run '^$' -bench RepeatedCharacter -benchmem
func BenchmarkRepeatedCharacter(b *testing.B) {
	ix, err := index.Build(fstest.MapFS{"a.txt": {Data: []byte("眠の話\n" + strings.Repeat("眠", 5000))}})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	s := New(ix, nil)
	q := Request{Q: strings.Repeat("眠", 256)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Search(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLargestArticle searches one article of index.MaxTextBytes, the
// largest the limits allow, written as one line (a flattened page, split
// at its sentences) and as index.MaxParagraphs lines: issue 20's long
// paragraph, which slowed every search.
//
//	go test ./search -run '^$' -bench LargestArticle -benchmem
func BenchmarkLargestArticle(b *testing.B) {
	for _, layout := range []struct {
		name  string
		lines int
	}{{"one-line", 1}, {"many-lines", index.MaxParagraphs - 1}} {
		text := largestText(layout.lines)
		ix, err := index.Build(fstest.MapFS{"a.txt": {Data: []byte(text)}})
		if err != nil {
			b.Fatal(err)
		}
		s := New(ix, nil)
		for _, q := range []string{"NAD+", "メラトニン", "melatonin", `"insulin sensitivity"`, strings.Repeat("眠", 256)} {
			b.Run(layout.name+"/"+strings.ReplaceAll(q[:min(len(q), 12)], " ", "_"), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Search(context.Background(), Request{Q: q}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		ix.Close()
	}
}

// largestText is a title and lines of sentences in both languages,
// numbered so that no two are copies, up to index.MaxTextBytes.
func largestText(lines int) string {
	var t strings.Builder
	t.WriteString("NMNと睡眠の話\n")
	lineBytes := index.MaxTextBytes / lines
	sentences := []string{
		"NMNはNAD+の前駆体で、睡眠とメラトニンの分泌に関わると言われています(%d)。",
		"Taking NMN in the morning may raise NAD+ levels and improve insulin sensitivity (%d). ",
		"眠りが浅い日が続くときは、寝る前の光と食事を見直しましょう(%d)。",
		"Melatonin is made at night; a dark bedroom helps the body keep its clock (%d). ",
	}
	line := 0
	for i := 0; ; i++ {
		s := fmt.Sprintf(sentences[i%len(sentences)], i)
		if t.Len()+len(s)+1 > index.MaxTextBytes {
			return t.String()
		}
		t.WriteString(s)
		if (t.Len()-line)/lineBytes > 0 {
			t.WriteByte('\n')
			line = t.Len()
		}
	}
}
