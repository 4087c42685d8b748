package main

import (
	"context"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// killDuringWrites runs two writers and a deleter, kills the server with
// SIGKILL at a random moment, starts it again and checks every article.
func (r *run) killDuringWrites(ctx context.Context) {
	k := killDuringWrites
	if r.dir.srv == nil && !r.startAndWait(ctx, k) {
		return
	}
	s := r.dir.srv
	// Each id has one owner in a round, so its writes go in order: the old
	// ids are shared out, a writer's new ids are its own until it hands
	// them to the deleter.
	old := r.dir.ledger.ids(false)
	r.rng.Shuffle(len(old), func(i, j int) { old[i], old[j] = old[j], old[i] })
	var shares [3][]string
	for i, id := range old {
		shares[i%3] = append(shares[i%3], id)
	}
	stop := make(chan struct{})
	handoff := make(chan string, 1024)
	var serial atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		rng := mrand.New(mrand.NewPCG(r.rng.Uint64(), r.rng.Uint64()))
		wg.Go(func() { r.writer(ctx, k, s, rng, shares[w], handoff, stop, &serial) })
	}
	wg.Go(func() { r.deleter(ctx, k, s, shares[2], handoff, stop) })

	after := 100*time.Millisecond + time.Duration(r.rng.Int64N(int64(1900*time.Millisecond)))
	select {
	case <-time.After(after):
	case <-ctx.Done():
	}
	s.kill()
	r.dir.srv = nil
	close(stop)
	wg.Wait()
	r.note("killed after %d ms", after.Milliseconds())
	if !r.startAndWait(ctx, k) {
		return
	}
	r.checkAll(ctx, k)
}

// writer PUTs articles until stop: a new id (f-<round>-<n>) or, one time in
// four, one of its old ones, one to three versions each, and hands one id
// in three to the deleter.
func (r *run) writer(ctx context.Context, k kind, s *server, rng *mrand.Rand, old []string,
	handoff chan<- string, stop <-chan struct{}, serial *atomic.Int64) {
	for !closed(stop) {
		var id string
		if len(old) > 0 && rng.IntN(4) == 0 {
			id, old = old[0], old[1:]
		} else {
			id = fmt.Sprintf("f-%d-%d", r.round, serial.Add(1))
		}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			if closed(stop) || !r.write(ctx, k, s, id, true) {
				return
			}
		}
		if rng.IntN(3) == 0 {
			select {
			case handoff <- id:
			default:
			}
		}
	}
}

// deleter DELETEs the ids handed to it and, between them, its share of the
// old ones.
func (r *run) deleter(ctx context.Context, k kind, s *server, old []string, handoff <-chan string, stop <-chan struct{}) {
	for {
		var id string
		select {
		case <-stop:
			return
		case id = <-handoff:
		default:
			if len(old) == 0 {
				select {
				case <-stop:
					return
				case id = <-handoff:
				}
			} else {
				id, old = old[0], old[1:]
			}
		}
		if !r.write(ctx, k, s, id, false) {
			return
		}
	}
}

// write sends one PUT (live) or DELETE of id and records it; false when it
// got no answer (the kill), a 503 (healing) or an answer it should not
// have. Unless acknowledged, the write stays pending: either outcome is
// right, and its owner writes the id no more in the round.
func (r *run) write(ctx context.Context, k kind, s *server, id string, live bool) bool {
	l := r.dir.ledger
	was := l.get(id)
	want, marker := l.send(id, live)
	method, body := http.MethodDelete, []byte(nil)
	if live {
		method = http.MethodPut
		body, _ = json.Marshal(map[string]string{"text": articleText(id, marker, want.version)})
	}
	a, err := r.do(ctx, s, method, "/api/articles/"+id, body)
	switch {
	case err != nil:
		return false // the kill: the write stays pending, either outcome is right
	case a.status >= 200 && a.status < 300:
		l.ack(id)
		r.tally.add(&r.tally.acked, k, 1)
		return true
	case a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "":
		r.tally.add(&r.tally.unavailable, k, 1) // healing: the write may wait, or be refused
		return false
	case !live && a.status == http.StatusNotFound:
		l.settle(id, state{})
		if was.acked.live && was.pending == nil {
			r.fail(k, lost, id, "DELETE answered 404 for an article acknowledged at %s", was.acked)
		}
		return true
	default:
		r.fail(k, badAnswer, id, "%s: %s", method, a)
		return false
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// populateArticles is how many articles a new data directory gets before
// its first round: a few segments, and articles of the bench's to check.
const populateArticles = 60

// populate PUTs populateArticles articles (ids f-0-<n>) into a new data
// directory.
func (r *run) populate(ctx context.Context) error {
	s := r.dir.srv
	l := r.dir.ledger
	for n := 1; n <= populateArticles; n++ {
		id := fmt.Sprintf("f-0-%d", n)
		want, marker := l.send(id, true)
		body, _ := json.Marshal(map[string]string{"text": articleText(id, marker, want.version)})
		a, err := r.do(ctx, s, http.MethodPut, "/api/articles/"+id, body)
		if err != nil {
			return fmt.Errorf("populating a new data directory: PUT %s: %w", id, err)
		}
		if a.status/100 != 2 {
			return fmt.Errorf("populating a new data directory: PUT %s: %s", id, a)
		}
		l.ack(id)
	}
	return nil
}
