package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// readyWithin bounds every wait for /readyz: a start (a rebuild of a few
// hundred small articles takes seconds) and a heal while serving.
// stopWithin is the server's own shutdown limit and a margin.
const (
	readyWithin = 60 * time.Second
	stopWithin  = 35 * time.Second
)

// dataDir is a data directory the rounds work on, with what was
// acknowledged in it and the servers started on it.
type dataDir struct {
	path    string // holds data/, the servers' logs and damaged/
	data    string
	ledger  *ledger
	cycles  int
	srv     *server   // the running one, nil when stopped
	servers []*server // every one started, for their logs
}

// server is one nmnsearch process.
type server struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	log     string
	scanned int64         // bytes of log already looked at
	done    chan struct{} // closed once it has exited
	ended   bool          // we killed or stopped it
	told    bool          // its dying on its own was reported
	// lastHeal is when its log last said the index was rebuilt after
	// damage while serving.
	lastHeal time.Time
}

func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *server) status() string {
	if s.cmd.ProcessState == nil {
		return "running"
	}
	return s.cmd.ProcessState.String()
}

// freePort is a port nothing listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// spawn starts nmnsearch on the current data directory.
func (r *run) spawn() (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	d := r.dir
	logPath := filepath.Join(d.path, fmt.Sprintf("server-%02d.log", len(d.servers)+1))
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(r.bin, "-addr", addr, "-data", d.data, "-rate", "0", "-cache-size", "0")
	cmd.Env = append(ownEnv(), "NMNSEARCH_ADMIN_TOKEN="+r.token)
	cmd.Stdout, cmd.Stderr = f, f
	// a bench that dies (a panic, kill -9) takes its server with it
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logPath, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		f.Close()
		close(s.done)
	}()
	d.srv = s
	d.servers = append(d.servers, s)
	return s, nil
}

// ownEnv is the environment less NMNSEARCH_*, which would change the
// server's settings behind the flags given.
func ownEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NMNSEARCH_") {
			env = append(env, kv)
		}
	}
	return env
}

type readiness int

const (
	ready readiness = iota
	exited
	timedOut
)

// waitReady polls /readyz until it answers 200, the process exits, or
// readyWithin passes.
func (r *run) waitReady(ctx context.Context, s *server) readiness {
	deadline := time.Now().Add(readyWithin)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if s.exited() {
			return exited
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/readyz", nil)
		if resp, err := probeClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return ready
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if s.exited() {
		return exited
	}
	return timedOut
}

var probeClient = &http.Client{Timeout: 2 * time.Second}

// startAndWait starts the server for a round and waits until it is ready,
// reporting a start that failed.
func (r *run) startAndWait(ctx context.Context, k kind) bool {
	s, err := r.spawn()
	if err != nil {
		r.fail(k, noStart, "", "exec: %v", err)
		return false
	}
	switch r.waitReady(ctx, s) {
	case exited:
		s.told = true
		r.fail(k, noStart, "", "exited before ready (%s); its log says:\n%s", s.status(), crashOrTail(s.log))
		return false
	case timedOut:
		r.fail(k, notReady, "", "no /readyz 200 within %s of the start; SIGQUIT: its goroutines are in %s",
			readyWithin, filepath.Base(s.log))
		s.dump()
		return false
	}
	return ctx.Err() == nil
}

// kill sends SIGKILL and waits for the process to go.
func (s *server) kill() {
	s.ended = true
	s.cmd.Process.Kill()
	<-s.done
}

// stop sends SIGTERM and waits stopWithin, then dumps its goroutines; it
// reports whether the process ended in time.
func (s *server) stop() bool {
	s.ended = true
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return true
	case <-time.After(stopWithin):
		s.dump()
		return false
	}
}

// dump ends a process that hangs with SIGQUIT, which makes Go write every
// goroutine's stack to its log; SIGKILL if it is not gone 5 s later.
func (s *server) dump() {
	s.ended, s.told = true, true
	s.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.kill()
	}
}

// stopServer stops the round's server, reporting a slow stop.
func (r *run) stopServer(k kind) {
	s := r.dir.srv
	if s == nil {
		return
	}
	r.dir.srv = nil
	if !s.stop() {
		r.fail(k, slowStop, "", "SIGTERM did not end it within %s; SIGQUIT: its goroutines are in %s", stopWithin, filepath.Base(s.log))
	}
}

