package web

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// results keeps each verification result page's content for a while, so
// that its language switch (a GET) can show it again in the other
// language without the upload being sent again. Only in memory, bounded,
// and reached by an unguessable token; the credential itself is not kept.
type results struct {
	mu      sync.Mutex
	entries map[string]cachedPage
	order   []string // tokens, oldest first
}

type cachedPage struct {
	p       page
	expires time.Time
}

// Limits of the results kept.
const (
	resultTTL  = 15 * time.Minute
	maxResults = 1000
)

// put keeps p and returns its token.
func (rs *results) put(p page, now time.Time) string {
	var b [16]byte
	rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.entries == nil {
		rs.entries = map[string]cachedPage{}
	}
	for len(rs.order) > 0 && (len(rs.order) >= maxResults || now.After(rs.entries[rs.order[0]].expires)) {
		delete(rs.entries, rs.order[0])
		rs.order = rs.order[1:]
	}
	rs.entries[tok] = cachedPage{p: p, expires: now.Add(resultTTL)}
	rs.order = append(rs.order, tok)
	return tok
}

// get returns the page kept under tok, if it has not expired.
func (rs *results) get(tok string, now time.Time) (page, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	e, ok := rs.entries[tok]
	if !ok || now.After(e.expires) {
		return page{}, false
	}
	return e.p, true
}
