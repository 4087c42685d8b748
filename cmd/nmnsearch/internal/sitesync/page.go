package sitesync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"

	"nmnsearch/index"
)

// conditional is the request headers that ask for a page only if it
// changed since the record: If-None-Match, If-Modified-Since.
func conditional(rec record) http.Header {
	h := http.Header{}
	if rec.Hash == "" {
		return h
	}
	if rec.ETag != "" {
		h.Set("If-None-Match", rec.ETag)
	}
	if rec.LastModified != "" {
		h.Set("If-Modified-Since", rec.LastModified)
	}
	return h
}

func gone(status int) bool { return status == http.StatusNotFound || status == http.StatusGone }

// textHash is the hash of what the index keeps of a page: its title, its
// url and its paragraphs. A page whose template changed (a date in the
// sidebar, a new menu item) but whose article did not, is unchanged.
func textHash(a index.Article) string {
	v := struct {
		Title, URL string
		Paragraphs []string
	}{Title: a.Title, URL: a.URL}
	for _, p := range a.Paragraphs {
		v.Paragraphs = append(v.Paragraphs, p.Text)
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// do visits one page, or deletes one that left its sitemap, and reports
// what it did. Nothing is written for a page that fails.
func (r *runner) do(ctx context.Context, j job) {
	raw := j.url.String()
	prev, known := r.st.records[raw]
	ev := Event{URL: raw, ID: prev.ID}
	if j.left {
		r.remove(ctx, j, prev, "it left its sitemap", ev)
		return
	}
	if known && prev.Hash != "" && j.lastmod != "" && j.lastmod == prev.Lastmod {
		r.unchanged(j, prev, prev, ev) // the sitemap says so: not even asked
		return
	}
	resp := j.resp
	if resp == nil {
		var err error
		resp, err = r.f.get(ctx, j.url, conditional(prev), acceptPage, r.cfg.MaxBytes)
		switch {
		case ctx.Err() != nil:
			return // cut off by the end of the run, not the page's failure
		case errors.Is(err, errDisallowed):
			ev.Outcome, ev.Reason = Skipped, err.Error()
			r.report(ev, true)
			return
		case err != nil:
			r.failed(ev, err)
			return
		}
	}
	switch {
	case resp.status == http.StatusNotModified && known:
		r.unchanged(j, prev, r.validators(j, prev, resp), ev)
		return
	case gone(resp.status) && known:
		r.remove(ctx, j, prev, fmt.Sprintf("it answered %d %s", resp.status, http.StatusText(resp.status)), ev)
		return
	case resp.status != http.StatusOK:
		r.failed(ev, statusError(resp))
		return
	}
	r.mu.Lock()
	r.sum.Fetched++
	r.mu.Unlock()
	src, art, err := r.parse(j, resp)
	ev.ID = src.ID
	if err != nil {
		r.failed(ev, err)
		return
	}
	rec := r.validators(j, prev, resp)
	rec.ID, rec.Hash = src.ID, textHash(art)
	if known && prev.Hash == rec.Hash && prev.ID == rec.ID {
		r.unchanged(j, prev, rec, ev)
		return
	}
	if other := r.claim(src.ID, raw); other != "" {
		r.failed(ev, fmt.Errorf("its article id %s is that of %s too", src.ID, other))
		return
	}
	created, err := r.w.Put(ctx, src)
	if err != nil {
		r.writeFailed(ctx, ev, err)
		return
	}
	// Sync deletes only what it created: a page put by hand that sync
	// replaced stays the operator's.
	rec.Owned = created || (known && prev.Owned)
	if !r.save(raw, rec) {
		return
	}
	ev.Outcome = Changed
	if created {
		ev.Outcome = Added
	}
	r.report(ev, true)
}

// parse makes a page's answer a source of HTML, parsed as the index
// will, to hash its text: a page with no article fails here.
func (r *runner) parse(j job, resp *response) (index.Source, index.Article, error) {
	src := index.Source{ID: r.cfg.ArticleID(j.url), URL: resp.url.String()}
	if int64(len(resp.body)) > r.cfg.MaxBytes {
		return src, index.Article{}, fmt.Errorf("larger than %d bytes", r.cfg.MaxBytes)
	}
	ctype := resp.header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ctype); ctype != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return src, index.Article{}, fmt.Errorf("not a web page: Content-Type %s", ctype)
	}
	text, err := r.cfg.Decode(resp.body, ctype)
	if err != nil {
		return src, index.Article{}, err
	}
	src.HTML = text
	art, err := src.Parse()
	return src, art, err
}

// validators is the record of a page after an answer: its seed, its
// lastmod and the validators the answer gave (a 304 may give new ones).
func (r *runner) validators(j job, prev record, resp *response) record {
	rec := prev
	rec.Seed, rec.Kind, rec.Synced = j.seed, j.kind, time.Now()
	if j.lastmod != "" {
		rec.Lastmod = j.lastmod
	}
	if v := resp.header.Get("ETag"); v != "" || resp.status == http.StatusOK {
		rec.ETag = v
	}
	if v := resp.header.Get("Last-Modified"); v != "" || resp.status == http.StatusOK {
		rec.LastModified = v
	}
	return rec
}

// unchanged reports a page whose article stays, saving its record when
// the answer told something new (validators, lastmod, seed).
func (r *runner) unchanged(j job, prev, rec record, ev Event) {
	rec.Seed, rec.Kind = j.seed, j.kind
	changed := rec.Seed != prev.Seed || rec.Kind != prev.Kind || rec.ETag != prev.ETag ||
		rec.LastModified != prev.LastModified || rec.Lastmod != prev.Lastmod
	if changed && !r.save(j.url.String(), rec) {
		return
	}
	ev.Outcome = Unchanged
	r.report(ev, true)
}

// remove deletes the article of a page that is gone, if sync created it,
// and forgets the page.
func (r *runner) remove(ctx context.Context, j job, prev record, why string, ev Event) {
	raw := j.url.String()
	ev.ID = prev.ID
	if !prev.Owned {
		ev.Outcome, ev.Reason = Skipped, why+"; its article was put by hand: kept"
	} else {
		if err := r.w.Delete(ctx, prev.ID); err != nil && !errors.Is(err, index.ErrNotFound) {
			r.writeFailed(ctx, ev, err)
			return
		}
		ev.Outcome, ev.Reason = Deleted, why
	}
	if err := r.st.remove(raw); err != nil {
		r.stop(fmt.Errorf("sync state: %w", err))
		return
	}
	r.report(ev, true)
}

// claim gives the page at raw the article id for this run, or returns
// the URL that has it already.
func (r *runner) claim(id, raw string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if other, ok := r.ids[id]; ok && other != raw {
		return other
	}
	r.ids[id] = raw
	return ""
}

func (r *runner) save(raw string, rec record) bool {
	if err := r.st.put(raw, rec); err != nil {
		r.stop(fmt.Errorf("sync state: %w", err))
		return false
	}
	return true
}

func (r *runner) failed(ev Event, err error) {
	ev.Outcome, ev.Reason = Failed, err.Error()
	r.report(ev, true)
}

// writeFailed is a Writer's error: the page's own (RejectedError) fails
// it; any other stops the run, as it would every page after it.
func (r *runner) writeFailed(ctx context.Context, ev Event, err error) {
	var rejected *RejectedError
	switch {
	case errors.As(err, &rejected):
		r.failed(ev, err)
	case ctx.Err() != nil:
	default:
		r.stop(fmt.Errorf("writing %s: %w", ev.ID, err))
	}
}
