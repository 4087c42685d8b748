package index

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// IndexVersion is the version of everything this package derives from an
// article's source: the mapping (newMapping), the analyzers, package
// extract's classification of lines, heading, section and language
// detection, the tagging of topics (a topics file's own changes are caught
// by its hash, in the stamp), and document(). Bump it with any change that alters what is indexed: the
// store keeps sources, so the next Open parses every article again and
// rebuilds the index. Without a bump a data directory goes on serving the
// parses and index the old code made, and its results differ from a fresh
// build's. (A changed mapping is caught anyway, by comparing it with the
// index's; a changed analyzer or chrome rule keeps its name and is not.)
//
// 2: a title taken from the text is one line of at most maxTitleRunes.
// 3: package extract finds the article in any site's page (text or HTML);
// topics per paragraph from a topics file; a title per language.
// 4: Markdown emphasis and heading markers dropped from text lines.
const IndexVersion = 4

// indexVersion is IndexVersion; tests change it.
var indexVersion = IndexVersion

// Keys of the index's internal store (bleve SetInternal), written in the
// same batch as the documents they describe.
var (
	keyApplied = []byte("nmnsearch.applied") // the store's last write the index holds
	keyVersion = []byte("nmnsearch.version") // the IndexVersion it was built with
)

// persistTimeout bounds how long Open, Reindex and Close wait for scorch to
// write the index to disk.
const persistTimeout = 30 * time.Second

// maxBatchDocs bounds the paragraphs of one batch when an index is built.
const maxBatchDocs = 2000

// testScorchConfig is added to scorch's configuration; tests set it.
var testScorchConfig map[string]any

// scorchConfig is the configuration of an index on disk.
func scorchConfig() map[string]any {
	c := map[string]any{
		// A batch returns once it is searchable, without waiting for
		// scorch to fsync it: the store is the source of truth, and Open
		// re-applies whatever the index lost. (Waiting would hold the
		// write lock, and the writes queued behind it, through the fsync.)
		"unsafe_batch": true,
		// The store's lock already keeps a second process out; never hang
		// on the index's.
		"bolt_timeout": lockTimeout.String(),
		// A full disk paused and said, not retried at full speed.
		"asyncErrorCallbackName": scorchCallbacks,
	}
	for k, v := range testScorchConfig {
		c[k] = v
	}
	return c
}

// OpenInfo says what Open did, for the start-up log line.
type OpenInfo struct {
	Rebuilt bool   // the index was built from the store (or, in memory, from the seeds)
	Reason  string // why it was built: "new data directory", "IndexVersion 1 -> 2", "seeds changed", ...
	// Seeded lists the seed articles written to or removed from the store.
	Seeded []string
	// Reapplied counts the articles the index had missed (written or
	// deleted after what it had on disk), applied again from the store.
	Reapplied int
	// Skipped lists articles of the store ("id: error") that this version
	// cannot parse: kept in the store, not indexed.
	Skipped []string
	// LostIndex, when set, is where the index was kept aside because it
	// held writes the store lacked (the store came back older: a torn last
	// transaction, a restored backup). Recovered lists the articles written
	// again from it ("id (deleted)" for a deletion), NotRecovered the rest
	// with why.
	LostIndex    string
	Recovered    []string
	NotRecovered []string
	Articles     int
	Took         time.Duration
}

// OpenInfo says what Open did.
func (ix *Index) OpenInfo() OpenInfo { return ix.info }

// IsDataDir reports whether dir holds a store of articles (articles.db): a
// data directory Open made, rather than one it would create.
func IsDataDir(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, storeFile))
	return err == nil && fi.Mode().IsRegular()
}

