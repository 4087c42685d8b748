// Command faults repeats, for -minutes, the faults of issue 20 that the
// service must survive, against nmnsearch built once from the working tree
// (.bench/out/faults/nmnsearch), and prints what it found. Three kinds of
// round run in turn on one data directory (a new one, given 60 articles,
// every three cycles and after a failure):
//
//   - kill -9 during writes: two writers PUT articles (ids f-<round>-<n>, each
//     text with a marker word of its own and a version number), one deleter
//     DELETEs some; the process is killed at a random moment (100 ms–2 s)
//     and started again;
//   - damage at start: the server stopped (SIGTERM), one file of its index
//     (a segment or root.bolt) gets 16–4096 bytes flipped, is truncated or
//     deleted, and the server started again (ready within 60 s);
//   - damage while serving: bytes flipped in place in a segment of the
//     running server, then 50 searches (a 500 is a failure, a 503 with
//     Retry-After the answer while it heals) and 10 PUTs (scorch's merger
//     then reads the segment too), ready again within 60 s.
//
// After each round every acknowledged write is checked: GET answers the last
// acknowledged version (404 after an acknowledged DELETE; a write left
// unanswered may have gone either way) and a search for its marker finds
// that version (a deleted one: not at all); after a damage, searches of the
// seeds' words must answer as they did before it. A log that shows a crash,
// or says the disk is full while it has room, is a failure too. Each
// failure is printed as it happens, and the data directory of its round
// kept in .bench/out/faults/failed-<round>/ (notes.txt, the servers' logs,
// data/, and for a damage at start damaged/, the directory as damaged). It
// ends with a table of the failures by kind of round, and exits 1 if there
// was one.
//
// Usage: go run ./.bench/faults [-minutes 2] [-v]
//
// -v prints the server's WARN and ERROR lines. The server runs with its
// admin token (made up here), -rate 0 and -cache-size 0. Outputs in
// .bench/out/faults/ (emptied first): the binary, the working data
// directories, failed-*/.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// cyclesPerDir is how many cycles of the three rounds share one data
// directory: its articles pile up, and every round checks them all.
const cyclesPerDir = 3

func main() {
	minutes := flag.Float64("minutes", 2, "how long to run rounds; the last round started finishes")
	verbose := flag.Bool("v", false, "print the server's WARN and ERROR lines")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r, err := newRun(*verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(2)
	}
	fmt.Printf("faults: %.3g minutes, outputs in %s\n", *minutes, r.out)
	err = r.loop(ctx, time.Now().Add(time.Duration(*minutes*float64(time.Minute))))
	r.close()
	r.tally.print(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(2)
	}
	if r.tally.failures() > 0 {
		os.Exit(1)
	}
}

// run is one run of rounds: the binary, the current data directory and its
// server, and what was found.
type run struct {
	root, out, bin string
	token          string
	rng            *mrand.Rand
	verbose        bool
	tally          *tally

	round int      // the round under way, counted from 1
	dirs  int      // data directories made
	dir   *dataDir // nil between a failure and the next round
}

func newRun(verbose bool) (*run, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	out := filepath.Join(root, ".bench", "out", "faults")
	if err := os.RemoveAll(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	bin := filepath.Join(out, "nmnsearch")
	fmt.Println("--- go build ./cmd/nmnsearch (working tree)")
	build := exec.Command("go", "build", "-o", bin, "./cmd/nmnsearch")
	build.Dir, build.Stdout, build.Stderr = root, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("go build: %w", err)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	return &run{
		root: root, out: out, bin: bin, token: hex.EncodeToString(tok),
		rng: mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64())), verbose: verbose,
		tally: newTally(),
	}, nil
}

// repoRoot is the nearest directory up from here holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("no go.mod above the working directory: run from the repository")
		}
		dir = up
	}
}

// loop runs the kinds of round in turn until deadline. An error is the
// bench's own trouble (a fresh data directory that does not start).
func (r *run) loop(ctx context.Context, deadline time.Time) error {
	for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		k := kind(i % len(kindNames))
		if r.dir != nil && k == killDuringWrites && r.dir.cycles >= cyclesPerDir {
			r.dropDir()
		}
		if r.dir == nil {
			if err := r.freshDir(ctx); err != nil {
				return err
			}
		}
		if k == killDuringWrites {
			r.dir.cycles++
		}
		r.round++
		r.tally.notes = nil
		os.RemoveAll(filepath.Join(r.dir.path, "damaged")) // an older round's
		before := r.tally.failures()
		began := time.Now()
		switch k {
		case killDuringWrites:
			r.killDuringWrites(ctx)
		case damageAtStart:
			r.damageAtStart(ctx)
		case damageWhileServing:
			r.damageWhileServing(ctx)
		}
		r.inspect(k)
		r.tally.rounds[k]++
		found := r.tally.failures() - before
		fmt.Printf("round %d %s: %d articles, %d failures, %.1f s\n",
			r.round, kindNames[k], r.dir.ledger.len(), found, time.Since(began).Seconds())
		if found > 0 {
			r.keepFailed(k)
		}
	}
	return nil
}

// close stops the server and removes the working data directory.
func (r *run) close() {
	if r.dir != nil {
		r.dropDir()
	}
}
