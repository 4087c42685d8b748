package main

// The admin page of search analytics (/admin/analytics, issue 24) with a
// week of generated searches. The six days before today are written into
// the data directory's analytics.db before the service starts, through
// package analytics with its clock set to each day (the service's POST
// /api/events can only count today); today's searches and clicks are then
// POSTed to the running service as the box sends them, with the hits its
// /api/search answers. The week's queries say whether they find anything;
// checkWeek asks the service and prints any that no longer agree.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"nmnsearch/search"
	"nmnsearch/server/analytics"
)

// analyticsView is the name of the admin page's view.
const analyticsView = "admin-analytics"

// adminToken is the service's admin token for this run, typed into the
// admin page.
const adminToken = "screenshots-admin-token-0123456789"

// weekDays is how many days the generated report holds, today included.
const weekDays = 7

// genQuery is a query readers search for in the generated week.
type genQuery struct {
	q        string
	topics   []string // sorted
	found    bool     // whether the seeds answer it (checkWeek checks)
	articles int      // how many articles it finds: the furthest position opened
	perDay   float64  // searches on an ordinary day
	ctr      float64  // share of its searches with a hit opened
}

var weekQueries = []genQuery{
	{"メラトニン", nil, true, 1, 9, .62},
	{"NAD+", nil, true, 3, 7, .45},
	{"睡眠の質", []string{"sleep"}, true, 2, 6, .5},
	{"NMN点滴", nil, true, 2, 5, .55},
	{"不眠", nil, true, 2, 4, .4},
	{"melatonin", nil, true, 1, 4, .5},
	{"side effects", nil, true, 3, 3, .35},
	{"血糖値", []string{"diabetes"}, true, 1, 3, .3},
	{"うつ", nil, true, 1, 2, .5},
	{"サーチュイン", nil, true, 1, 2, .4},
	{"insulin", nil, true, 1, 1, .3},
	{"ビタミンD", nil, false, 0, 4, 0},
	{"価格", nil, false, 0, 3, 0},
	{"亜鉛", nil, false, 0, 2, 0},
	{"zinc", nil, false, 0, 2, 0},
	{"保険適用", nil, false, 0, 2, 0},
	{"妊娠中", nil, false, 0, 1, 0},
	{"hair loss", nil, false, 0, 1, 0},
}

// dayFactor scales a weekday's searches: fewer at the weekend.
var dayFactor = map[time.Weekday]float64{
	time.Monday: 1.2, time.Tuesday: 1.1, time.Wednesday: 1, time.Thursday: 1, time.Friday: .9,
	time.Saturday: .6, time.Sunday: .5,
}

// daySearches is how many times q is searched on day, and with how many a
// hit was opened: a fixed draw for the day, the same at every run.
func daySearches(q genQuery, day time.Time, i int) (searches, clicks int, rng *rand.Rand) {
	rng = rand.New(rand.NewPCG(uint64(day.YearDay()), uint64(i)))
	searches = int(math.Round(q.perDay * dayFactor[day.Weekday()] * (.6 + .8*rng.Float64())))
	for range searches {
		if rng.Float64() < q.ctr {
			clicks++
		}
	}
	return searches, clicks, rng
}

// firstPosition draws the position of a search's first opened hit.
func firstPosition(rng *rand.Rand, articles int) int {
	pos := 1
	if r := rng.Float64(); r > .9 {
		pos = 3
	} else if r > .7 {
		pos = 2
	}
	return min(pos, articles)
}

