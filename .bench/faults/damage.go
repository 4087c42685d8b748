package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// currentIndex is the data directory's index-N of the highest N: the one
// the store names, the others being left over from a rebuild.
func currentIndex(data string) (string, error) {
	dirs, _ := filepath.Glob(filepath.Join(data, "index-*"))
	best, bestN := "", -1
	for _, d := range dirs {
		if n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "index-")); err == nil && n > bestN {
			best, bestN = d, n
		}
	}
	if best == "" {
		return "", fmt.Errorf("no index-N in %s", data)
	}
	return best, nil
}

// indexFiles lists the segments of the current index, and its root.bolt
// when withRoot.
func indexFiles(data string, withRoot bool) ([]string, error) {
	ix, err := currentIndex(data)
	if err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(ix, "store", "*.zap"))
	if withRoot {
		files = append(files, filepath.Join(ix, "store", "root.bolt"))
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no segment in %s", ix)
	}
	return files, nil
}

// flip XORs 16–4096 bytes of path, at a random offset, with random
// non-zero bytes, in place (a file scorch has mapped keeps its size).
func flip(path string, rng *mrand.Rand) (string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	size := fi.Size()
	if size == 0 {
		return "", fmt.Errorf("%s is empty", path)
	}
	n := min(int64(16+rng.IntN(4096-16+1)), size)
	off := rng.Int64N(size - n + 1)
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, off); err != nil {
		return "", err
	}
	for i := range buf {
		buf[i] ^= byte(1 + rng.IntN(255))
	}
	if _, err := f.WriteAt(buf, off); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d bytes flipped at %d of %d", n, off, size), nil
}

// damageAtStart stops the server, flips bytes of, truncates or deletes one
// file of its index, starts it again and checks every article.
func (r *run) damageAtStart(ctx context.Context) {
	k := damageAtStart
	before := r.answers(ctx, allQueries)
	r.stopServer(k)
	files, err := indexFiles(r.dir.data, true)
	if err != nil {
		r.note("nothing to damage: %v", err)
	} else {
		file := files[r.rng.IntN(len(files))]
		what, err := r.damageFile(file)
		if err != nil {
			r.note("damaging %s failed: %v", file, err)
		}
		rel, _ := filepath.Rel(r.dir.data, file)
		r.note("damage at start: %s: %s", rel, what)
		if err := copyDir(r.dir.data, filepath.Join(r.dir.path, "damaged")); err != nil {
			r.note("copying the damaged directory failed: %v", err)
		}
	}
	if !r.startAndWait(ctx, k) {
		return
	}
	r.checkAll(ctx, k)
	r.sameAnswers(ctx, k, before)
}

// damageFile flips bytes of file six times in ten, truncates it two in
// ten, deletes it the rest.
func (r *run) damageFile(file string) (string, error) {
	switch c := r.rng.IntN(10); {
	case c < 6:
		return flip(file, r.rng)
	case c < 8:
		fi, err := os.Stat(file)
		if err != nil {
			return "", err
		}
		to := r.rng.Int64N(max(fi.Size(), 1))
		return fmt.Sprintf("truncated from %d to %d bytes", fi.Size(), to), os.Truncate(file, to)
	default:
		return "deleted", os.Remove(file)
	}
}

// A damage while serving is followed by searchesWhileHealing searches,
// then writesAfterDamage new articles and mergeWait for the merger.
const (
	searchesWhileHealing = 50
	writesAfterDamage    = 10
	mergeWait            = 1500 * time.Millisecond
)

// seedQueries search the seeds' words or filter alone; benchQueries the
// words of every article the bench writes. Together they read every
// segment.
var (
	seedQueries = []string{
		"q=メラトニン", "q=NAD%2B", "q=睡眠", "q=sleep", "q=insulin", "q=糖尿病", "q=うつ", "q=depression",
		"q=melatonin", "q=%22sleep+quality%22", "q=NMN", "q=血糖値", "q=cortisol", "q=サプリメント",
		"q=NAD%2B&topic=sleep&lang=en&size=3", "topic=depression&lang=ja", "topic=sleep&size=50",
	}
	benchQueries = []string{"q=version&size=50", "q=marker&size=50&page=2", "q=article+text", "q=fault", "q=%22marker+word%22"}
	allQueries   = append(slices.Clone(seedQueries), benchQueries...)
)

// damageWhileServing flips bytes of one segment of the running server, runs
// searches (each a 200, or a 503 with Retry-After while it heals) and a few
// writes, waits until it is ready again and checks every article and that
// the searches answer as before.
func (r *run) damageWhileServing(ctx context.Context) {
	k := damageWhileServing
	if r.dir.srv == nil && !r.startAndWait(ctx, k) {
		return
	}
	s := r.dir.srv
	before := r.answers(ctx, seedQueries) // the writes below change the others'
	if ago := time.Since(s.lastHeal); ago < time.Minute {
		r.note("this server's last heal was %.1f s ago", ago.Seconds())
	}
	files, err := indexFiles(r.dir.data, false)
	if err != nil {
		r.note("nothing to damage: %v", err)
	} else {
		file := files[r.rng.IntN(len(files))]
		what, err := flip(file, r.rng)
		if err != nil {
			r.note("damaging %s failed: %v", file, err)
		}
		rel, _ := filepath.Rel(r.dir.data, file)
		r.note("damage while serving: %s: %s", rel, what)
	}
	markers := r.dir.ledger.ids(true)
	unavailable := 0
	for range searchesWhileHealing {
		q := allQueries[r.rng.IntN(len(allQueries))]
		if len(markers) > 0 && r.rng.IntN(3) == 0 {
			q = "q=" + url.QueryEscape(r.dir.ledger.get(markers[r.rng.IntN(len(markers))]).marker)
		}
		a, err := r.do(ctx, s, http.MethodGet, "/api/search?"+q, nil)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				r.noAnswer(k, "", fmt.Errorf("search %s: %w", q, err))
			}
			return
		case a.status == http.StatusOK:
		case a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "":
			unavailable++
		default:
			r.fail(k, badAnswer, "", "search %s: %s", q, a)
		}
	}
	r.tally.add(&r.tally.unavailable, k, unavailable)
	// Writes make segments, and scorch's merger reads the damaged one.
	for n := 1; n <= writesAfterDamage; n++ {
		r.write(ctx, k, s, fmt.Sprintf("f-%d-%d", r.round, n), true)
	}
	time.Sleep(mergeWait)
	switch r.waitReady(ctx, s) {
	case exited:
		r.noAnswer(k, "", fmt.Errorf("the process exited after the damage"))
		return
	case timedOut:
		r.fail(k, notReady, "", "no /readyz 200 within %s of the searches; SIGQUIT: its goroutines are in %s",
			readyWithin, filepath.Base(s.log))
		s.dump()
		return
	}
	if unavailable > 0 {
		r.note("%d of %d searches answered 503 while it healed", unavailable, searchesWhileHealing)
	}
	r.checkAll(ctx, k)
	r.sameAnswers(ctx, k, before)
}
