package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

var client = &http.Client{Timeout: 20 * time.Second}

// answer is an HTTP answer, its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) String() string {
	return fmt.Sprintf("%d %s", a.status, clip(strings.TrimSpace(string(a.body)), 300))
}

// do sends one request to s; PUT and DELETE carry the admin token.
func (r *run) do(ctx context.Context, s *server, method, path string, body []byte) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return answer{}, err
	}
	if method != http.MethodGet {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// errSkip: this article's check failed, reported; errAbort: the server is
// gone or not ready, reported, and the round's checks end.
var (
	errSkip  = errors.New("check failed")
	errAbort = errors.New("server unusable")
)

// read GETs path for a check, waiting out a 503 with Retry-After (the
// index healing) until /readyz says 200, up to three times.
func (r *run) read(ctx context.Context, k kind, id, path string) (answer, error) {
	for try := 0; ; try++ {
		s := r.dir.srv
		if s == nil {
			r.fail(k, badAnswer, id, "no server running to check with")
			return answer{}, errAbort
		}
		a, err := r.do(ctx, s, http.MethodGet, path, nil)
		if err != nil {
			if ctx.Err() != nil {
				return a, errAbort
			}
			r.noAnswer(k, id, fmt.Errorf("GET %s: %w", path, err))
			return a, errAbort
		}
		if a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "" && try < 3 {
			r.tally.add(&r.tally.unavailable, k, 1)
			switch r.waitReady(ctx, s) {
			case exited:
				r.noAnswer(k, id, fmt.Errorf("GET %s: 503, then the process exited", path))
				return a, errAbort
			case timedOut:
				r.fail(k, notReady, id, "GET %s: %s, and no /readyz 200 within %s; SIGQUIT: its goroutines are in %s",
					path, a, readyWithin, filepath.Base(s.log))
				s.dump()
				return a, errAbort
			}
			continue
		}
		if a.status >= 500 {
			r.fail(k, badAnswer, id, "GET %s: %s", path, a)
			return a, errSkip
		}
		return a, nil
	}
}

// checkAll checks every article of the ledger: its GET and its search.
func (r *run) checkAll(ctx context.Context, k kind) {
	for _, id := range r.dir.ledger.ids(false) {
		if ctx.Err() != nil {
			return
		}
		if err := r.checkOne(ctx, k, id); errors.Is(err, errAbort) {
			return
		}
	}
}

// checkOne compares what GET answers for id with the last acknowledged
// write (or the one unanswered at a kill), then searches its marker.
func (r *run) checkOne(ctx context.Context, k kind, id string) error {
	e := r.dir.ledger.get(id)
	a, err := r.read(ctx, k, id, "/api/articles/"+id)
	if err != nil {
		return err
	}
	var got state
	switch a.status {
	case http.StatusNotFound:
	case http.StatusOK:
		var art struct{ Paragraphs []struct{ Text string } }
		if err := json.Unmarshal(a.body, &art); err != nil {
			r.fail(k, badAnswer, id, "GET: %v: %s", err, a)
			return errSkip
		}
		var text strings.Builder
		for _, p := range art.Paragraphs {
			text.WriteString(p.Text + "\n")
		}
		m := versionLine.FindStringSubmatch(text.String())
		if m == nil || m[1] != e.marker || m[2] != id {
			r.fail(k, wrongVersion, id, "GET shows no version line of its own: %q", clip(text.String(), 300))
			return errSkip
		}
		v, _ := strconv.Atoi(m[3])
		got = state{live: true, version: v}
	default:
		r.fail(k, badAnswer, id, "GET: %s", a)
		return errSkip
	}
	if e.ever {
		r.tally.add(&r.tally.checked, k, 1)
	}
	if got != e.acked && (e.pending == nil || got != *e.pending) {
		what, last := wrongVersion, "last acknowledged "+e.acked.String()
		if e.ever && e.acked.live != got.live {
			what = lost
		}
		if !e.ever {
			last = "no write of it acknowledged"
		}
		if e.pending != nil {
			last += ", unanswered at the kill " + e.pending.String()
		}
		r.fail(k, what, id, "GET shows %s; %s", got, last)
	}
	r.dir.ledger.settle(id, got)
	return r.checkSearch(ctx, k, id, e.marker, got)
}

// checkSearch searches an article's marker: a live article must be found
// at the version GET shows, an absent one not at all.
func (r *run) checkSearch(ctx context.Context, k kind, id, marker string, want state) error {
	q := url.Values{"q": {marker}, "size": {"50"}}
	a, err := r.read(ctx, k, id, "/api/search?"+q.Encode())
	if err != nil {
		return err
	}
	if a.status != http.StatusOK {
		r.fail(k, badAnswer, id, "search %s: %s", marker, a)
		return errSkip
	}
	var res struct {
		Hits []struct {
			Article struct{ ID string }
			Text    string
		}
	}
	if err := json.Unmarshal(a.body, &res); err != nil {
		r.fail(k, badAnswer, id, "search %s: %v: %s", marker, err, a)
		return errSkip
	}
	var texts []string
	for _, h := range res.Hits {
		if h.Article.ID == id {
			texts = append(texts, h.Text)
		}
	}
	wantText := fmt.Sprintf("version %d of", want.version)
	switch {
	case !want.live && len(texts) > 0:
		r.fail(k, searchMiss, id, "GET 404, yet a search for %s finds %q", marker, clip(texts[0], 200))
	case want.live && len(texts) == 0:
		r.fail(k, searchMiss, id, "a search for %s finds nothing of it (GET shows %s)", marker, want)
	case want.live && !strings.Contains(strings.Join(texts, "\n"), wantText):
		r.fail(k, searchMiss, id, "a search for %s shows %q; GET shows %s", marker, clip(texts[0], 200), want)
	default:
		return nil
	}
	return errSkip
}