// Open opens the index kept in dir, or creates it there, seeded with the
// article files (*.txt, as ReadArticles reads them) of seeds. dir "" means
// an index in memory built from seeds, as Build.
//
// dir holds a bbolt store of the articles as ingested (articles.db), the
// source of truth, and the scorch index (index-N). Reopening dir opens the
// index and loads the articles' parses from the store, parsing and
// analyzing nothing, and re-applies any write the index lost in a crash.
// The index is built from the store instead on first start, after a change
// of IndexVersion or of the seeds, or when it cannot be opened or caught
// up.
//
// When the seeds change, the store's seed articles are made those of
// seeds, but an article someone has Put or Deleted under a seed's id stays
// as they left it: the seeds ship with the binary, and an upgrade must not
// undo a clinic's corrections.
//
// A dir that another process has open is ErrLocked after a second.
func Open(dir string, seeds fs.FS, opts ...Option) (ix *Index, err error) {
	began := time.Now()
	// The index's own bbolt panics are caught where it is read: one that
	// gets here is articles.db's (a fault where it is mapped, too).
	defer func() {
		if panicIn(storeCode...) {
			ix, err = nil, storeDamaged(filepath.Join(dir, storeFile), fmt.Errorf("bbolt panicked reading it: %v", recover()))
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	if dir == "" {
		ix, err := Build(seeds, opts...)
		if err != nil {
			return nil, err
		}
		ix.info = OpenInfo{Rebuilt: true, Reason: "in memory", Articles: len(ix.snap().articles), Took: time.Since(began)}
		return ix, nil
	}
	srcs, hash, err := readSeeds(seeds)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := refusePublished(dir); err != nil {
		return nil, err
	}
	if err := refuseLostStore(dir, nil); err != nil {
		return nil, err
	}
	st, err := openStore(filepath.Join(dir, storeFile), false)
	if err != nil {
		return nil, err
	}
	if m, err := st.meta(); err != nil || m.stamp == "" {
		// a store with nothing in it, created just now or before: the same
		if err := cmp.Or(err, refuseLostStore(dir, st)); err != nil {
			st.close()
			return nil, err
		}
	}
	ix = (&Index{mapping: newMapping(), dir: dir, store: st}).withOptions(opts)
	ix.watchDisk()
	if err := ix.open(srcs, hash); err != nil {
		if s := ix.cur.Load(); s != nil {
			s.bleve.Close()
		}
		st.close()
		ix.unwatchDisk()
		return nil, err
	}
	ix.info.Articles = len(ix.snap().articles)
	ix.info.Took = time.Since(began)
	return ix, nil
}

// readSeeds reads the *.txt files at the top of seeds as sources, and
// hashes them: the seeds part of the stamp. They are parsed only when the
// hash is new.
func readSeeds(seeds fs.FS) ([]Source, string, error) {
	h := sha256.New()
	if seeds == nil {
		return nil, hex.EncodeToString(h.Sum(nil))[:16], nil
	}
	names, err := fs.Glob(seeds, "*.txt")
	if err != nil {
		return nil, "", err
	}
	sort.Strings(names)
	var out []Source
	for _, name := range names {
		raw, err := fs.ReadFile(seeds, name)
		if err != nil {
			return nil, "", err
		}
		out = append(out, Source{ID: articleIDFromFile(path.Base(name)), Text: string(raw)})
		h.Write(binary.AppendUvarint(nil, uint64(len(name))))
		h.Write([]byte(name))
		h.Write(binary.AppendUvarint(nil, uint64(len(raw))))
		h.Write(raw)
	}
	return out, hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (ix *Index) open(seeds []Source, hash string) error {
	m, err := ix.store.meta()
	if err != nil {
		return err
	}
	if err := ix.storedTopics(m); err != nil {
		return err
	}
	ix.stamp = strconv.Itoa(indexVersion) + ":" + hash + ":" + ix.topics.Hash()
	old := append(strings.SplitN(m.stamp, ":", 3), "", "", "")
	oldVersion, oldHash, oldTopics := old[0], old[1], old[2]
	reason := ""
	switch {
	case m.stamp == "":
		reason = "new data directory"
	case oldVersion != strconv.Itoa(indexVersion):
		reason = fmt.Sprintf("IndexVersion %s -> %d", oldVersion, indexVersion)
	case oldHash != hash:
		reason = "seeds changed"
	case oldTopics != ix.topics.Hash():
		reason = "topics changed"
	}
	if oldHash != hash {
		for _, src := range seeds {
			if _, err := src.parseWith(ix.topics); err != nil {
				return fmt.Errorf("seed %s: %w", src.ID, err)
			}
		}
		if ix.info.Seeded, err = ix.store.reseed(seeds); err != nil {
			return err
		}
	}
	var lost *lostWrites
	if reason == "" {
		if reason, lost, err = ix.openExisting(m); err != nil {
			return err
		}
	}
	if lost != nil {
		if ix.info.LostIndex, err = ix.keepAside(lost); err != nil {
			return err
		}
	}
	if reason != "" {
		if err := ix.rebuild(); err != nil {
			return err
		}
		ix.info.Rebuilt, ix.info.Reason = true, reason
	}
	ix.removeOldIndexes()
	if lost != nil {
		ix.rewrite(lost)
	}
	return nil
}

// openExisting opens the index named in m and catches it up with the
// store. It returns why the index must be rebuilt instead, or "" when it is
// open, with the writes it held that the store lacks; an error only when
// the store fails.
func (ix *Index) openExisting(m storeMeta) (reason string, lost *lostWrites, err error) {
	// A damaged file can make bleve panic past opening too (a segment's
	// dictionary, read for the bigram endings).
	defer func() {
		if panicIn(bleveCode...) {
			reason, lost, err = fmt.Sprintf("index unreadable: bleve panicked reading it: %v", recover()), nil, nil
		}
	}()
	// A file cut short faults where it is mapped (Open sets this too; a
	// read-only open does not).
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	if m.index == "" {
		return "no index directory recorded", nil, nil
	}
	config := scorchConfig()
	if ix.readOnly {
		// No persister or merger, the root bolt opened read-only with a
		// shared lock: nothing in the directory changes.
		config["read_only"] = true
	}
	b, err := openBleve(filepath.Join(ix.dir, m.index), config)
	if err != nil {
		return fmt.Sprintf("index unreadable: %v", err), nil, nil
	}
	opened := false
	defer func() {
		if !opened {
			b.Close()
		}
	}()
	if err := checkSegments(b); err != nil {
		return fmt.Sprintf("index unreadable: %v", err), nil, nil
	}
	if !sameMapping(b.Mapping(), ix.mapping) {
		return "mapping changed", nil, nil
	}
	if v, err := b.GetInternal(keyVersion); err != nil || string(v) != strconv.Itoa(indexVersion) {
		return "index built by another IndexVersion", nil, nil
	}
	raw, err := b.GetInternal(keyApplied)
	if err != nil || len(raw) != 8 {
		return "index has no applied sequence number", nil, nil
	}
	applied := readU64(raw)

	recs, m, err := ix.store.records()
	if err != nil {
		return "", nil, err
	}
	articles := map[string]*Article{}
	var skipped []string
	for id, r := range recs {
		if r.Version != indexVersion {
			return fmt.Sprintf("article %s has no parse of IndexVersion %d", id, indexVersion), nil, nil
		}
		if a := r.article(); a != nil {
			articles[id] = a
		} else {
			skipped = append(skipped, id+": does not parse")
		}
	}
	if applied > m.seq {
		return fmt.Sprintf("index is ahead of the store (write %d, store %d)", applied, m.seq), readLostWrites(b, m.index, m.seq, applied), nil
	}
	ids, complete, err := ix.store.logAfter(applied, m.seq)
	if err != nil {
		return "", nil, err
	}
	if !complete {
		return fmt.Sprintf("index is behind the store's log (write %d, store %d)", applied, m.seq), nil, nil
	}
	if len(ids) > 0 && ix.readOnly {
		return fmt.Sprintf("the index lacks %d writes the store holds (its writer stopped before persisting them)", len(ids)), nil, nil
	}
	if len(ids) > 0 {
		var puts []*Article
		var deletes []string
		for _, id := range ids {
			if a := articles[id]; a != nil {
				puts = append(puts, a)
			} else {
				deletes = append(deletes, id)
			}
		}
		batch, err := changeBatch(b, puts, deletes, m.seq)
		if err == nil {
			err = b.Batch(batch)
		}
		if err != nil {
			return fmt.Sprintf("catching up failed: %v", err), nil, nil
		}
	}
	snap := newSnapshot(b, articles)
	if snap.endings, err = bigramEndings(b); err != nil {
		return fmt.Sprintf("index unreadable: %v", err), nil, nil
	}
	// The log up to what the index had on disk is no longer needed.
	if !ix.readOnly {
		if err := ix.store.prune(applied); err != nil {
			return "", nil, err
		}
	}
	opened = true
	ix.publish(snap)
	ix.alias = bleve.NewIndexAlias(b)
	ix.seq, ix.applied, ix.indexName = m.seq, m.seq, m.index
	ix.info.Reapplied = len(ids)
	sort.Strings(skipped)
	ix.info.Skipped = skipped
	return "", nil, nil
}

// openBleve opens an index on disk. A damaged file can make bleve panic
// (a segment's footer, its root.bolt): that is an error too, and Open
// rebuilds the index from the store rather than the process dying.
func openBleve(path string, config map[string]any) (b bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("bleve panicked opening it: %v", r)
		}
	}()
	return bleve.OpenUsing(path, config)
}

// sameMapping reports whether two mappings encode alike.
func sameMapping(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// rebuild parses every article of the store again and builds a new index
// of them in a new directory, which it records in the store with the
// parses.
func (ix *Index) rebuild() error {
	recs, m, err := ix.store.records()
	if err != nil {
		return err
	}
	parsed := map[string]*Article{}
	articles := map[string]*Article{}
	var skipped []string
	sites := siteLines{}
	for _, r := range recs {
		sites.add(&r.Source)
	}
	for id, r := range recs {
		a, err := r.Source.parse(ix.topics, sites.options(&r.Source))
		if e, ok := errors.AsType[*InvalidError](err); ok && e.Field == "topics" {
			// topics the topics file no longer has: the article is indexed
			// without them, and gets them back with a file that has them
			known := r.Source
			known.Topics = slices.DeleteFunc(slices.Clone(known.Topics), func(t string) bool { return !ix.topics.Has(t) })
			if a, err = known.parse(ix.topics, sites.options(&r.Source)); err == nil {
				skipped = append(skipped, fmt.Sprintf("%s: indexed without the topics the topics file lacks (%v)", id, e.Reason))
			}
		}
		if err != nil {
			parsed[id] = nil
			skipped = append(skipped, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		for i := range a.Paragraphs {
			measure(ix.mapping, &a.Paragraphs[i])
		}
		parsed[id], articles[id] = &a, &a
	}
	name := nextIndexName(m.index)
	dir := filepath.Join(ix.dir, name)
	b, err := buildIndex(context.Background(), dir, articles, m.seq)
	if err != nil {
		return err
	}
	err = persist(b, m.seq)
	if err == nil {
		err = ix.store.setIndex(name, ix.stamp, ix.topics.raw, parsed, m.seq)
	}
	snap := newSnapshot(b, articles)
	if err == nil {
		snap.endings, err = bigramEndings(b)
	}
	if err != nil {
		b.Close()
		os.RemoveAll(dir)
		return err
	}
	ix.publish(snap)
	ix.alias = bleve.NewIndexAlias(b)
	ix.seq, ix.applied, ix.indexName = m.seq, m.seq, name
	sort.Strings(skipped)
	ix.info.Skipped = skipped
	return nil
}

// buildIndex makes a new index of articles, in memory when dir is "",
// recording applied as the last write it holds. It stops, removing what it
// built, when ctx ends: it looks between batches.
func buildIndex(ctx context.Context, dir string, articles map[string]*Article, applied uint64) (bleve.Index, error) {
	var b bleve.Index
	var err error
	if dir == "" {
		b, err = newMemIndex()
	} else {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		b, err = bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, scorchConfig())
	}
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	fail := func(err error) (bleve.Index, error) {
		b.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
		return nil, err
	}
	ids := make([]string, 0, len(articles))
	for id := range articles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	batch := b.NewBatch()
	for _, id := range ids {
		a := articles[id]
		for i := range a.Paragraphs {
			p := &a.Paragraphs[i]
			if err := batch.Index(p.ID, document(p)); err != nil {
				return fail(fmt.Errorf("index %s: %w", p.ID, err))
			}
		}
		if batch.Size() >= maxBatchDocs {
			if err := b.Batch(batch); err != nil {
				return fail(fmt.Errorf("index batch: %w", err))
			}
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			batch = b.NewBatch()
		}
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	batch.SetInternal(keyVersion, []byte(strconv.Itoa(indexVersion)))
	if dir != "" {
		batch.SetInternal(keyApplied, u64(applied))
	}
	if err := b.Batch(batch); err != nil {
		return fail(fmt.Errorf("index batch: %w", err))
	}
	if dir != "" {
		// Searched from now on and written little: one segment (see
		// Compact). A merge that fails or times out leaves the index whole,
		// in more segments, which is no reason to throw the build away.
		if err := persist(b, applied); err != nil {
			return fail(err)
		}
		mctx, cancel := context.WithTimeout(ctx, mergeTimeout)
		compact(mctx, b)
		cancel()
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
	}
	return b, nil
}

// persist waits until scorch has written b to disk, with applied recorded
// as the last write it holds.
func persist(b bleve.Index, applied uint64) error {
	done := make(chan error, 1)
	batch := b.NewBatch()
	batch.SetInternal(keyApplied, u64(applied))
	batch.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default:
		}
	})
	// scorch retries a failing write without calling back: its error
	// comes through the data directory's watch instead.
	var failed <-chan asyncError
	if w := watchOf(b.Name()); w != nil {
		select {
		case <-w.persist: // an error from before this batch
		default:
		}
		failed = w.persist
	}
	if err := b.Batch(batch); err != nil {
		return fmt.Errorf("persist index: %w", err)
	}
	timeout := time.After(persistTimeout)
	for {
		select {
		case e := <-failed:
			if filepath.Dir(e.path) != b.Name() {
				continue // another index's: one being replaced
			}
			return fmt.Errorf("persist index: %w", e.err)
		case err := <-done:
			if err != nil {
				return fmt.Errorf("persist index: %w", err)
			}
			return nil
		case <-timeout:
			return fmt.Errorf("persist index: not on disk after %v", persistTimeout)
		}
	}
}

// nextIndexName names the directory of the index that replaces the one in
// current: index-1, index-2, ...
func nextIndexName(current string) string {
	n, _ := strconv.Atoi(strings.TrimPrefix(current, indexPrefix))
	return indexPrefix + strconv.Itoa(n+1)
}

// removeOldIndexes deletes the index directories other than the one in
// use: the one a rebuild replaced, or one a crash left half built.
// refuseLostStore refuses a directory whose articles.db is missing, empty,
// or (st, opened) holds no build, beside an index: the store is the source
// of truth, and a new one would be seeded and the index, the only copy left
// of the articles, deleted.
func refuseLostStore(dir string, st *store) error {
	if fi, err := os.Stat(filepath.Join(dir, storeFile)); st == nil && err == nil && fi.Size() > 0 {
		return nil
	}
	var indexes []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), indexPrefix) {
			indexes = append(indexes, e.Name())
		}
	}
	if len(indexes) == 0 {
		return nil
	}
	return fmt.Errorf("%s has an index (%s) but its %s is missing, empty or new: the articles are in neither as they should be. "+
		"Restore %s from a backup; or, to start afresh with the seeds, move %s out of %s",
		dir, strings.Join(indexes, ", "), storeFile, storeFile, strings.Join(indexes, " and "), dir)
}

