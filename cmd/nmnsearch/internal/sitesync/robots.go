package sitesync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// Limits of robots.txt.
const (
	// maxRobotsBytes is how much of a robots.txt is read: Google reads
	// 500 KiB and ignores the rest.
	maxRobotsBytes = 500 << 10
	// maxCrawlDelay caps the Crawl-delay a robots.txt may ask for, so that
	// a run of a few hundred pages still ends the same day.
	maxCrawlDelay = 30 * time.Second
)

// errDisallowed is the error of a request robots.txt forbids.
var errDisallowed = errors.New("disallowed by robots.txt")

// robotsOnce is a host's robots.txt, fetched once a run.
type robotsOnce struct {
	once  sync.Once
	group *robotstxt.Group
	err   error
}

// allowed asks the robots.txt of u's host, fetched at the host's first
// request, whether u may be fetched. A robots.txt that cannot be had (a
// 5xx, no answer, no sense) fails the host's pages for this run, as
// Google reads a 5xx; a 4xx allows everything.
func (f *fetcher) allowed(ctx context.Context, u *url.URL) error {
	h := f.host(u)
	h.robots.once.Do(func() { h.robots.group, h.robots.err = f.robots(ctx, u) })
	if h.robots.err != nil {
		return h.robots.err
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !h.robots.group.Test(path) {
		return errDisallowed
	}
	return nil
}

func (f *fetcher) robots(ctx context.Context, u *url.URL) (*robotstxt.Group, error) {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	resp, err := f.get(context.WithValue(ctx, robotsKey{}, true), ru, nil, "text/plain", maxRobotsBytes)
	var body []byte
	status := 0
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("robots.txt is larger than %d bytes", maxRobotsBytes)
	case err != nil:
		return nil, fmt.Errorf("robots.txt: %w", err)
	default:
		body, status = resp.body, resp.status
	}
	if status >= 500 || status == http.StatusTooManyRequests { // a site that is busy has not said "no robots.txt"
		return nil, fmt.Errorf("robots.txt: %w", statusError(resp))
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	g := data.FindGroup(f.ua)
	if g.CrawlDelay > 0 {
		f.setDelay(u, g.CrawlDelay)
	}
	return g, nil
}
