package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// answers is what each of queries answers now, by query: taken before a
// damage, compared after it; none of them may match what is written
// between.
func (r *run) answers(ctx context.Context, queries []string) map[string]string {
	out := map[string]string{}
	s := r.dir.srv
	if s == nil {
		return out
	}
	for _, q := range queries {
		a, err := r.do(ctx, s, http.MethodGet, "/api/search?"+q, nil)
		if err != nil || a.status != http.StatusOK {
			continue
		}
		if fp, err := fingerprint(a.body); err == nil {
			out[q] = fp
		}
	}
	return out
}

// sameAnswers runs the queries again: each must answer as before the damage,
// the index healed or never hurt, not answering other hits without an error.
func (r *run) sameAnswers(ctx context.Context, k kind, before map[string]string) {
	for _, q := range allQueries {
		want, ok := before[q]
		if !ok {
			continue
		}
		a, err := r.read(ctx, k, "", "/api/search?"+q)
		if errors.Is(err, errAbort) {
			return
		}
		if err != nil {
			continue
		}
		if a.status != http.StatusOK {
			r.fail(k, badAnswer, "", "search %s: %s", q, a)
			continue
		}
		got, err := fingerprint(a.body)
		if err != nil {
			r.fail(k, badAnswer, "", "search %s: %v: %s", q, err, a)
			continue
		}
		if got != want {
			r.fail(k, searchMiss, "", "search %s answered %s before the damage, %s after", q, clip(want, 300), clip(got, 300))
		}
	}
}

// fingerprint is a search answer's total, facets and, when the page holds
// every hit, the set of their ids (a rebuilt index may order ties
// otherwise).
func fingerprint(body []byte) (string, error) {
	var res struct {
		Total  int
		Hits   []struct{ ID string }
		Facets json.RawMessage
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return "", err
	}
	fp := fmt.Sprintf("total %d, facets %s", res.Total, res.Facets)
	if len(res.Hits) == res.Total {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		slices.Sort(ids)
		fp += ", hits " + strings.Join(ids, " ")
	}
	return fp, nil
}
