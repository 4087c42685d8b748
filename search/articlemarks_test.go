package search

import (
	"context"
	"strings"
	"testing"
)

const sleepArticleID = "002-d25f1ed27a07bf50"

// marked returns the marked substrings of each paragraph of article id.
func marked(t *testing.T, s *Service, id, q string) (map[int][]string, *Article) {
	t.Helper()
	a, marks, err := s.MarkArticle(context.Background(), id, q)
	if err != nil {
		t.Fatalf("MarkArticle(%s, %q): %v", id, q, err)
	}
	if a.ID != id || len(marks) != len(a.Paragraphs) {
		t.Fatalf("%d mark lists for %d paragraphs", len(marks), len(a.Paragraphs))
	}
	out := map[int][]string{}
	for i, ms := range marks {
		text := a.Paragraphs[i].Text
		for j, m := range ms {
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End || j > 0 && m.Start <= ms[j-1].End {
				t.Fatalf("paragraph %d: bad or unsorted mark %v in %v", i+1, m, ms)
			}
			out[i+1] = append(out[i+1], text[m.Start:m.End])
		}
	}
	return out, a
}

func TestMarkArticleWholeParagraphs(t *testing.T) {
	s := seedSearch(t)
	got, a := marked(t, s, sleepArticleID, "メラトニン")
	// Every paragraph that names メラトニン, and only those, is marked, the
	// word whole each time (not its bigrams), however long the paragraph.
	for i, p := range a.Paragraphs {
		want := strings.Count(p.Text, "メラトニン")
		n := 0
		for _, m := range got[i+1] {
			if m == "メラトニン" {
				n++
			} else if !strings.EqualFold(m, "melatonin") {
				t.Errorf("paragraph %d: marked %q", i+1, m)
			}
		}
		if n != want {
			t.Errorf("paragraph %d: %d marks of メラトニン, want %d: %q", i+1, n, want, p.Text)
		}
	}
	if len(got) < 5 {
		t.Errorf("%d paragraphs marked, want the five that name メラトニン at least", len(got))
	}
}

func TestMarkArticleTermsOnTheirOwn(t *testing.T) {
	s := seedSearch(t)
	both, a := marked(t, s, sleepArticleID, "NAD+ メラトニン -コルチゾール")
	nad, _ := marked(t, s, sleepArticleID, "NAD+")
	// A paragraph with NAD+ and no メラトニン is still marked: the marks are
	// per term, not per hit.
	found := false
	for n, ms := range nad {
		if !strings.Contains(a.Paragraphs[n-1].Text, "メラトニン") {
			found = true
			var nadMarks []string
			for _, m := range both[n] {
				if m == "NAD+" {
					nadMarks = append(nadMarks, m)
				}
			}
			if len(nadMarks) != len(ms) {
				t.Errorf("paragraph %d: NAD+ marked %d times with both terms (%q), %d with NAD+ alone",
					n, len(nadMarks), both[n], len(ms))
			}
		}
		for _, m := range ms {
			if m != "NAD+" {
				t.Errorf("paragraph %d: NAD+ marked %q", n, m)
			}
		}
	}
	if !found {
		t.Fatal("no paragraph with NAD+ but not メラトニン: the test no longer tests anything")
	}
	// An excluded term is not marked.
	for n, ms := range both {
		for _, m := range ms {
			if m == "コルチゾール" {
				t.Errorf("paragraph %d: excluded term marked", n)
			}
		}
	}
}

func TestMarkArticleNothingAndErrors(t *testing.T) {
	s := seedSearch(t)
	for _, q := range []string{"", "   ", "*", "-NAD+", "ビタミンD"} {
		got, _ := marked(t, s, sleepArticleID, q)
		if len(got) != 0 {
			t.Errorf("q=%q marked %v, want nothing", q, got)
		}
	}
	if _, _, err := s.MarkArticle(context.Background(), "999-nope", "NAD+"); ErrorCode(err) != CodeNotFound {
		t.Errorf("unknown article: %v, want %s", err, CodeNotFound)
	}
	long := strings.Repeat("あ", MaxQueryRunes+1)
	if _, _, err := s.MarkArticle(context.Background(), sleepArticleID, long); ErrorCode(err) != CodeInvalid {
		t.Errorf("q of %d runes: %v, want %s", MaxQueryRunes+1, err, CodeInvalid)
	}
	many := strings.Repeat("a ", MaxTerms+1)
	if _, _, err := s.MarkArticle(context.Background(), sleepArticleID, many); ErrorCode(err) != CodeInvalid {
		t.Errorf("q of %d terms: %v, want %s", MaxTerms+1, err, CodeInvalid)
	}
}
