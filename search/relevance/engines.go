package relevance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"

	"nmnsearch/search"
)

// Service is this service's engine: the first K hits of search.Service, as
// GET /api/search returns them.
func Service(s *search.Service) Engine {
	return func(ctx context.Context, q Query) ([]string, error) {
		res, err := s.Search(ctx, search.Request{Q: q.Q, Topics: q.Topics, Lang: q.Lang, Size: K})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}
}

// Peer is an engine run as a shell command, the interface of
// ../shared/peers: the command gets one argument, the JSON object
// {"q": ..., "topic": [...], "lang": ...}, and prints a JSON list of the
// paragraph texts it found, best first. Texts map back to paragraph ids via
// the articles' paragraphs; a text the service does not index (site chrome
// the peer kept) maps to a non-id that is never relevant.
func Peer(command string, paragraphs []search.Paragraph) Engine {
	ids := make(map[string]string, len(paragraphs))
	for _, p := range paragraphs {
		ids[p.Text] = p.ID
	}
	return func(ctx context.Context, q Query) ([]string, error) {
		arg, err := json.Marshal(struct {
			Q     string   `json:"q"`
			Topic []string `json:"topic"`
			Lang  string   `json:"lang"`
		}{q.Q, q.Topics, q.Lang})
		if err != nil {
			return nil, err
		}
		// sh runs the command as written ("GROONGA_VARIANT=x path/query.sh"
		// works too); the JSON is passed as $1, never through the shell's
		// parser.
		cmd := exec.CommandContext(ctx, "sh", "-c", command+` "$1"`, "sh", string(arg))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s: %v: %s", command, err, strings.TrimSpace(stderr.String()))
		}
		var texts []string
		if err := json.Unmarshal(out, &texts); err != nil {
			return nil, fmt.Errorf("%s: output is not a JSON list of texts: %v", command, err)
		}
		ranked := make([]string, len(texts))
		for i, t := range texts {
			id, ok := ids[strings.TrimSpace(t)]
			if !ok {
				id = "unindexed:" + t
			}
			ranked[i] = id
		}
		return ranked, nil
	}
}