// removeOldIndexes deletes the index directories other than the one in use.
func (ix *Index) removeOldIndexes() {
	entries, _ := os.ReadDir(ix.dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), indexPrefix) && e.Name() != ix.indexName {
			os.RemoveAll(filepath.Join(ix.dir, e.Name()))
		}
	}
}

// reindexHook runs in Reindex between building the new index and catching
// it up; tests write there.
var reindexHook func()

// Reindex builds a fresh index from the store (in memory: from the current
// articles) into a new directory and swaps it in while searches go on,
// then deletes the old one. Writes go on while it builds; those made
// meanwhile are applied to the new index before the swap.
//
// The swap is of the Snapshot and of the alias Bleve returns: a View sees
// the old index or the new one (the old one is closed once no View reads
// it), and a caller holding Bleve() follows the swap. (An IndexAlias alone
// would swap the index but not the articles that go with it.)
//
// When ctx ends first, the new index is removed and the one in use stays.
func (ix *Index) Reindex(ctx context.Context) error {
	ix.rmu.Lock()
	defer ix.rmu.Unlock()
	if ix.closed.Load() {
		return ErrClosed
	}
	if ix.readOnly {
		return ErrReadOnly
	}
	if ix.store == nil {
		ix.wmu.Lock()
		defer ix.wmu.Unlock()
		return ix.reindexInMemory(ctx)
	}

	recs, m, err := ix.store.records()
	if err != nil {
		return err
	}
	articles := map[string]*Article{}
	for id, r := range recs {
		if a := r.article(); a != nil {
			articles[id] = a
		}
	}
	name := nextIndexName(m.index)
	dir := filepath.Join(ix.dir, name)
	b, err := buildIndex(ctx, dir, articles, m.seq)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		b.Close()
		os.RemoveAll(dir)
		return fmt.Errorf("reindex: %w", err)
	}
	if reindexHook != nil {
		reindexHook()
	}

	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	// Catch up with the writes made while building, as the store has them
	// (the snapshot lacks a write whose batch failed).
	ids, complete, err := ix.store.logAfter(m.seq, ix.seq)
	if err != nil {
		return fail(err)
	}
	if !complete {
		return fail(errors.New("the store's log lost writes made meanwhile"))
	}
	if len(ids) > 0 {
		recs, err := ix.store.get(ids)
		if err != nil {
			return fail(err)
		}
		var puts []*Article
		var deletes []string
		for _, id := range ids {
			if r := recs[id]; r != nil && r.article() != nil {
				articles[id] = r.article()
				puts = append(puts, articles[id])
			} else {
				delete(articles, id)
				deletes = append(deletes, id)
			}
		}
		batch, err := changeBatch(b, puts, deletes, ix.seq)
		if err == nil {
			err = b.Batch(batch)
		}
		if err != nil {
			return fail(err)
		}
	}
	if err := persist(b, ix.seq); err != nil {
		return fail(err)
	}
	if err := ix.store.setIndex(name, ix.stamp, ix.topics.raw, nil, ix.seq); err != nil {
		return fail(err)
	}
	ix.applied, ix.stale = ix.seq, nil
	return ix.swap(newSnapshot(b, articles), name)
}

