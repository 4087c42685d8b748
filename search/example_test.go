package search_test

import (
	"context"
	"fmt"
	"os"

	"nmnsearch/index"
	"nmnsearch/search"
)

// A Japanese term matches as a whole word and is marked whole; the glossary
// adds the English paragraphs about melatonin, ranked after these.
func Example() {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	s := search.New(ix, nil)
	res, err := s.Search(context.Background(), search.Request{Q: "メラトニン", Size: 2})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Total, "hits; topics:", res.Facets.Topic)
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.Highlight)
	}
	// Output:
	// 10 hits; topics: [{diabetes 0} {depression 0} {sleep 10}]
	// 002-d25f1ed27a07bf50-20 b. <mark>メラトニン</mark>分泌をサポート
	// 002-d25f1ed27a07bf50-9 特に、夜間の<mark>メラトニン</mark>分泌が促されやすくなるため、睡眠時間や睡眠の質の改善が期待できます。
}

// Symbols are literal: NAD+ finds "NAD+" and not a bare "NAD"; a topic
// filter keeps the topic facet counting as if it were not set.
func ExampleService_Search_filter() {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	s := search.New(ix, nil)
	res, err := s.Search(context.Background(), search.Request{Q: "NAD+", Topics: []string{"diabetes"}, Lang: "en"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Total, res.Facets.Topic, res.Facets.Lang)
	fmt.Println(res.Hits[0].Highlight)
	// Output:
	// 1 [{diabetes 1} {depression 10} {sleep 12}] [{ja 0} {en 1}]
	// In obese type 2 diabetes, restoration of <mark>NAD+</mark> improved glucose tolerance, increased hepatic insulin sensitivity, and restored gene expression related to…
}

// Bad input is an *Error with a code, never a panic.
func ExampleError() {
	ix, err := index.Build(os.DirFS("../index/testdata"))
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	_, err = search.New(ix, nil).Search(context.Background(), search.Request{Q: "NAD+", Size: 51})
	fmt.Println(search.ErrorCode(err), err)
	// Output:
	// invalid_param invalid_param: size must be between 1 and 50
}