// inspect reads what the round's servers logged since the last look: a
// crash's trace (panic:, fatal error:, goroutine N [...]) is a failure, and
// so is a disk said full that has room (scorch failed to merge a damaged
// segment); a rebuild or heal of the index is counted; WARN and ERROR lines
// are printed with -v. A running server that exited on its own crashed.
func (r *run) inspect(k kind) {
	rebuilt, diskFull := false, ""
	for _, s := range r.dir.servers {
		lines := s.newLines()
		trace := -1
		for i, ln := range lines {
			if diskFull == "" && strings.Contains(ln, "cannot write to disk") {
				diskFull = filepath.Base(s.log) + ": " + ln
			}
			if trace < 0 && (strings.HasPrefix(ln, "panic:") || strings.HasPrefix(ln, "fatal error:") ||
				strings.HasPrefix(ln, "goroutine ")) {
				trace = i
			}
			if (strings.Contains(ln, `msg="index opened"`) && strings.Contains(ln, "rebuilt=true")) ||
				strings.Contains(ln, "index damaged") {
				rebuilt = true
			}
			if strings.Contains(ln, "index rebuilt after damage") {
				s.lastHeal = logTime(ln)
			}
			if r.verbose && (strings.Contains(ln, "level=WARN") || strings.Contains(ln, "level=ERROR")) {
				fmt.Printf("  %s: %s\n", filepath.Base(s.log), clip(ln, 400))
			}
		}
		if trace >= 0 && !s.told {
			s.told = true
			end := min(trace+12, len(lines))
			r.fail(k, crash, "", "%s (%s) logged a crash:\n%s", filepath.Base(s.log), s.status(),
				strings.Join(lines[trace:end], "\n"))
		}
	}
	if diskFull != "" && hasRoom(r.dir.data) {
		r.fail(k, falseDiskFull, "", "the log says the disk is full, which has room:\n    %s", clip(diskFull, 600))
	}
	if s := r.dir.srv; s != nil && s.exited() && !s.ended && !s.told {
		s.told = true
		r.fail(k, crash, "", "the server exited on its own (%s); its log ends:\n%s", s.status(), tail(s.log, 12))
	}
	if s := r.dir.srv; s != nil && s.exited() {
		r.dir.srv = nil
	}
	if rebuilt {
		r.tally.add(&r.tally.rebuilt, k, 1)
	}
}

// logTime is the time= of a log line, the zero time if none.
func logTime(ln string) time.Time {
	f, _, _ := strings.Cut(strings.TrimPrefix(ln, "time="), " ")
	t, _ := time.Parse(time.RFC3339Nano, f)
	return t
}

// hasRoom reports whether dir's file system has 256 MiB free.
func hasRoom(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Bavail*uint64(st.Bsize) > 256<<20
}

// newLines returns the lines of the log written since the last call.
func (s *server) newLines() []string {
	f, err := os.Open(s.log)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(s.scanned, io.SeekStart); err != nil {
		return nil
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		s.scanned += int64(len(sc.Bytes())) + 1
		lines = append(lines, sc.Text())
	}
	return lines
}

// crashOrTail is the head of the crash a log shows (its panic or fatal
// error and the frames below), else its last lines.
func crashOrTail(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(string(b), "\n")
	for i, ln := range lines {
		if strings.HasPrefix(ln, "panic:") || strings.HasPrefix(ln, "fatal error:") {
			from := max(i-1, 0)
			return "    " + strings.Join(lines[from:min(from+16, len(lines))], "\n    ")
		}
	}
	return tail(path, 12)
}

// tail is the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for i := range lines {
		lines[i] = "    " + clip(lines[i], 400)
	}
	return strings.Join(lines, "\n")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// noAnswer reports a request that got no answer: a crash when the process
// is gone, else a bad answer.
func (r *run) noAnswer(k kind, id string, err error) {
	if s := r.dir.srv; s != nil && s.exited() && !s.ended {
		if !s.told {
			s.told = true
			r.fail(k, crash, id, "the server exited on its own (%s); its log ends:\n%s", s.status(), tail(s.log, 12))
		}
		return
	}
	r.fail(k, badAnswer, id, "no answer: %v", err)
}