// reindexInMemory builds an index in memory from the current articles and
// swaps it in. The caller holds rmu and wmu.
func (ix *Index) reindexInMemory(ctx context.Context) error {
	cur := ix.snap()
	b, err := buildIndex(ctx, "", cur.articles, 0)
	if err != nil {
		return err
	}
	next := &Snapshot{bleve: b, articles: cur.articles, paragraphs: cur.paragraphs,
		vocab: cur.vocab, wordCounts: cur.wordCounts, stats: cur.stats, line: &lineage{}}
	next.token, _ = b.GetInternal(keySnapshot)
	return ix.swap(next, "")
}

// swap makes next, a snapshot of a new index, current, and closes and
// deletes the old index. The caller holds wmu.
func (ix *Index) swap(next *Snapshot, name string) error {
	cur := ix.snap()
	var err error
	if next.endings, err = bigramEndings(next.bleve); err != nil {
		next.endings = cur.endings
	}
	ix.publish(next)
	ix.alias.Swap([]bleve.Index{next.bleve}, []bleve.Index{cur.bleve})
	old := ix.indexName
	ix.indexName = name
	cur.waitUsers()
	if err := closeWithin(cur.bleve, closeTimeout); err != nil {
		// The new index serves: the old one's files go all the same.
		ix.logger.Warn("the index replaced did not close", "index", old, "err", err)
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(ix.dir, old)); err != nil {
			return fmt.Errorf("reindex: remove the old index: %w", err)
		}
	}
	return nil
}

