package verifier

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/etranscript/etranscript/anchor"
)

// lru is a bounded map with expiry, least recently used first out.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	order *list.List
	items map[string]*list.Element
}

type lruEntry[V any] struct {
	key     string
	val     V
	expires time.Time
}

func newLRU[V any](max int, ttl time.Duration) *lru[V] {
	return &lru[V]{max: max, ttl: ttl, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*lruEntry[V])
	if time.Now().After(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

func (c *lru[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&lruEntry[V]{key: key, val: v, expires: time.Now().Add(c.ttl)})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry[V]).key)
	}
}

// CachingFetcher keeps what Next fetched (issuer profiles, status lists)
// for TTL, at most Max documents: a public verifier under load asks the
// issuer once a minute, not once per credential. Failures are not kept.
type CachingFetcher struct {
	Next  Fetcher
	cache *lru[[]byte]
	once  sync.Once
	Max   int
	TTL   time.Duration
}

// Fetch implements Fetcher.
func (f *CachingFetcher) Fetch(ctx context.Context, url string, maxBytes int64) ([]byte, error) {
	f.once.Do(func() {
		if f.Max <= 0 {
			f.Max = 1024
		}
		if f.TTL <= 0 {
			f.TTL = time.Minute
		}
		f.cache = newLRU[[]byte](f.Max, f.TTL)
	})
	if b, ok := f.cache.get(url); ok && int64(len(b)) <= maxBytes {
		return b, nil
	}
	b, err := f.Next.Fetch(ctx, url, maxBytes)
	if err != nil {
		return nil, err
	}
	f.cache.put(url, b)
	return b, nil
}

// CachingChain keeps the transactions Next looked up, for TTL (their
// confirmations are as of the lookup), at most Max.
type CachingChain struct {
	Next  ChainReader
	cache *lru[*anchor.TxInfo]
	once  sync.Once
	Max   int
	TTL   time.Duration
}

// NetworkName is the wrapped reader's network name, if it has one.
func (c *CachingChain) NetworkName() string {
	if n, ok := c.Next.(interface{ NetworkName() string }); ok {
		return n.NetworkName()
	}
	return ""
}

// Lookup implements ChainReader.
func (c *CachingChain) Lookup(ctx context.Context, txid string) (*anchor.TxInfo, error) {
	c.once.Do(func() {
		if c.Max <= 0 {
			c.Max = 4096
		}
		if c.TTL <= 0 {
			c.TTL = time.Minute
		}
		c.cache = newLRU[*anchor.TxInfo](c.Max, c.TTL)
	})
	if t, ok := c.cache.get(txid); ok {
		return t, nil
	}
	t, err := c.Next.Lookup(ctx, txid)
	if err != nil {
		return nil, err
	}
	c.cache.put(txid, t)
	return t, nil
}

// Required implements ChainReader.
func (c *CachingChain) Required() uint64 { return c.Next.Required() }
