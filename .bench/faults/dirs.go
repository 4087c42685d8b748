package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// freshDir makes a new data directory, starts the server on it (the
// seeds) and populates it. Its failing is the bench's trouble, not a
// round's.
func (r *run) freshDir(ctx context.Context) error {
	r.dirs++
	path := filepath.Join(r.out, fmt.Sprintf("dir-%d", r.dirs))
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	r.dir = &dataDir{path: path, data: filepath.Join(path, "data"), ledger: newLedger()}
	s, err := r.spawn()
	if err != nil {
		return err
	}
	if got := r.waitReady(ctx, s); got != ready {
		return fmt.Errorf("a fresh data directory did not start (%s); its log ends:\n%s", s.status(), tail(s.log, 20))
	}
	if err := r.populate(ctx); err != nil {
		return err
	}
	s.newLines() // its first start is no round's
	return nil
}

// dropDir stops the server and removes the data directory.
func (r *run) dropDir() {
	if s := r.dir.srv; s != nil {
		if !s.stop() {
			fmt.Printf("  %s: SIGTERM did not end it within %s\n", filepath.Base(s.log), stopWithin)
		}
	}
	os.RemoveAll(r.dir.path)
	r.dir = nil
}

// copyDir copies the regular files under src to dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, to)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
