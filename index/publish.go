package index

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"
)

// Scaling out reads: one writer keeps its data directory (Open) and copies
// it with Publish into a new directory, which any number of replicas serve
// with OpenReadOnly. Replicas take shared locks (bbolt's flock on
// articles.db and on the index's root.bolt), so several processes open one
// published directory at once, and a writer's Open of it is refused while
// they do.

// publishedFile marks a directory Publish made. Open refuses such a
// directory, so that no writer (serve, ingest, reindex) changes what
// replicas serve; removing the file makes it a writer's directory again.
const publishedFile = "PUBLISHED"

// Published is what publishedFile holds.
type Published struct {
	At           time.Time `json:"published_at"`
	From         string    `json:"from"`  // the writer's data directory, absolute
	Seq          uint64    `json:"seq"`   // the store's last write the copy holds
	Index        string    `json:"index"` // the index directory in the copy
	IndexVersion int       `json:"index_version"`
	Articles     int       `json:"articles"`
}

// PublishInfo says what Publish did.
type PublishInfo struct {
	Published
	Dir   string // the new directory, absolute
	Bytes int64  // of its files
	Took  time.Duration
}

// OpenReadOnly opens dir, a data directory that a writer built (Open) and
// left, or a copy Publish made, to serve it as it is: nothing in dir is
// written, and several processes may open it at once. It never rebuilds,
// seeds or catches up: a directory of another IndexVersion, or whose index
// lacks writes its store holds (a writer stopped by a crash), is an error
// saying what to do. A directory a running writer has open is ErrLocked.
// Put, Add, Delete and Reindex answer ErrReadOnly.
func OpenReadOnly(dir string, opts ...Option) (*Index, error) {
	began := time.Now()
	if dir == "" {
		return nil, errors.New("a read-only index needs a data directory: an index in memory is built, not opened")
	}
	path := filepath.Join(dir, storeFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s is not a data directory (%w): build one with a writer, then publish it", dir, err)
	}
	st, err := openStore(path, true)
	if errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("%w: a writer has %s open; serve a copy it published instead", err, dir)
	}
	if err != nil {
		return nil, err
	}
	ix := (&Index{mapping: newMapping(), dir: dir, store: st, readOnly: true}).withOptions(opts)
	fail := func(err error) (*Index, error) {
		if s := ix.cur.Load(); s != nil {
			s.bleve.Close()
		}
		st.close()
		return nil, err
	}
	m, err := st.meta()
	if err != nil {
		return fail(err)
	}
	version, _, _ := strings.Cut(m.stamp, ":")
	rebuild := "open it with a writer of this version (nmnsearch serve, ingest or reindex on the writer's directory rebuilds it), then publish it again"
	switch {
	case m.stamp == "":
		return fail(fmt.Errorf("%s holds no index: a writer never finished building it; %s", dir, rebuild))
	case version != strconv.Itoa(indexVersion):
		return fail(fmt.Errorf("%s was built with IndexVersion %s and this binary reads IndexVersion %d: %s",
			dir, version, indexVersion, rebuild))
	}
	if err := ix.storedTopics(m); err != nil {
		return fail(err)
	}
	reason, _, err := ix.openExisting(m)
	if err == nil && reason != "" {
		err = fmt.Errorf("%s cannot be served read-only: %s; %s", dir, reason, rebuild)
	}
	if err != nil {
		return fail(err)
	}
	ix.stamp = m.stamp
	ix.info.Articles = len(ix.snap().articles)
	ix.info.Took = time.Since(began)
	return ix, nil
}

// ReadOnly reports whether the index was opened with OpenReadOnly.
func (ix *Index) ReadOnly() bool { return ix.readOnly }

// refusePublished answers ErrReadOnly when dir is a copy Publish made.
func refusePublished(dir string) error {
	marker := filepath.Join(dir, publishedFile)
	if _, err := os.Stat(marker); err != nil {
		return nil
	}
	return fmt.Errorf("%w: %s was made by publish, for read-only replicas: write to the writer's data directory "+
		"and publish again (or remove %s to make this one a writer's)", ErrReadOnly, dir, marker)
}

