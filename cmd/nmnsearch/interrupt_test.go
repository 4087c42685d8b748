package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"nmnsearch/index"
	"nmnsearch/seeds"
)

// childHoldEnv names, for TestChildProcess, the phase of ingest at which
// the child holds, once it has printed heldLine and the phase: "reading"
// (for good, as a slow disk would) or "writing" (the second write starts
// once the child is signalled).
const childHoldEnv = "NMNSEARCH_TEST_CHILD_HOLD"

// heldLine starts the line a held child prints.
const heldLine = "test: held while "

// stopTimeout bounds how long an interrupted ingest may take to exit: past
// it, it hangs.
const stopTimeout = 30 * time.Second

// holdChild installs the hook that holds a child at phase.
func holdChild(phase string) {
	switch phase {
	case "reading":
		testHookReading = func() {
			fmt.Println(heldLine + phase)
			select {} // as a read that never ends
		}
	case "writing":
		testHookWriting = func(ctx context.Context, written int) {
			if written == ingestBatch {
				fmt.Println(heldLine + phase)
				<-ctx.Done() // the signal lands as the write starts
			}
		}
	}
}

// ingestChild is "nmnsearch ingest" running in a child process, the test
// binary as TestChildProcess.
type ingestChild struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{}
}

func startIngest(t *testing.T, hold string, env []string, args ...string) *ingestChild {
	t.Helper()
	all, _ := json.Marshal(append([]string{"nmnsearch", "ingest"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(all), childHoldEnv+"="+hold)
	cmd.Env = append(cmd.Env, env...)
	c := &ingestChild{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
	})
	return c
}

// waitStdout waits until the child has printed want.
func (c *ingestChild) waitStdout(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for !strings.Contains(c.stdout.String(), want) {
		select {
		case <-c.done:
			t.Fatalf("the child exited before printing %q:\n%s%s", want, c.stdout, c.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child never printed %q:\n%s%s", want, c.stdout, c.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop signals the child and checks that it exits with status 1 and the
// one line "nmnsearch: ingest: interrupted (SIGNAL signal received): done"
// on stderr: no hang, no Go stack.
func (c *ingestChild) stop(t *testing.T, sig syscall.Signal, done string) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done:
	case <-time.After(stopTimeout):
		t.Fatalf("still running %v after %v:\n%s%s", sig, stopTimeout, c.stdout, c.stderr)
	}
	names := map[syscall.Signal]string{syscall.SIGINT: "interrupt", syscall.SIGTERM: "terminated"}
	want := fmt.Sprintf("nmnsearch: ingest: interrupted (%s signal received): %s\n", names[sig], done)
	if code := c.cmd.ProcessState.ExitCode(); code != 1 || c.stderr.String() != want {
		t.Errorf("after %v: exit status %d, stderr:\n%s\nwant 1 and:\n%s\nstdout:\n%s", sig, code, c.stderr, want, c.stdout)
	}
}

// A signal while ingest reads its files stops it there: the data directory
// is not even made.
func TestIngestInterruptedReading(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	data := filepath.Join(t.TempDir(), "data")
	files := writeArticles(t, map[string]string{"200_a.txt": ingestA, "201_b.txt": ingestB})
	c := startIngest(t, "reading", nil, "-data", data, files)
	c.waitStdout(t, heldLine+"reading")
	c.stop(t, syscall.SIGINT, "nothing written")
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the data directory after an ingest interrupted while reading: %v, want none", err)
	}
}

// A signal while ingest fetches a page that never ends stops it there: no
// other page is asked for, none is reported failed, nothing is written.
func TestIngestInterruptedFetching(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	asked := make(chan string, 2)
	release := make(chan struct{})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.URL.Path
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body><p>The first words of a page that never ends")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done(): // the child is gone
		case <-release:
		}
	}))
	defer site.Close()
	defer close(release) // before Close, which waits for the handler
	data := filepath.Join(t.TempDir(), "data")
	files := writeArticles(t, map[string]string{"200_a.txt": ingestA})
	c := startIngest(t, "", nil, "-data", data, files, site.URL+"/slow", site.URL+"/next")
	if got := within(t, asked, startTimeout, "the page's request"); got != "/slow" {
		t.Fatalf("asked for %s first, want /slow", got)
	}
	c.stop(t, syscall.SIGTERM, "nothing written")
	if strings.Contains(c.stdout.String(), "failed") {
		t.Errorf("a page cut off by the signal is reported failed:\n%s", c.stdout)
	}
	select {
	case got := <-asked:
		t.Errorf("asked for %s after the signal", got)
	default:
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the data directory after an ingest interrupted while fetching: %v, want none", err)
	}
}

