package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"nmnsearch/index"
	"nmnsearch/seeds"
	"nmnsearch/server"
)

// Limits of the client that ingest and reindex use to reach a running
// server.
const (
	// clientTimeout bounds one request to the server: longer than the
	// server gives an admin write's answer to go out, so that the server,
	// not the client, is the one to give up.
	clientTimeout = server.AdminWriteTimeout + time.Minute
	// infoTimeout bounds the question which data directory a server has.
	infoTimeout = 30 * time.Second
	// maxRetries is how many times a request answered 429 or 503 is made
	// again, after the Retry-After the server gave (the admin API's rate
	// limit lets an ingest of a few files through at once, then one every
	// 200 ms; a server opening its index says 1 s).
	maxRetries = 10
	// maxRetryAfter caps the wait a server may ask for.
	maxRetryAfter = 10 * time.Second
)

// offlineFlags are the flags of ingest and reindex.
type offlineFlags struct {
	data, addr, tokenFile, topics *string
}

func newOfflineFlags(fs *flag.FlagSet, env *envDefaults) offlineFlags {
	return offlineFlags{
		data: dataFlag(fs, env),
		addr: fs.String("addr", env.str("NMNSEARCH_ADDR", defaultAddr),
			"the running server to go through when it has the data directory open: host:port or a URL (env NMNSEARCH_ADDR)"),
		tokenFile: tokenFileFlag(fs, env),
		topics:    topicsFlag(fs, env),
	}
}

