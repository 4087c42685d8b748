package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childArgsEnv holds, as JSON, the arguments of the run that
// TestChildProcess makes: set, the test binary is a child of TestKill9.
const childArgsEnv = "NMNSEARCH_TEST_CHILD_ARGS"

// TestChildProcess is no test of its own: TestKill9 runs the test binary
// again as a child that is the whole program, as main runs it.
func TestChildProcess(t *testing.T) {
	raw := os.Getenv(childArgsEnv)
	if raw == "" {
		t.Skip("the child process of TestKill9")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	holdChild(os.Getenv(childHoldEnv))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nmnsearch:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// child is the program running in another process.
type child struct {
	cmd    *exec.Cmd
	base   string
	stdout *syncBuffer
	done   chan error
}

// startChild starts the program in a child process serving data, with the
// admin token, and waits until it is ready.
func startChild(t *testing.T, data string) *child {
	t.Helper()
	args, _ := json.Marshal([]string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data})
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args), "NMNSEARCH_ADMIN_TOKEN="+adminTestToken)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdout: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = c.stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		// Read on after the listening line, so that the child never
		// blocks on a full pipe.
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fmt.Fprintln(c.stdout, sc.Text())
		}
		io.Copy(io.Discard, out)
		close(copied)
	}()
	go func() {
		<-copied
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
	})
	deadline := time.Now().Add(startTimeout)
	for {
		if m := listeningRE.FindStringSubmatch(c.stdout.String()); m != nil {
			c.base = "http://" + m[1]
			break
		}
		select {
		case err := <-c.done:
			t.Fatalf("the child exited before listening: %v\n%s", err, c.stdout)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child never listened:\n%s", c.stdout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitReady(t, c.base)
	return c
}

// A PUT answered 2xx survives kill -9 right after it: three times a child
// process is killed the moment its PUT is acknowledged, and the next one,
// on the same directory, finds every article acknowledged so far without
// rebuilding. A last one is stopped with SIGTERM: it closes the index, and
// the start after it has nothing to re-apply.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	data := filepath.Join(t.TempDir(), "data")
	c := startChild(t, data)
	// acked[i] is the word of the version of article i last acknowledged.
	var acked []string
	var reapplied []int
	for round := range 3 {
		// A new article, then at once a new version of the one before,
		// whose words all change: the kill comes right after the second
		// 2xx, while the index may still be writing the first.
		id := fmt.Sprintf("900-kill-%d", round)
		word := "killmark" + strings.Repeat(string(rune('a'+round)), 3)
		if status, body := putArticle(t, c.base, id, "Kill test "+id, "The "+word+" paragraph, acknowledged and then killed."); status != http.StatusCreated {
			t.Fatalf("round %d: PUT %s: %d %s", round, id, status, body)
		}
		acked = append(acked, word)
		if round > 0 {
			prev := fmt.Sprintf("900-kill-%d", round-1)
			word := "killnew" + strings.Repeat(string(rune('a'+round)), 3)
			if status, body := putArticle(t, c.base, prev, "Kill test "+prev+" again", "The "+word+" paragraph replaces the one before."); status != http.StatusOK {
				t.Fatalf("round %d: PUT %s again: %d %s", round, prev, status, body)
			}
			acked[round-1] = word
		}
		// At once: no clean shutdown, nothing flushed.
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := <-c.done
		c.done <- err
		if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: the child ended with %v, not by SIGKILL", round, err)
		}

		c = startChild(t, data)
		info := openedLine(t, c.stdout.String())
		if info.rebuilt || info.articles != 3+round+1 {
			t.Errorf("round %d: restart %+v; want opened with %d articles", round, info, 3+round+1)
		}
		reapplied = append(reapplied, info.reapplied)
		for i, w := range acked {
			if hits := hitIDs(t, c.base, w); len(hits) != 1 || hits[0] != fmt.Sprintf("900-kill-%d-2", i) {
				t.Errorf("round %d: %s (the last version of 900-kill-%d acknowledged) after kill -9: %v", round, w, i, hits)
			}
		}
		if round > 0 {
			old := "killmark" + strings.Repeat(string(rune('a'+round-1)), 3)
			if hits := hitIDs(t, c.base, `"`+old+`"`); len(hits) != 0 {
				t.Errorf("round %d: %s, replaced before the kill, is found: %v", round, old, hits)
			}
		}
	}
	t.Logf("kill -9: 3 rounds; writes re-applied from the store at each restart: %v", reapplied)

	// SIGTERM: drained, the index closed and persisted.
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-c.done; err != nil {
		t.Fatalf("the child after SIGTERM: %v\n%s", err, c.stdout)
	}
	c.done <- nil
	for _, want := range []string{`msg="shutting down"`, `msg="index closed"`, "msg=stopped"} {
		if !strings.Contains(c.stdout.String(), want) {
			t.Errorf("the child's log lacks %s:\n%s", want, c.stdout)
		}
	}
	c = startChild(t, data)
	if info := openedLine(t, c.stdout.String()); info.rebuilt || info.reapplied != 0 || info.articles != 6 {
		t.Errorf("after a clean stop: %+v; want opened, nothing re-applied, 6 articles", info)
	}
}
