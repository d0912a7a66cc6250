package credential

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// TranscriptVocab is the namespace of the transcript's own terms. A
// credential that uses it is one of ours: issued in a batch, with the
// issuer's eddsa-rdfc-2022 signature and the batch's Merkle proof.
const TranscriptVocab = "https://w3id.org/etranscript/v1#"

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
		if c.doc, err = DecodeJSON(bytes.NewReader(raw), Limits{MaxBytes: 1 << 20, MaxDepth: 32}); err != nil {
			return nil, fmt.Errorf("context %s: %w", c.URL, err)
		}
		out[c.URL] = c
	}
	return out, nil
}

// ErrUnknownContext is returned for a context URL outside the embedded set.
var ErrUnknownContext = errors.New("unknown JSON-LD context (only the embedded contexts are used; none is fetched)")

// UnknownContextError names the context that is not embedded.
type UnknownContextError struct{ URL string }

func (e *UnknownContextError) Error() string {
	return fmt.Sprintf("context %q is not one of the embedded contexts; contexts are never fetched", e.URL)
}

func (e *UnknownContextError) Unwrap() error { return ErrUnknownContext }

// Loader is a json-gold document loader that serves the embedded contexts
// and refuses everything else: no JSON-LD processing here ever reaches the
// network.
type Loader struct{}

// LoadDocument implements ld.DocumentLoader.
func (Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, err := loadContext(u)
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// loadContext returns the parsed embedded context of URL u, or an
// *UnknownContextError.
func loadContext(u string) (any, error) {
	all, err := Contexts()
	if err != nil {
		return nil, err
	}
	c, ok := all[u]
	if !ok {
		return nil, &UnknownContextError{URL: u}
	}
	return c.doc, nil
}
