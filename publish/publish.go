package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/verifier"
)

// Paths of the documents, under the base URL.
const (
	ProfilePath        = "/issuer/profile.json"
	JWKSPath           = "/issuer/jwks.json"
	DIDPath            = "/.well-known/did.json"
	RevocationListPath = "/issuer/revocations.json"
	StatusPrefix       = "/issuer/status/"
	W3CStatusPrefix    = status.W3CPrefix
)

// Document is a published document.
type Document struct {
	Body        []byte
	ContentType string
	Modified    time.Time
	// MaxAge is how long caches may keep it.
	MaxAge time.Duration
}

// ErrNotFound is returned for a path that names no document.
var ErrNotFound = errors.New("no such document")

// Site is one issuer's published documents.
type Site struct {
	Config *config.Config
	// Status is the status service; nil publishes no status lists.
	Status *status.Service
}

// Cache lifetimes: keys change rarely, statuses must show quickly.
const (
	keysMaxAge   = 5 * time.Minute
	statusMaxAge = time.Minute
)

// Get returns the document at path (with query, for the revocation
// list's ?assertionId=).
func (s *Site) Get(ctx context.Context, path string, query url.Values) (*Document, error) {
	switch path {
	case ProfilePath, JWKSPath, DIDPath:
		ring, err := keys.Open(s.Config.Dir())
		if err != nil {
			return nil, err
		}
		var doc any
		typ := "application/json"
		switch path {
		case ProfilePath:
			doc = ring.Profile(s.Config.Issuer())
		case JWKSPath:
			doc, err = ring.JWKS(s.Config.ProfileURL())
			typ = "application/jwk-set+json"
		case DIDPath:
			doc, err = ring.DIDDocument(s.Config.Issuer(), s.Config.URL)
			typ = "application/did+json"
		}
		if err != nil {
			return nil, err
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return nil, err
		}
		return &Document{Body: append(b, '\n'), ContentType: typ, Modified: ringModified(s.Config.Dir()), MaxAge: keysMaxAge}, nil
	case RevocationListPath:
		if s.Status == nil {
			return nil, ErrNotFound
		}
		b, err := s.Status.RevocationList(ctx, query.Get("assertionId"))
		if err != nil {
			return nil, err
		}
		return &Document{Body: b, ContentType: "application/json", MaxAge: statusMaxAge}, nil
	}
	if s.Status == nil {
		return nil, ErrNotFound
	}
	if rest, ok := strings.CutPrefix(path, StatusPrefix); ok {
		return listDocument(ctx, rest, s.Status.ListDocument)
	}
	if rest, ok := strings.CutPrefix(path, W3CStatusPrefix); ok {
		key, rest, _ := strings.Cut(rest, "/")
		return listDocument(ctx, rest, func(ctx context.Context, list int, p status.Purpose) ([]byte, time.Time, error) {
			return s.Status.W3CListDocument(ctx, key, list, p)
		})
	}
	return nil, ErrNotFound
}

// listDocument answers "LIST/PURPOSE" from one form of the status lists.
func listDocument(ctx context.Context, rest string, get func(context.Context, int, status.Purpose) ([]byte, time.Time, error)) (*Document, error) {
	n, purpose, ok := strings.Cut(rest, "/")
	list, err := strconv.Atoi(n)
	if !ok || err != nil || list < 1 || strconv.Itoa(list) != n {
		return nil, ErrNotFound
	}
	b, at, err := get(ctx, list, status.Purpose(purpose))
	if errors.Is(err, status.ErrNoDocument) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &Document{Body: b, ContentType: "application/json", Modified: at, MaxAge: statusMaxAge}, nil
}

// ringModified is when the key ring last changed.
func ringModified(dir string) time.Time {
	fi, err := os.Stat(filepath.Join(dir, "keyring.json"))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime().UTC().Truncate(time.Second)
}

// Fetcher answers URLs under the site's base URL from the site itself and
// passes every other URL to Next.
type Fetcher struct {
	Site *Site
	Next verifier.Fetcher
}

// Fetch implements verifier.Fetcher.
func (f Fetcher) Fetch(ctx context.Context, raw string, maxBytes int64) ([]byte, error) {
	base := f.Site.Config.URL
	if rest, ok := strings.CutPrefix(raw, base); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, err
		}
		bu, _ := url.Parse(base)
		doc, err := f.Site.Get(ctx, strings.TrimPrefix(u.Path, strings.TrimRight(bu.Path, "/")), u.Query())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", raw, err)
		}
		if int64(len(doc.Body)) > maxBytes {
			return nil, fmt.Errorf("%s: larger than %d bytes", raw, maxBytes)
		}
		return doc.Body, nil
	}
	if f.Next == nil {
		return nil, fmt.Errorf("%s: %w", raw, verifier.ErrNotFound)
	}
	return f.Next.Fetch(ctx, raw, maxBytes)
}
