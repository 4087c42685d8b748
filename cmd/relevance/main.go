// Command relevance scores this service on the judged set of
// search/relevance (nDCG@10, recall@10, MRR per query class) and, side by
// side, any peer engine run as a command with the interface of
// ../shared/peers:
//
//	go run ./cmd/relevance
//	go run ./cmd/relevance -v -peer 'groonga bigram=GROONGA_VARIANT=bigram ../shared/peers/groonga/query.sh'
//
// .bench/groonga-relevance.sh sets Groonga up and compares all three of its
// tokenizers.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"nmnsearch/index"
	"nmnsearch/search"
	"nmnsearch/search/relevance"
	"nmnsearch/seeds"
)

type peerFlags []string

func (p *peerFlags) String() string { return strings.Join(*p, ", ") }
func (p *peerFlags) Set(v string) error {
	if name, cmd, ok := strings.Cut(v, "="); !ok || name == "" || cmd == "" {
		return fmt.Errorf("want label=command, got %q", v)
	}
	*p = append(*p, v)
	return nil
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "relevance:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("relevance", flag.ContinueOnError)
	var peers peerFlags
	fs.Var(&peers, "peer", "`label=command` of a peer engine to score too (repeatable)")
	verbose := fs.Bool("v", false, "also print nDCG@10 per query")
	show := fs.String("show", "", "print the ranking of the judged query with this `name` and what it missed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	qs, err := relevance.Judged()
	if err != nil {
		return err
	}
	ix, err := index.Build(seeds.FS)
	if err != nil {
		return err
	}
	defer ix.Close()
	svc := search.New(ix, nil)

	names := []string{"nmnsearch"}
	engines := []relevance.Engine{relevance.Service(svc)}
	var paragraphs []search.Paragraph
	for _, a := range svc.Articles() {
		paragraphs = append(paragraphs, a.Paragraphs...)
	}
	for _, p := range peers {
		name, cmd, _ := strings.Cut(p, "=")
		names = append(names, name)
		engines = append(engines, relevance.Peer(cmd, paragraphs))
	}

	var sums [][]relevance.Summary
	var results [][]relevance.Result
	for _, e := range engines {
		rs, err := relevance.Run(ctx, e, qs)
		if err != nil {
			return err
		}
		results = append(results, rs)
		sums = append(sums, relevance.Summarize(rs))
	}
	if *show != "" {
		return showQuery(stdout, *show, names, results, paragraphs)
	}
	fmt.Fprintf(stdout, "nDCG@10 / recall@10 / MRR on %d judged queries (search/relevance/judged.txt)\n\n", len(qs))
	fmt.Fprint(stdout, relevance.Table(names, sums))
	if *verbose {
		fmt.Fprintf(stdout, "\nnDCG@10 per query\n\n| query | class | q |")
		for _, n := range names {
			fmt.Fprintf(stdout, " %s |", n)
		}
		fmt.Fprint(stdout, "\n|---|---|---|"+strings.Repeat("---:|", len(names))+"\n")
		for i, q := range qs {
			fmt.Fprintf(stdout, "| %s | %s | `%s` |", q.Name, q.Class, q.Q)
			for _, rs := range results {
				r := rs[i]
				if q.Class == relevance.ClassAbsent {
					fmt.Fprintf(stdout, " %d hits |", len(r.Ranked))
				} else {
					fmt.Fprintf(stdout, " %.3f |", r.NDCG)
				}
			}
			fmt.Fprintln(stdout)
		}
	}
	return nil
}

// showQuery prints each engine's first hits for one judged query, with
// their grades, then the graded paragraphs it did not return.
func showQuery(w io.Writer, name string, names []string, results [][]relevance.Result, paragraphs []search.Paragraph) error {
	text := map[string]string{}
	for _, p := range paragraphs {
		text[p.ID] = p.Text
	}
	clip := func(s string) string {
		if r := []rune(s); len(r) > 70 {
			return string(r[:70]) + "…"
		}
		return s
	}
	for e, rs := range results {
		for _, r := range rs {
			if r.Query.Name != name {
				continue
			}
			fmt.Fprintf(w, "%s %q (%s): nDCG@10 %.3f recall@10 %.3f MRR %.3f\n", names[e], r.Query.Q, r.Query.Need, r.NDCG, r.Recall, r.MRR)
			found := map[string]bool{}
			for i, id := range r.Ranked {
				found[id] = true
				fmt.Fprintf(w, "%3d  %d  %-26s %s\n", i+1, r.Query.Grades[id], id, clip(text[id]))
			}
			for id, g := range r.Query.Grades {
				if !found[id] {
					fmt.Fprintf(w, "  -  %d  %-26s %s\n", g, id, clip(text[id]))
				}
			}
		}
	}
	return nil
}