// writeWeek writes the six days before today into dir's analytics.db, the
// store's clock set to each in turn.
func writeWeek(dir string) error {
	var now time.Time
	store, err := analytics.Open(analytics.Options{Dir: dir, Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	today := time.Now()
	for back := weekDays - 1; back >= 1; back-- {
		day := time.Date(today.Year(), today.Month(), today.Day()-back, 12, 0, 0, 0, time.Local)
		now = day
		for i, q := range weekQueries {
			searches, clicks, rng := daySearches(q, day, i)
			norm := search.Normalize(q.q)
			for n := range searches {
				err = errors.Join(err, store.RecordSearch(analytics.Search{Q: norm, Topics: q.topics, Hits: hitsIf(q.found)}))
				if n < clicks {
					err = errors.Join(err, store.RecordClick(analytics.Click{Q: norm, Topics: q.topics, Pos: firstPosition(rng, q.articles)}))
				}
			}
		}
	}
	// the last day is written by the first search of the next
	now = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 1, 0, time.Local)
	return errors.Join(err, store.Close())
}

// apiAnswer is what the week needs of a search's answer.
type apiAnswer struct {
	Total, Articles int
	Groups          []struct {
		Article struct{ ID string }
	}
}

func ask(svc string, q genQuery) (apiAnswer, error) {
	params := url.Values{"q": {q.q}, "group": {"article"}}
	for _, t := range q.topics {
		params.Add("topic", t)
	}
	var ans apiAnswer
	resp, err := http.Get(svc + "/api/search?" + params.Encode())
	if err != nil {
		return ans, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ans, fmt.Errorf("search %q: %s", q.q, resp.Status)
	}
	return ans, json.NewDecoder(resp.Body).Decode(&ans)
}

// postToday sends today's searches and clicks (half an ordinary day's) to
// the service as the box does, and checks what the week said of each
// query against the service's answer.
func postToday(svc string) error {
	today := time.Now()
	posted := 0
	for i, q := range weekQueries {
		ans, err := ask(svc, q)
		if err != nil {
			return err
		}
		if found := ans.Total > 0; found != q.found {
			log.Printf("analytics: %q finds %d paragraphs; the generated week says found=%v", q.q, ans.Total, q.found)
		}
		searches, clicks, rng := daySearches(q, today, i)
		searches, clicks = (searches+1)/2, (clicks+1)/2
		topics := q.topics
		if topics == nil {
			topics = []string{}
		}
		for n := range searches {
			err := postEvent(svc, map[string]any{"t": "search", "q": q.q, "topics": topics, "lang": "", "hits": ans.Total, "articles": ans.Articles})
			if err == nil && n < clicks && len(ans.Groups) > 0 {
				pos := firstPosition(rng, len(ans.Groups))
				err = postEvent(svc, map[string]any{"t": "click", "q": q.q, "topics": topics, "lang": "", "article": ans.Groups[pos-1].Article.ID, "pos": pos})
			}
			if err != nil {
				return err
			}
			posted++
		}
	}
	fmt.Printf("analytics: %d days written to analytics.db, %d searches of today posted to /api/events\n", weekDays-1, posted)
	return nil
}

// postEvent POSTs one event as navigator.sendBeacon sends a string.
func postEvent(svc string, ev map[string]any) error {
	body, _ := json.Marshal(ev)
	resp, err := http.Post(svc+"/api/events", "text/plain;charset=UTF-8", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("POST /api/events %s: %s", body, resp.Status)
	}
	return nil
}

// shootAnalytics opens the admin page, asks for the week with the token,
// and waits until its charts and tables are drawn.
func shootAnalytics(r *run, tb *tab, v variant) (bool, error) {
	if err := tb.navigate(r.svc + "/admin/analytics"); err != nil {
		return false, err
	}
	if err := tb.wait("the form", `document.getElementById("to")?.value !== ""`); err != nil {
		return false, err
	}
	from := time.Now().AddDate(0, 0, 1-weekDays).Format(time.DateOnly)
	if err := tb.eval(fmt.Sprintf(`document.getElementById("from").value = %q;
		document.getElementById("token").value = %q;
		document.querySelector("#report-form button[type=submit]").click()`, from, adminToken)); err != nil {
		return false, err
	}
	return true, tb.wait("the report", fmt.Sprintf(`!document.getElementById("report").hidden &&
		document.querySelectorAll("#chart-searches rect.bar").length === %d &&
		document.querySelectorAll("#top tbody tr").length > 1`, weekDays))
}

// hitsIf is a search's paragraphs found: some, or none.
func hitsIf(found bool) int {
	if found {
		return 3
	}
	return 0
}
