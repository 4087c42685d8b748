package server

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"nmnsearch/search"
	"nmnsearch/server/web"
)

// Headers of the HTML pages. Their script and styles come from this service
// as files, never inline, so the CSP can forbid everything else; Trusted
// Types forbid turning strings into HTML or script, which no script of ours
// does (the box builds its elements one by one). The address
// of a page holds the query, which may be about someone's health: it is
// never sent on as a Referer.
const (
	PageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
		"require-trusted-types-for 'script'; trusted-types 'none'"
	PageReferrerPolicy = "no-referrer"
)

// site is what the pages are made of: the static files and the templates.
type site struct {
	assets *assets
	pages  *template.Template
}

// loadSite reads the embedded files once; they cannot change while the
// process runs, and a broken embed is a bug every test shows.
var loadSite = sync.OnceValues(func() (*site, error) { return newSite(web.Static, web.Templates) })

func newSite(static, templates fs.FS) (*site, error) {
	a, err := loadAssets(static)
	if err != nil {
		return nil, err
	}
	pages, err := template.New("").Funcs(template.FuncMap{"asset": a.path}).
		ParseFS(templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &site{assets: a, pages: pages}, nil
}

// render executes template name into a buffer first, so that a failing
// template becomes a 500 rather than half a page. A page is private: its
// address may hold a query about someone's health, which no shared cache
// should keep; and it is revalidated, as it names today's hashed files.
func (st *site) render(w http.ResponseWriter, r *http.Request, logger *slog.Logger, status int, name string, data any) {
	var buf bytes.Buffer
	if err := st.pages.ExecuteTemplate(&buf, name, data); err != nil {
		writeError(w, r, logger, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", PageCSP)
	h.Set("Referrer-Policy", PageReferrerPolicy)
	h.Set("Cache-Control", "private, no-cache")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorPage struct {
	Status         int
	Title, Message string
}

// writeErrorPage answers err as an HTML page, with the status and message
// writeError would give it as JSON.
func (st *site) writeErrorPage(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status, detail := publicError(r, logger, err)
	st.render(w, r, logger, status, "error.html", errorPage{status, http.StatusText(status), detail.Message})
}

// pageQuery returns the q parameter of a page's address, "" when none.
func pageQuery(r *http.Request) (string, error) {
	values, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return "", err
	}
	return single(values, "q")
}

// searchPage is the data of search.html.
type searchPage struct {
	Lang string // of the page and so of the box: ja or en
	Q    string // a query to run at once
}

// handleSearchPage answers GET /: the search box, with the snippet that puts
// it on another site. The page's script writes this service's address into
// the snippet, as the browser sees it: the server may sit behind a proxy
// and cannot trust the Host header to name it.
func handleSearchPage(logger *slog.Logger, st *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language") // pageLang
		q, err := pageQuery(r)
		if err != nil {
			st.writeErrorPage(w, r, logger, err)
			return
		}
		st.render(w, r, logger, http.StatusOK, "search.html", searchPage{Lang: pageLang(r), Q: q})
	})
}

// pageLang is ja unless the browser's first language is another one: the
// articles and their readers are mostly Japanese.
func pageLang(r *http.Request) string {
	first, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	first = strings.ToLower(strings.TrimSpace(first))
	if first == "" || first == "*" || strings.HasPrefix(first, "ja") {
		return "ja"
	}
	return "en"
}

// articlePage is the data of article.html.
type articlePage struct {
	Lang, Title, URL string
	SearchURL        string // back to the search page, with the query
	Paragraphs       []pageParagraph
}

type pageParagraph struct {
	N       int
	Heading bool
	Lang    string
	Parts   []textPart
}

// textPart is a run of a paragraph's text, marked when the query matched it.
type textPart struct {
	Text string
	Mark bool
}

// handleArticlePage answers GET /articles/{id}: the article as plain HTML,
// paragraph n with the anchor p-n, and with ?q= the query's terms marked in
// every paragraph. The browser scrolls to the #p-n a hit links to, and the
// stylesheet marks it (:target): no script.
func handleArticlePage(logger *slog.Logger, s Searcher, st *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := pageQuery(r)
		if err != nil {
			st.writeErrorPage(w, r, logger, err)
			return
		}
		a, err := s.Article(mux.Vars(r)["id"])
		if err == nil && a == nil {
			err = errors.New("article lookup returned no article and no error")
		}
		if err != nil {
			st.writeErrorPage(w, r, logger, err)
			return
		}
		var marks [][]search.Mark
		if strings.TrimSpace(q) != "" {
			ctx, cancel := context.WithTimeout(r.Context(), SearchTimeout)
			marked, ms, err := s.MarkArticle(ctx, a.ID, q)
			cancel()
			switch {
			case err == nil:
				// The marks are offsets into the version they were found
				// in, which a write may have replaced since a was read.
				a, marks = marked, ms
			case search.ErrorCode(err) != search.CodeInvalid && search.ErrorCode(err) != search.CodeNotFound:
				// The article without marks is still the article; a query
				// the search would refuse (too long), or an article deleted
				// since it was read, just marks nothing.
				logger.WarnContext(r.Context(), "article marks", "id", a.ID, "err", err)
			}
		}
		page := articlePage{Title: a.Title, URL: a.URL, SearchURL: "/"}
		if q != "" {
			page.SearchURL = "/?" + url.Values{"q": {q}}.Encode()
		}
		langs := map[string]int{}
		for i, p := range a.Paragraphs {
			var ms []search.Mark
			if i < len(marks) {
				ms = marks[i]
			}
			langs[p.Lang]++
			page.Paragraphs = append(page.Paragraphs, pageParagraph{
				N: p.N, Heading: p.Heading, Lang: p.Lang, Parts: splitMarks(p.Text, ms),
			})
		}
		page.Lang = "ja"
		if langs["en"] > langs["ja"] {
			page.Lang = "en"
		}
		st.render(w, r, logger, http.StatusOK, "article.html", page)
	})
}

// splitMarks cuts text into runs at the marks, which must be sorted and
// apart; a mark out of range or out of order is left out.
func splitMarks(text string, marks []search.Mark) []textPart {
	var out []textPart
	pos := 0
	for _, m := range marks {
		if m.Start < pos || m.End <= m.Start || m.End > len(text) {
			continue
		}
		if m.Start > pos {
			out = append(out, textPart{Text: text[pos:m.Start]})
		}
		out = append(out, textPart{Text: text[m.Start:m.End], Mark: true})
		pos = m.End
	}
	if pos < len(text) {
		out = append(out, textPart{Text: text[pos:]})
	}
	return out
}