// parseCommand parses the flags of a command: ok is false when the command
// is to stop, with err, or with nil after -h printed the usage.
func parseCommand(fs *flag.FlagSet, env *envDefaults, args []string) (ok bool, err error) {
	if env.err != nil {
		return false, env.err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// runIngest is "nmnsearch ingest FILE|DIR...": every file is parsed first,
// and a file that does not parse stops the command before anything is
// written. With the data directory free, the articles are stored in one
// write; when a running server has it open (index.ErrLocked), they are PUT
// to that server's admin API one by one instead.
func runIngest(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name+" ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s ingest [flags] FILE|DIR|URL...\n\n"+
			"Adds or replaces the articles of FILEs, of the *.txt, *.html and *.htm files at the top of DIRs,\n"+
			"and of the web pages at http(s) URLs. A .txt file is in the seeds' format; an .html file or a URL\n"+
			"is a web page, its article found in it. An article's id is its file name (001_abc.txt is 001-abc)\n"+
			"or its URL's host and path. A file that does not parse stops ingest before anything is written;\n"+
			"a URL that fails is reported and skipped. SIGINT or SIGTERM stops it between writes, each\n"+
			"article written whole or not at all, and it says which were written.\n\n", name)
		fs.PrintDefaults()
	}
	env := &envDefaults{getenv: getenv}
	f := newOfflineFlags(fs, env)
	showDropped := fs.Bool("dropped", false, "list each article's lines left out as its site's furniture, with the reason")
	if ok, err := parseCommand(fs, env, args); !ok {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("ingest: name the article files, directories or URLs")
	}
	if *f.data == "" {
		return errors.New(`ingest: -data is "": an index in memory lives only in its server; name the data directory`)
	}
	var paths, urls []string
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") {
			return fmt.Errorf("ingest: %s after the files: flags go before them (ingest -data DIR FILE…)", a)
		}
		if strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") {
			urls = append(urls, a)
		} else {
			paths = append(paths, a)
		}
	}
	var arts []index.Article
	if len(paths) > 0 {
		var err error
		arts, err = readArticles(ctx, paths)
		if ctx.Err() != nil {
			return interrupted(ctx, "nothing written")
		}
		if err != nil {
			return fmt.Errorf("ingest: nothing written: %w", err)
		}
	}
	fetched, failed := fetchArticles(ctx, urls, stdout)
	if ctx.Err() != nil {
		return interrupted(ctx, "nothing written")
	}
	arts = append(arts, fetched...)
	if len(arts) == 0 {
		return fmt.Errorf("ingest: nothing written: every URL failed (%d)", failed)
	}
	report := ingestReport{stdout: stdout, dropped: *showDropped}

	topics, err := loadTopics(*f.topics)
	if err != nil {
		return err
	}
	began := time.Now()
	ix, c, err := openOrAsk(ctx, getenv, f, cmdIngest, topics)
	switch {
	case errors.As(err, new(notServing)) && ctx.Err() != nil:
		return interrupted(ctx, "nothing written")
	case errors.As(err, new(notServing)):
		return fmt.Errorf("ingest: nothing written: %w", err)
	case err != nil:
		return err
	case c != nil:
		c.out = stdout
		fmt.Fprintf(stdout, "%s is open in a running server: sending the articles to %s\n", dataLabel(*f.data), c.base)
		if err := c.ingest(ctx, arts, report); err != nil {
			return err
		}
		return urlsFailed(failed, len(urls))
	}
	defer ix.Close() // on the early returns: what was written is kept
	printOpenInfo(stdout, *f.data, ix.OpenInfo())
	created := map[string]bool{}
	for _, a := range arts {
		_, had := ix.Article(a.ID)
		created[a.ID] = !had
	}
	// In writes of ingestBatch articles: one write of 100,000 paragraphs
	// held all their analysis at once (3 GB resident). A signal stops
	// between writes (Open and a write do not look at ctx): each is whole.
	for i := 0; i < len(arts); i += ingestBatch {
		if ctx.Err() != nil {
			return interrupted(ctx, written(arts, i, ""))
		}
		batch := arts[i:min(i+ingestBatch, len(arts))]
		if testHookWriting != nil {
			testHookWriting(ctx, i)
		}
		if err := ix.Add(batch...); err != nil {
			if i == 0 {
				return fmt.Errorf("ingest: nothing written: %w", err)
			}
			return fmt.Errorf("ingest: %d of %d articles written (%s … %s), then: %w", i, len(arts), arts[0].ID, arts[i-1].ID, err)
		}
		// Reported as written, so that an interrupted ingest has listed
		// what it wrote.
		for _, a := range batch {
			stored, _ := ix.Article(a.ID)
			report.article(verb(created[a.ID]), stored.ID, stored.Title, len(stored.Paragraphs), len(stored.Dropped), stored.Dropped)
		}
	}
	merged := time.Now()
	before, after, err := ix.Compact(ctx)
	if err != nil && ctx.Err() != nil {
		return interrupted(ctx, fmt.Sprintf("all %d articles written; the index's segments left for the server to merge", len(arts)))
	}
	if err != nil {
		return fmt.Errorf("ingest: all %d articles written; merging the index's segments: %w", len(arts), err)
	}
	if before != after {
		fmt.Fprintf(stdout, "merged the index's %d segments into %d in %d ms\n", before, after, time.Since(merged).Milliseconds())
	}
	if err := ix.Close(); err != nil {
		return fmt.Errorf("ingest: close the index: %w", err)
	}
	fmt.Fprintf(stdout, "ingested %s into %s in %d ms\n", count(len(arts), "article"), dataLabel(*f.data), time.Since(began).Milliseconds())
	return urlsFailed(failed, len(urls))
}

// ingestReport writes ingest's line per article, and with -dropped the
// lines left out of it.
type ingestReport struct {
	stdout  io.Writer
	dropped bool
}

func (r ingestReport) article(verb, id, title string, paragraphs, droppedLines int, dropped []index.Dropped) {
	fmt.Fprintf(r.stdout, "%s %s: %d paragraphs, %s dropped as the site's furniture, %q\n",
		verb, id, paragraphs, count(droppedLines, "line"), title)
	if r.dropped {
		for _, d := range dropped {
			fmt.Fprintf(r.stdout, "  dropped (%s): %s\n", d.Reason, d.Text)
		}
	}
}