// A signal as a write into the data directory starts lets that write end,
// whole, and stops before the next: what the command says it wrote is in
// the directory, each article whole, and the directory opens cleanly.
func TestIngestInterruptedWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	data := t.TempDir()
	n := 2*ingestBatch + 1
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("300_n%03d.txt", i)] = fmt.Sprintf("Batch note %d\n\nThe batchword%d paragraph.\n\nAnother paragraph of note %d.\n", i, i, i)
	}
	c := startIngest(t, "writing", nil, "-data", data, writeArticles(t, files))
	c.waitStdout(t, heldLine+"writing")
	last := fmt.Sprintf("300-n%03d", 2*ingestBatch-1)
	c.stop(t, syscall.SIGINT, fmt.Sprintf("%d of %d articles written (300-n000 … %s); ingest them again to write the rest", 2*ingestBatch, n, last))
	if got := strings.Count(c.stdout.String(), "\ncreated 300-n"); got != 2*ingestBatch {
		t.Errorf("%d articles reported created, want %d:\n%.1000s", got, 2*ingestBatch, c.stdout)
	}

	ix, err := index.Open(data, seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if info := ix.OpenInfo(); info.Rebuilt || info.Reapplied != 0 {
		t.Errorf("opening the directory after the interrupted ingest: %+v; want opened, nothing re-applied", info)
	}
	stored := 0
	for _, a := range ix.Articles() {
		if !strings.HasPrefix(a.ID, "300-n") {
			continue
		}
		stored++
		if len(a.Paragraphs) != 3 || !strings.Contains(a.Paragraphs[1].Text, "batchword") {
			t.Errorf("%s stored with %d paragraphs %+v, want its 3", a.ID, len(a.Paragraphs), a.Paragraphs)
		}
	}
	if _, ok := ix.Article(last); stored != 2*ingestBatch || !ok {
		t.Errorf("%d articles stored (%s: %v), want the %d reported", stored, last, ok, 2*ingestBatch)
	}
}

// A signal while ingest goes through a running server stops it: while it
// waits to retry a PUT the server refused, and while a PUT is in flight,
// which it names, as the server may have it.
func TestIngestInterruptedThroughServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	data := t.TempDir()
	files := writeArticles(t, map[string]string{"200_a.txt": ingestA, "201_b.txt": ingestB, "202_c.txt": "Capybara notes\n\nThe capybarafur paragraph.\n"})
	p := startProc(t, []string{"nmnsearch", "-addr", "127.0.0.1:0", "-data", data},
		map[string]string{"NMNSEARCH_ADMIN_TOKEN": adminTestToken})
	waitReady(t, p.base)
	target, err := url.Parse(p.base)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)

	for _, tc := range []struct {
		name  string
		retry bool // else the PUT is held, never forwarded
		want  string
	}{
		{"waiting to retry", true, "1 of 3 articles written (200-a); ingest them again to write the rest"},
		{"PUT in flight", false, "1 of 3 articles written (200-a), and 201-b was being sent (the server has it whole or not at all); ingest them again to write the rest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The proxy in front of the server passes all but 201-b's PUT.
			held, release := make(chan struct{}, 1), make(chan struct{})
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPut || r.URL.Path != "/api/articles/201-b" {
					forward.ServeHTTP(w, r)
					return
				}
				io.Copy(io.Discard, r.Body) // the request whole: its context ends when the child is gone
				held <- struct{}{}
				if tc.retry {
					w.Header().Set("Retry-After", "10")
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			defer proxy.Close()
			defer close(release) // before Close, which waits for the handler
			for _, id := range []string{"200-a", "201-b", "202-c"} {
				httpDo(t, "DELETE", p.base+"/api/articles/"+id, "", "Authorization", "Bearer "+adminTestToken)
			}

			c := startIngest(t, "", []string{"NMNSEARCH_ADMIN_TOKEN=" + adminTestToken}, "-data", data, "-addr", proxy.URL, files)
			within(t, held, startTimeout, "201-b's PUT")
			if tc.retry {
				c.waitStdout(t, "answered PUT /api/articles/201-b with 503: trying again in 10s")
			}
			c.stop(t, syscall.SIGINT, tc.want)
			for id, want := range map[string]int{"200-a": http.StatusOK, "201-b": http.StatusNotFound, "202-c": http.StatusNotFound} {
				if status, body := httpDo(t, "GET", p.base+"/api/articles/"+id, ""); status != want {
					t.Errorf("GET %s from the server after the interrupted ingest: %d %.200s, want %d", id, status, body, want)
				}
			}
			if hits := hitIDs(t, p.base, "quetzalfeather"); len(hits) != 1 {
				t.Errorf("quetzalfeather, in 200-a, after the interrupted ingest: %v, want 1 hit", hits)
			}
		})
	}
}
