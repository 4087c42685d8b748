package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"nmnsearch/index"
	"nmnsearch/search"
)

// maxDataFileBytes bounds a topics or synonyms file read at start, above
// the parsers' own limits, so that a wrong path (a disk image) is refused
// before it is read whole.
const maxDataFileBytes = 8 << 20

// topicsFlag defines -topics, which every command that opens the index
// takes: a data directory opened with other topics is re-tagged.
func topicsFlag(fs *flag.FlagSet, env *envDefaults) *string {
	return fs.String("topics", env.str("NMNSEARCH_TOPICS", ""),
		"topics file (format: index/topics.txt), kept by the data directory, which re-tags every article when given another; \"\" for the directory's own (for a new one, the built-in diabetes, depression, sleep) (env NMNSEARCH_TOPICS)")
}

// synonymsFlag defines serve's -synonyms.
func synonymsFlag(fs *flag.FlagSet, env *envDefaults) *string {
	return fs.String("synonyms", env.str("NMNSEARCH_SYNONYMS", ""),
		"synonyms file (format: search/glossary.txt); \"\" for the built-in glossary (env NMNSEARCH_SYNONYMS)")
}

// loadTopics reads the topics file at path; "" gives nil: the data
// directory's own topics (the built-in ones for a new directory). An error
// names the file and line.
func loadTopics(path string) (*index.Topics, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readDataFile(path)
	if err != nil {
		return nil, fmt.Errorf("-topics: %w", err)
	}
	return index.ParseTopics(path, data)
}

// loadSynonyms reads the synonyms file at path, or gives the built-in
// glossary for "".
func loadSynonyms(path string) (*search.Synonyms, error) {
	if path == "" {
		return search.DefaultSynonyms(), nil
	}
	data, err := readDataFile(path)
	if err != nil {
		return nil, fmt.Errorf("-synonyms: %w", err)
	}
	return search.ParseSynonyms(path, data)
}

func readDataFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDataFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxDataFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxDataFileBytes)
	}
	return data, nil
}