// closeTimeout bounds how long a swap waits for the index it replaced to
// close: a damaged one may never (scorch's merger, panicking on it, can
// leave a bbolt transaction of its root.bolt open, which Close waits for).
const closeTimeout = 10 * time.Second

// closeWithin closes b, or gives up after d, leaving it open.
func closeWithin(b bleve.Index, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- b.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("not closed after %v: left open", d)
	}
}

// Close persists the index (on disk), then closes it and the store. Writes
// in progress finish first; later calls do nothing.
func (ix *Index) Close() error {
	ix.rmu.Lock()
	defer ix.rmu.Unlock()
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.closed.Load() {
		return nil
	}
	ix.closed.Store(true)
	cur := ix.snap()
	cur.waitUsers()
	b := cur.bleve
	var errs []error
	if ix.store != nil && !ix.readOnly {
		// So that the next Open has nothing to re-apply.
		errs = append(errs, persist(b, ix.applied))
	}
	errs = append(errs, ix.alias.Close(), closeWithin(b, closeTimeout))
	if ix.store != nil {
		errs = append(errs, ix.store.close())
	}
	ix.unwatchDisk()
	return errors.Join(errs...)
}

// LoadDictionary loads kagome's IPA dictionary (about a second and 58 MB of
// heap) unless it is loaded already. Opening a data directory does not need
// it; the first Japanese search, Put or rebuild does, and pays for it. Call
// it at start-up, in the background, so that no request does.
func LoadDictionary() { kagome() }
