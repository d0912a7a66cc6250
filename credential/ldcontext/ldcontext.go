// Package ldcontext holds the JSON-LD contexts a credential may name by
// URL, embedded with a manifest of where each came from, and the loaders
// that serve them to JSON-LD processors. Nothing here fetches: a context
// outside the embedded set is an error.
package ldcontext

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/piprate/json-gold/ld"
)

// The URLs of the contexts our credentials name, in the order of the
// upstream fixtures (docs/credential.md §1).
const (
	VCv2          = "https://www.w3.org/ns/credentials/v2"
	DataIntegrity = "https://w3id.org/security/data-integrity/v2"
	BlockcertsV31 = "https://w3id.org/blockcerts/v3.1"
)

//go:embed contexts/*.json
var contextFiles embed.FS

// Context is one embedded JSON-LD context document.
type Context struct {
	URL    string `json:"url"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Source string `json:"source"`
	// Raw is the document as shipped; its SHA-256 is SHA256.
	Raw []byte `json:"-"`
	doc any
}

var (
	contextsOnce sync.Once
	contexts     map[string]*Context
	contextsErr  error
)

// Contexts returns the embedded contexts by URL. These are the only
// contexts a credential may reference by URL (docs/credential.md §1):
// contexts/manifest.json lists them and records where each file came from.
func Contexts() (map[string]*Context, error) {
	contextsOnce.Do(func() {
		contexts, contextsErr = loadContexts()
	})
	return contexts, contextsErr
}

func loadContexts() (map[string]*Context, error) {
	mf, err := contextFiles.ReadFile("contexts/manifest.json")
	if err != nil {
		return nil, err
	}
	var list []*Context
	if err := json.Unmarshal(mf, &list); err != nil {
		return nil, fmt.Errorf("contexts/manifest.json: %w", err)
	}
	out := make(map[string]*Context, len(list))
	for _, c := range list {
		raw, err := contextFiles.ReadFile("contexts/" + c.File)
		if err != nil {
			return nil, fmt.Errorf("context %s: %w", c.URL, err)
		}
		sum := sha256.Sum256(raw)
		if hex.EncodeToString(sum[:]) != c.SHA256 {
			return nil, fmt.Errorf("context %s: %s does not match its manifest SHA-256", c.URL, c.File)
		}
		c.Raw = raw
		if c.doc, err = jsonstrict.Decode(bytes.NewReader(raw), jsonstrict.Limits{MaxBytes: 1 << 20, MaxDepth: 32}); err != nil {
			return nil, fmt.Errorf("context %s: %w", c.URL, err)
		}
		out[c.URL] = c
	}
	return out, nil
}

// ErrUnknown is returned for a context URL outside the embedded set.
var ErrUnknown = errors.New("unknown JSON-LD context (only the embedded contexts are used; none is fetched)")

// UnknownError names the context that is not embedded.
type UnknownError struct{ URL string }

func (e *UnknownError) Error() string {
	return fmt.Sprintf("context %q is not one of the embedded contexts; contexts are never fetched", e.URL)
}

func (e *UnknownError) Unwrap() error { return ErrUnknown }

// Loader is a json-gold document loader that serves the embedded contexts
// and refuses everything else: no JSON-LD processing here ever reaches the
// network.
type Loader struct{}

// LoadDocument implements ld.DocumentLoader.
func (Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, err := Load(u)
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// Load returns the parsed embedded context of URL u, or an *UnknownError;
// it is the loader of package jsonld. The document is shared: callers must
// not change it.
func Load(u string) (any, error) {
	all, err := Contexts()
	if err != nil {
		return nil, err
	}
	c, ok := all[u]
	if !ok {
		return nil, &UnknownError{URL: u}
	}
	return c.doc, nil
}