// fetchArticles fetches and parses the pages at urls, one at a time,
// reporting each that fails; those left out are counted in failed. It
// stops when ctx ends, reporting no page as failed for that.
func fetchArticles(ctx context.Context, urls []string, stdout io.Writer) (arts []index.Article, failed int) {
	c := fetchClient()
	seen := map[string]string{}
	for _, u := range urls {
		if ctx.Err() != nil {
			return nil, failed
		}
		p := fetchPage(ctx, c, u)
		if ctx.Err() != nil {
			return nil, failed // the page cut off by the signal, not its own failure
		}
		var a index.Article
		err := p.err
		if err == nil {
			a, err = p.src.Parse()
		}
		if err == nil && seen[a.ID] != "" {
			err = fmt.Errorf("the same article as %s (%s)", seen[a.ID], a.ID)
		}
		if err != nil {
			fmt.Fprintf(stdout, "failed %s: %v\n", u, err)
			failed++
			continue
		}
		seen[a.ID] = u
		arts = append(arts, a)
	}
	return arts, failed
}

func urlsFailed(failed, of int) error {
	if failed == 0 {
		return nil
	}
	return fmt.Errorf("ingest: %d of %d URLs failed (see above); the rest were written", failed, of)
}

// ingestBatch is how many articles ingest writes at once. Each write is
// atomic and durable; an ingest of more is a series of them.
const ingestBatch = 100

func verb(created bool) string {
	if created {
		return "created"
	}
	return "replaced"
}

// count is "1 article", "2 articles".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// existingDataDir refuses dir unless it is a data directory already:
// reindex and publish work on the articles one holds, and Open would make
// a mistyped path a new one, holding the seeds alone.
func existingDataDir(cmd, dir string) error {
	if index.IsDataDir(dir) {
		return nil
	}
	return fmt.Errorf("%s: %s is not a data directory (no articles.db in it): name the one nmnsearch serve or ingest -data made",
		cmd, dataLabel(dir))
}

// runReindex is "nmnsearch reindex": the index rebuilt from the stored
// articles, in the data directory when it is free, else by the running
// server that has it open, which swaps the new index in while it answers.
func runReindex(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name+" reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := &envDefaults{getenv: getenv}
	f := newOfflineFlags(fs, env)
	if ok, err := parseCommand(fs, env, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("reindex: unexpected arguments: %q", fs.Args())
	}
	if *f.data == "" {
		return errors.New(`reindex: -data is "": an index in memory lives only in its server; name the data directory`)
	}
	if err := existingDataDir("reindex", *f.data); err != nil {
		return err
	}
	topics, err := loadTopics(*f.topics)
	if err != nil {
		return err
	}
	ix, c, err := openOrAsk(ctx, getenv, f, cmdReindex, topics)
	switch {
	case errors.As(err, new(notServing)):
		return fmt.Errorf("reindex: %w", err)
	case err != nil:
		return err
	case c != nil:
		c.out = stdout
		fmt.Fprintf(stdout, "%s is open in a running server: asking %s to reindex\n", dataLabel(*f.data), c.base)
		return c.reindex(ctx, stdout)
	}
	defer ix.Close()
	printOpenInfo(stdout, *f.data, ix.OpenInfo())
	began := time.Now()
	if err := ix.Reindex(ctx); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	took := time.Since(began)
	articles, paragraphs := 0, 0
	for _, a := range ix.Articles() {
		articles++
		paragraphs += len(a.Paragraphs)
	}
	if err := ix.Close(); err != nil {
		return fmt.Errorf("reindex: close the index: %w", err)
	}
	fmt.Fprintf(stdout, "reindexed %s: %d articles, %d paragraphs in %d ms\n", dataLabel(*f.data), articles, paragraphs, took.Milliseconds())
	return nil
}

// printOpenInfo says what opening the data directory did, when it did more
// than open it.
func printOpenInfo(w io.Writer, dir string, info index.OpenInfo) {
	if info.Rebuilt {
		fmt.Fprintf(w, "built the index in %s (%s): %d articles in %d ms\n", dataLabel(dir), info.Reason, info.Articles, info.Took.Milliseconds())
	}
	if info.Reapplied > 0 {
		fmt.Fprintf(w, "re-applied %d writes the index had missed\n", info.Reapplied)
	}
	for _, s := range info.Skipped {
		fmt.Fprintf(w, "stored article not indexed: %s\n", s)
	}
	if info.LostIndex != "" {
		fmt.Fprintf(w, "ERROR: the index held writes articles.db lacks; kept aside in %s\n", filepath.Join(dir, info.LostIndex))
		for _, id := range info.Recovered {
			fmt.Fprintf(w, "  written again from it: %s\n", id)
		}
		for _, s := range info.NotRecovered {
			fmt.Fprintf(w, "  NOT recovered: %s\n", s)
		}
	}
}

