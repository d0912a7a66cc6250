package verifier_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/etranscript/etranscript/verifier"
)

type countingFetcher struct {
	n   int
	err error
}

func (c *countingFetcher) Fetch(ctx context.Context, url string, max int64) ([]byte, error) {
	c.n++
	if c.err != nil {
		return nil, c.err
	}
	return []byte(url), nil
}

func TestCachingFetcher(t *testing.T) {
	next := &countingFetcher{}
	f := &verifier.CachingFetcher{Next: next, Max: 2, TTL: 50 * time.Millisecond}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if b, _ := f.Fetch(ctx, "https://a/", 100); string(b) != "https://a/" {
			t.Fatal(string(b))
		}
	}
	if next.n != 1 {
		t.Errorf("%d fetches of one URL, want 1", next.n)
	}
	for i := 0; i < 3; i++ { // evicts https://a/ (bounded to 2)
		f.Fetch(ctx, fmt.Sprintf("https://b%d/", i), 100)
	}
	f.Fetch(ctx, "https://a/", 100)
	if next.n != 5 {
		t.Errorf("%d fetches: the cache did not stay bounded", next.n)
	}
	time.Sleep(60 * time.Millisecond)
	f.Fetch(ctx, "https://a/", 100)
	if next.n != 6 {
		t.Errorf("%d fetches: an expired entry was used", next.n)
	}
	bad := &countingFetcher{err: errors.New("down")}
	g := &verifier.CachingFetcher{Next: bad}
	g.Fetch(ctx, "x", 1)
	g.Fetch(ctx, "x", 1)
	if bad.n != 2 {
		t.Error("a failure was cached")
	}
}
