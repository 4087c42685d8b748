package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"nmnsearch/index"
)

// Limits of fetching a page for ingest: a clinic's page answers in a
// second or two and weighs a few hundred KB; a page past them is refused
// with its reason and the other pages go on.
const (
	fetchTimeout   = 30 * time.Second // the whole fetch, redirects and body included
	maxFetchBytes  = 4 << 20          // the body, as index takes an HTML page
	maxRedirects   = 5
	fetchUserAgent = "nmnsearch-ingest/1 (+a clinic's search index; fetches the pages its operator names)"
)

// fetchedPage is a page of a URL, ready to ingest, or why it is not.
type fetchedPage struct {
	url string
	src index.Source
	err error
}

// fetchClient is the client ingest fetches pages with.
func fetchClient() *http.Client {
	return &http.Client{
		Timeout: fetchTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			return nil
		},
	}
}

// fetchPage GETs a page and makes it a source of HTML, its id from its URL
// (articleIDFromURL), its url the one it was found at.
func fetchPage(ctx context.Context, c *http.Client, raw string) fetchedPage {
	fail := func(err error) fetchedPage { return fetchedPage{url: raw, err: err} }
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(errors.New("not an absolute http or https URL"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("User-Agent", fetchUserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9")
	resp, err := c.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("the server answered %s", resp.Status))
	}
	ctype := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ctype); ctype != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return fail(fmt.Errorf("not a web page: Content-Type %s", ctype))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	if err != nil {
		return fail(fmt.Errorf("reading the page: %w", err))
	}
	if len(body) > maxFetchBytes {
		return fail(fmt.Errorf("larger than %d bytes", maxFetchBytes))
	}
	text, err := toUTF8(body, ctype)
	if err != nil {
		return fail(err)
	}
	final := resp.Request.URL.String()
	return fetchedPage{url: raw, src: index.Source{ID: articleIDFromURL(resp.Request.URL), URL: final, HTML: text}}
}

// toUTF8 decodes a page in the charset its header or its meta tag names.
func toUTF8(body []byte, contentType string) (string, error) {
	r, err := charset.NewReader(strings.NewReader(string(body)), contentType)
	if err != nil {
		return "", fmt.Errorf("unknown charset: %w", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(out) {
		return "", errors.New("the page is not valid text in its charset")
	}
	return string(out), nil
}

var notIDChars = regexp.MustCompile(`[^a-z0-9]+`)

// pageExt is the extension of a page's file in its URL, no part of its name.
var pageExt = regexp.MustCompile(`(?i)\.(html?|php|aspx?|jsp)$`)

// articleIDFromURL makes a page's URL an article id, stable and readable:
// its host and path in [a-z0-9-] ("clinic.example/blog/sleep-tips/" is
// clinic-example-blog-sleep-tips), cut to fit 64 characters with a hash of
// the whole URL so that two long URLs do not meet.
func articleIDFromURL(u *url.URL) string {
	u = &url.URL{Host: u.Host, Path: pageExt.ReplaceAllString(u.Path, ""), RawPath: pageExt.ReplaceAllString(u.RawPath, ""), RawQuery: u.RawQuery}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	id := strings.Trim(notIDChars.ReplaceAllString(host+"/"+strings.ToLower(u.EscapedPath()+"?"+u.RawQuery), "-"), "-")
	if len(id) <= 64 && !strings.Contains(u.EscapedPath(), "%") {
		return id
	}
	sum := sha256.Sum256([]byte(u.String()))
	tag := hex.EncodeToString(sum[:4])
	slug := strings.Trim(notIDChars.ReplaceAllString(host+"/"+strings.ToLower(u.Path), "-"), "-")
	slug = strings.Trim(notIDChars.ReplaceAllString(slug, "-"), "-")
	if len(slug) > 64-len(tag)-1 {
		slug = strings.TrimRight(slug[:64-len(tag)-1], "-")
	}
	return slug + "-" + tag
}