// notServing is openOrAsk's error when the server at -addr cannot be shown
// to serve the data directory: nothing was written.
type notServing struct{ err error }

func (e notServing) Error() string { return e.err.Error() }
func (e notServing) Unwrap() error { return e.err }

// openOrAsk opens the data directory for cmd, or, when a running server
// has it open, returns a client of that server's admin API, checked to
// serve that very directory.
func openOrAsk(ctx context.Context, getenv func(string) string, f offlineFlags, cmd string, topics *index.Topics) (*index.Index, *adminClient, error) {
	ix, err := index.Open(*f.data, seeds.FS, index.WithTopics(topics))
	if err == nil {
		return ix, nil, nil
	}
	if !errors.Is(err, index.ErrLocked) {
		return nil, nil, fmt.Errorf("%s: open %s: %w", cmd, dataLabel(*f.data), err)
	}
	c, err := newAdminClient(getenv, f, cmd)
	if err != nil {
		return nil, nil, err
	}
	if err := c.serves(ctx, *f.data); err != nil {
		return nil, nil, notServing{err}
	}
	return nil, c, nil
}

// adminClient talks to a running server's admin API.
type adminClient struct {
	base  string // http://host:port
	token string
	http  *http.Client
	out   io.Writer // told of each wait to retry, which may be seconds; nil: nowhere
}

