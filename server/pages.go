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
	"slices"
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
	funcs := template.FuncMap{
		"asset": a.path,
		// list lets a template hold its own data, as the search page's
		// example queries in each language.
		"list": func(items ...string) []string { return items },
	}
	pages, err := template.New("").Funcs(funcs).ParseFS(templates, "templates/*.html")
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
	Lang           string // the reader's: the page says what happened in it
	Status         int
	Code           string // the API's error code, which the page words
	Title, Message string // the status's and the API's, in English
}

// writeErrorPage answers err as an HTML page, with the status and code
// writeError would give it as JSON.
func (st *site) writeErrorPage(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status, detail := publicError(r, logger, err)
	varyLang(w)
	st.render(w, r, logger, status, "error.html",
		errorPage{pageLang(r), status, detail.Code, http.StatusText(status), detail.Message})
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
	Lang   string // of the page and so of the box: ja or en
	Q      string // a query to run at once
	Topics string // topics to choose at once, comma-separated
	Browse bool   // the box searches at once: for Q, or for Topics alone
	// Articles are every article, to browse, titled in Lang.
	Articles []articleLink
}

// articleLink is an article in the search page's list.
type articleLink struct {
	ID, Title string
	Lang      string // of Title
}

// handleSearchPage answers GET /: the search page of the clinic's readers,
// in their language. ?q= runs a query, ?topic= (repeated or
// comma-separated, as the API takes it) lists the topics' articles. The
// list of articles is written here, titled in the reader's language (which
// /api/articles does not do); the topics, with their counts, page.js asks
// /api/topics for, from the response cache.
func handleSearchPage(logger *slog.Logger, s Searcher, st *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		varyLang(w)
		// The page's address is a search's, read as the API reads it.
		req, err := parseSearchRequest(r.URL.RawQuery)
		if err != nil {
			st.writeErrorPage(w, r, logger, err)
			return
		}
		page := searchPage{
			Lang: pageLang(r), Q: req.Q, Topics: strings.Join(req.Topics, ","),
			Browse: req.Q != "" || len(req.Topics) > 0,
		}
		for _, a := range s.Articles() {
			if a != nil {
				page.Articles = append(page.Articles,
					articleLink{ID: a.ID, Title: a.TitleIn(page.Lang), Lang: titleLang(a, page.Lang)})
			}
		}
		st.render(w, r, logger, http.StatusOK, "search.html", page)
	})
}

// titleLang is the language of a.TitleIn(lang): lang when the article has
// a title in it, else that of its first paragraph (its title's).
func titleLang(a *search.Article, lang string) string {
	if a.Titles[lang] != "" || len(a.Paragraphs) == 0 {
		return lang
	}
	return a.Paragraphs[0].Lang
}

// handleEmbedPage answers GET /embed: the guide for site owners, with the
// snippet that puts the box on another site. The page's script writes this
// service's address into the snippet, as the browser sees it: the server
// may sit behind a proxy and cannot trust the Host header to name it.
func handleEmbedPage(logger *slog.Logger, st *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		varyLang(w)
		st.render(w, r, logger, http.StatusOK, "embed.html", struct{ Lang string }{pageLang(r)})
	})
}

// varyLang tells caches that the page is in the reader's language
// (pageLang), once.
func varyLang(w http.ResponseWriter) {
	if !slices.Contains(w.Header().Values("Vary"), "Accept-Language") {
		w.Header().Add("Vary", "Accept-Language")
	}
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
	Lang        string // the reader's, of the page's own words and its box
	ArticleLang string // most of the article's paragraphs'
	Title, URL  string
	Q           string // the query that led here, marked
	SearchURL   string // back to the search page, with the query
	Paragraphs  []pageParagraph
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
// every paragraph; above it, the way back to the results, the original's
// link and a search box, in the reader's language. The browser scrolls to
// the #p-n a hit links to, and the stylesheet marks it (:target): no
// script but the box's.
func handleArticlePage(logger *slog.Logger, s Searcher, st *site) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		varyLang(w)
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
		page := articlePage{Lang: pageLang(r), URL: a.URL, Q: q, SearchURL: "/"}
		page.Title = a.TitleIn(page.Lang)
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
		page.ArticleLang = "ja"
		if langs["en"] > langs["ja"] {
			page.ArticleLang = "en"
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