// Publish copies the data directory, as of one write, into dest, a new
// directory, for read-only replicas (OpenReadOnly): the store, the index
// directory in use and a PUBLISHED file. Writes wait while it copies. The
// copy is made under a temporary name beside dest, synced, then renamed,
// so that a replica never opens half of one. dest must not exist: a
// replica may have the directory of the last publish open, so each publish
// goes to a new one, and replicas are restarted on it.
func (ix *Index) Publish(dest string) (PublishInfo, error) {
	began := time.Now()
	if ix.store == nil {
		return PublishInfo{}, errors.New("publish: an index in memory has no data directory to publish")
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	src, err := filepath.Abs(ix.dir)
	if err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	if dest == src || strings.HasPrefix(dest, src+string(filepath.Separator)) {
		return PublishInfo{}, fmt.Errorf("publish: %s is inside the data directory %s", dest, src)
	}
	if _, err := os.Lstat(dest); err == nil {
		return PublishInfo{}, fmt.Errorf("publish: %s exists; publish into a new directory each time (replicas may have this one open)", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	parent := filepath.Dir(dest)
	// Through links too: a destination reached by a link into the data
	// directory is inside it, and the next writer start would delete it.
	// The deepest part of its path that exists tells, before anything is
	// made.
	existing := parent
	for {
		if _, err := os.Stat(existing); err == nil || filepath.Dir(existing) == existing {
			break
		}
		existing = filepath.Dir(existing)
	}
	realExisting, err1 := filepath.EvalSymlinks(existing)
	realSrc, err2 := filepath.EvalSymlinks(src)
	if err := cmp.Or(err1, err2); err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	if realExisting == realSrc || strings.HasPrefix(realExisting, realSrc+string(filepath.Separator)) {
		return PublishInfo{}, fmt.Errorf("publish: %s is inside the data directory %s (through a link)", dest, src)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".publishing-")
	if err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	p, err := ix.copyTo(tmp)
	if err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	p.At, p.From = time.Now().UTC(), src
	marker, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, publishedFile), append(marker, '\n'), 0o644); err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	size, err := syncTree(tmp)
	if err != nil {
		return PublishInfo{}, fmt.Errorf("publish: sync the copy: %w", err)
	}
	// rename(2) onto a directory that appeared meanwhile fails unless it
	// is empty: nobody's files are replaced.
	if err := os.Rename(tmp, dest); err != nil {
		return PublishInfo{}, fmt.Errorf("publish: %w", err)
	}
	done = true
	if err := syncDir(parent); err != nil {
		return PublishInfo{}, fmt.Errorf("publish: sync %s: %w", parent, err)
	}
	return PublishInfo{Published: p, Dir: dest, Bytes: size, Took: time.Since(began)}, nil
}

// copyTo writes the store and the index into dir as of the last write:
// under wmu, so that no write comes between the two copies. The store is
// copied in one read transaction; the index through bleve's online copy of
// its current snapshot (IndexCopyable), persisted segments and those still
// in memory alike, with the internal keys Open checks.
func (ix *Index) copyTo(dir string) (Published, error) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.closed.Load() {
		return Published{}, ErrClosed
	}
	if ix.stale != nil {
		return Published{}, fmt.Errorf("the index is behind the store since a failed batch (%w): restart or reindex, then publish", ix.stale)
	}
	cur := ix.snap()
	var m storeMeta
	err := ix.store.db.View(func(tx *bolt.Tx) error {
		m = readMeta(tx)
		return tx.CopyFile(filepath.Join(dir, storeFile), 0o600)
	})
	if err != nil {
		return Published{}, fmt.Errorf("copy the store: %w", err)
	}
	if m.seq != ix.applied || m.index != ix.indexName {
		return Published{}, fmt.Errorf("the store (write %d, %s) and the index (write %d, %s) disagree",
			m.seq, m.index, ix.applied, ix.indexName)
	}
	c, ok := cur.bleve.(bleve.IndexCopyable)
	if !ok {
		return Published{}, fmt.Errorf("the index (%T) cannot be copied", cur.bleve)
	}
	if err := c.CopyTo(bleve.FileSystemDirectory(filepath.Join(dir, m.index))); err != nil {
		return Published{}, fmt.Errorf("copy the index: %w", err)
	}
	return Published{Seq: m.seq, Index: m.index, IndexVersion: indexVersion, Articles: len(cur.articles)}, nil
}

// syncTree fsyncs every file and directory under dir, and returns the
// bytes of its files.
func syncTree(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return syncDir(path)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			size += fi.Size()
		}
		return f.Sync()
	})
	return size, err
}

// syncDir fsyncs a directory, making the names in it durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