// newAdminClient is the client of the server at -addr, with the admin
// token; without a token it says what to do.
func newAdminClient(getenv func(string) string, f offlineFlags, cmd string) (*adminClient, error) {
	base, err := serverURL(*f.addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	token, err := adminToken(getenv, *f.tokenFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	if token == "" {
		return nil, fmt.Errorf("%s: %s is in use by a running server; set $NMNSEARCH_ADMIN_TOKEN (or -admin-token-file) "+
			"to that server's admin token to %s through its admin API at %s (-addr), or stop the server and run this again",
			cmd, dataLabel(*f.data), cmd, base)
	}
	return &adminClient{base: base, token: token, http: &http.Client{}}, nil
}

// serverURL is the base URL of the server listening on addr: a URL as it
// is, or host:port with an unspecified host (":8080", "0.0.0.0:8080") on
// loopback.
func serverURL(addr string) (string, error) {
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		return strings.TrimRight(addr, "/"), nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("-addr %q: want host:port or a URL", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// articleBody is what ingest PUTs: an article file's source.
type articleBody struct {
	Title      string   `json:"title,omitempty"`
	URL        string   `json:"url,omitempty"`
	Topics     []string `json:"topics,omitempty"`
	Text       string   `json:"text,omitempty"`
	Paragraphs []string `json:"paragraphs,omitempty"`
	HTML       string   `json:"html,omitempty"`
}

// ingest PUTs arts one by one, stopping at the first the server refuses,
// or when ctx ends.
func (c *adminClient) ingest(ctx context.Context, arts []index.Article, report ingestReport) error {
	stdout := report.stdout
	began := time.Now()
	for i, a := range arts {
		if ctx.Err() != nil {
			return interrupted(ctx, written(arts, i, ""))
		}
		src := a.Source()
		body, err := json.Marshal(articleBody{Title: src.Title, URL: src.URL, Topics: src.Topics, Text: src.Text, Paragraphs: src.Paragraphs, HTML: src.HTML})
		if err != nil {
			return err
		}
		status, resp, err := c.do(ctx, clientTimeout, "PUT", "/api/articles/"+url.PathEscape(a.ID), body)
		if err != nil && ctx.Err() != nil {
			if status != 0 { // waiting to retry: the server had refused it
				return interrupted(ctx, written(arts, i, ""))
			}
			return interrupted(ctx, written(arts, i, a.ID))
		}
		if err == nil && status != http.StatusOK && status != http.StatusCreated {
			err = c.refusal(status, resp)
		}
		if err != nil {
			return fmt.Errorf("ingest: %s: %w (%d of %d articles written)", a.ID, err, i, len(arts))
		}
		var stored struct {
			Title        string            `json:"title"`
			Paragraphs   []json.RawMessage `json:"paragraphs"`
			DroppedLines int               `json:"dropped_lines"`
			Dropped      []index.Dropped   `json:"dropped"`
		}
		json.Unmarshal(resp, &stored)
		if report.dropped && stored.DroppedLines > 0 {
			// the server's own parse, which knows its other pages of the site
			if status, resp, err := c.do(ctx, clientTimeout, "GET", "/api/articles/"+url.PathEscape(a.ID)+"?dropped=1", nil); err == nil && status == http.StatusOK {
				json.Unmarshal(resp, &stored)
			}
		}
		report.article(verb(status == http.StatusCreated), a.ID, stored.Title, len(stored.Paragraphs), stored.DroppedLines, stored.Dropped)
	}
	fmt.Fprintf(stdout, "ingested %s through %s in %d ms\n", count(len(arts), "article"), c.base, time.Since(began).Milliseconds())
	return nil
}

// serves checks that the server at c.base has dir open. ingest and reindex
// find a data directory locked and reach a server by -addr, which names
// none: another server's articles must not be the ones written.
func (c *adminClient) serves(ctx context.Context, dir string) error {
	// A file left in dir, which the server looks for in its own: paths
	// differ between a container and its host (a bind mount), a file
	// does not.
	var nonce [16]byte
	rand.Read(nonce[:])
	probe := ".nmnsearch-probe-" + hex.EncodeToString(nonce[:])
	if err := os.WriteFile(filepath.Join(dir, probe), nil, 0o600); err != nil {
		return fmt.Errorf("%s: leave a file for the server to find: %w", dataLabel(dir), err)
	}
	defer os.Remove(filepath.Join(dir, probe))

	status, body, err := c.do(ctx, infoTimeout, "GET", "/api/admin/info?probe="+probe, nil)
	if err != nil {
		return fmt.Errorf("%s is open in another process, but %s does not answer (%w): point -addr (or $NMNSEARCH_ADDR) at the server that has it open",
			dataLabel(dir), c.base, err)
	}
	if status == http.StatusNotFound && strings.Contains(string(body), `"no such path`) {
		return fmt.Errorf("%s has no admin API at /api/admin/info (404): it was started without $NMNSEARCH_ADMIN_TOKEN, "+
			"or it is older than this nmnsearch", c.base)
	}
	if status != http.StatusOK {
		return c.refusal(status, body)
	}
	var info struct {
		DataDir string `json:"data_dir"`
		Probe   bool   `json:"probe"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return fmt.Errorf("%s answered /api/admin/info with %q: %w", c.base, body, err)
	}
	if !info.Probe {
		return fmt.Errorf("%s serves %s, not %s: point -addr (or $NMNSEARCH_ADDR) at the server that has %s open",
			c.base, dataLabel(info.DataDir), dataLabel(dir), dataLabel(dir))
	}
	return nil
}

// canonicalDir is dir absolute, with symlinks resolved where it exists:
// what a server reports as its data directory and a command compares it
// with. "" stays "", an index in memory.
func canonicalDir(dir string) string {
	if dir == "" {
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// reindex asks the server to reindex.
func (c *adminClient) reindex(ctx context.Context, stdout io.Writer) error {
	status, resp, err := c.do(ctx, clientTimeout, "POST", "/api/admin/reindex", nil)
	if err == nil && status != http.StatusOK {
		err = c.refusal(status, resp)
	}
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	var out struct {
		Articles   int     `json:"articles"`
		Paragraphs int     `json:"paragraphs"`
		TookMS     float64 `json:"took_ms"`
	}
	json.Unmarshal(resp, &out)
	fmt.Fprintf(stdout, "reindexed through %s: %d articles, %d paragraphs in %.0f ms\n", c.base, out.Articles, out.Paragraphs, out.TookMS)
	return nil
}

// do makes one request with the token, each attempt bounded by timeout,
// again after the Retry-After of a 429 (the admin rate limit) or a 503 (a
// server still opening its index), and returns the status and body of the
// last answer. When ctx ends while it waits to retry, the error is ctx's,
// with the status of the answer it waited after.
func (c *adminClient) do(ctx context.Context, timeout time.Duration, method, path string, body []byte) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		resp, out, err := c.once(ctx, timeout, method, path, body)
		if err != nil {
			return 0, nil, err
		}
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		if !retry || attempt == maxRetries {
			return resp.StatusCode, out, nil
		}
		wait := time.Second
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
			wait = min(time.Duration(secs)*time.Second, maxRetryAfter)
		}
		if c.out != nil {
			fmt.Fprintf(c.out, "%s answered %s %s with %d: trying again in %v\n", c.base, method, strings.SplitN(path, "?", 2)[0], resp.StatusCode, wait)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return resp.StatusCode, out, ctx.Err()
		}
	}
}

// once makes one request within timeout and reads its answer.
func (c *adminClient) once(ctx context.Context, timeout time.Duration, method, path string, body []byte) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, out, err
}

// refusal says why the server refused a request, with what to do about the
// usual causes.
func (c *adminClient) refusal(status int, body []byte) error {
	var e struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(body, &e)
	switch status {
	case http.StatusUnauthorized:
		return fmt.Errorf("%s refused the admin token (401): $NMNSEARCH_ADMIN_TOKEN is not the one it was started with", c.base)
	case http.StatusMethodNotAllowed, http.StatusNotFound:
		if e.Error.Code == "method_not_allowed" || e.Error.Code == "not_found" {
			return fmt.Errorf("%s has no admin API (%d): it was started without $NMNSEARCH_ADMIN_TOKEN", c.base, status)
		}
	}
	if e.Error.Message != "" {
		return fmt.Errorf("%s answered %d %s: %s", c.base, status, e.Error.Code, e.Error.Message)
	}
	return fmt.Errorf("%s answered %d", c.base, status)
}

// runPublish is "nmnsearch publish DEST": the data directory (-data), as
// of its last write, copied into DEST, a new directory, for read-only
// replicas (nmnsearch -read-only -data DEST). The data directory must be
// free: a running writer holds it, and is stopped for the copy.
func runPublish(name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name+" publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s publish [-data DIR] DEST\n\n"+
			"Copies the data directory, as of its last write, into DEST, a directory that must not exist,\n"+
			"for read-only replicas: %s -read-only -data DEST. Publish into a new directory each time.\n\n", name, name)
		fs.PrintDefaults()
	}
	env := &envDefaults{getenv: getenv}
	data := dataFlag(fs, env)
	topicsFile := topicsFlag(fs, env)
	if ok, err := parseCommand(fs, env, args); !ok {
		return err
	}
	if fs.NArg() > 1 && strings.HasPrefix(fs.Arg(1), "-") {
		return fmt.Errorf("publish: %s after the destination: flags go before it (publish -data DIR DEST)", fs.Arg(1))
	}
	if fs.NArg() != 1 {
		return errors.New("publish: name one destination directory, which must not exist")
	}
	if *data == "" {
		return errors.New(`publish: -data is "": an index in memory lives only in its server; name the data directory`)
	}
	if err := existingDataDir("publish", *data); err != nil {
		return err
	}
	topics, err := loadTopics(*topicsFile)
	if err != nil {
		return err
	}
	ix, err := index.Open(*data, seeds.FS, index.WithTopics(topics))
	if errors.Is(err, index.ErrLocked) {
		return fmt.Errorf("publish: %w: a running server (or replicas) have %s open; stop the writer, publish, start it again",
			err, dataLabel(*data))
	}
	if err != nil {
		return fmt.Errorf("publish: open %s: %w", dataLabel(*data), err)
	}
	defer ix.Close()
	printOpenInfo(stdout, *data, ix.OpenInfo())
	p, err := ix.Publish(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := ix.Close(); err != nil {
		return fmt.Errorf("publish: close the index: %w", err)
	}
	fmt.Fprintf(stdout, "published %s to %s: %d articles, write %d, %s, %.1f MB in %d ms\n",
		dataLabel(*data), p.Dir, p.Articles, p.Seq, p.Index, float64(p.Bytes)/1e6, p.Took.Milliseconds())
	fmt.Fprintf(stdout, "serve it with: %s -read-only -data %s\n", name, p.Dir)
	return nil
}
