package dataintegrity

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/piprate/json-gold/ld"
)

// Canonicalizer turns a JSON-LD document into RDFC-1.0 (URDNA2015)
// canonical N-Quads, loading contexts only from the embedded set. It is the
// one seam between the credential code and the canonicalization algorithm,
// so a faster implementation can replace json-gold without touching
// callers. Implementations must be safe for concurrent use.
type Canonicalizer interface {
	Canonicalize(ctx context.Context, doc map[string]any) ([]byte, error)
}

// JSONGold canonicalizes with github.com/piprate/json-gold.
type JSONGold struct{}

// Canonicalize implements Canonicalizer.
// It cannot be stopped once started, so it takes documents of at most
// MaxFallbackValues JSON values; it is the reference for tests, never used
// on untrusted input.
func (JSONGold) Canonicalize(ctx context.Context, doc map[string]any) (out []byte, err error) {
	if err := fallbackOK(ctx, doc); err != nil {
		return nil, err
	}
	defer recoverGold(&err)
	opts := ld.NewJsonLdOptions("")
	opts.Format = "application/n-quads"
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.DocumentLoader = ldcontext.Loader{}
	res, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		var uc *ldcontext.UnknownError
		if errors.As(err, &uc) {
			return nil, uc
		}
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	s, ok := res.(string)
	if !ok {
		return nil, fmt.Errorf("canonicalize: unexpected output %T", res)
	}
	return []byte(s), nil
}

// ErrProcessor is returned when json-gold fails on a document in a way it
// does not report itself (it panics on some malformed input, e.g. {"": 0}).
var ErrProcessor = errors.New("canonicalize: the JSON-LD processor failed on this document")

func recoverGold(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrProcessor, r)
	}
}

// Default is the canonicalizer used when none is given: json-gold's
// JSON-LD to RDF with package canon's RDFC-1.0 (about 2.2 times json-gold's
// own normalization, and escaping literals as RDFC-1.0 and the official
// verifier's rdf-canonize do).
var Default Canonicalizer = Fast{}

// FallbackVocab is the vocabulary added for hashing, so that a term no
// context defines shows up instead of vanishing (docs/credential.md §2 step 2).
const FallbackVocab = "http://fallback.org/"

// UnmappedError lists the properties or types no context defines.
type UnmappedError struct{ Fields []string }

func (e *UnmappedError) Error() string {
	return "terms not defined by any context: " + strings.Join(e.Fields, ", ")
}

// HashInput prepares a credential for hashing, as docs/credential.md §2 steps 1
// and 2 say: a shallow copy without the proofs after the first keep ones
// (keep = 0 removes "proof"), and the fallback @vocab added to @context
// unless a context object already has an @vocab.
func HashInput(doc map[string]any, keep int) (map[string]any, error) {
	c := make(map[string]any, len(doc))
	for k, v := range doc {
		c[k] = v
	}
	delete(c, "proof")
	if keep > 0 {
		proofs, ok := doc["proof"].([]any)
		if !ok || len(proofs) < keep {
			return nil, fmt.Errorf("proof: expected an array of at least %d proofs", keep)
		}
		if keep == 1 {
			c["proof"] = proofs[0]
		} else {
			c["proof"] = append([]any(nil), proofs[:keep]...)
		}
	}
	ctx, err := HashContext(doc["@context"])
	if err != nil {
		return nil, err
	}
	c["@context"] = ctx
	return c, nil
}

// HashContext is a document's @context with the fallback @vocab added
// unless a context object already has an @vocab (docs/credential.md §2 step 2).
func HashContext(v any) ([]any, error) {
	var ctx []any
	switch v := v.(type) {
	case []any:
		ctx = append(ctx, v...)
	case nil:
		return nil, errors.New("@context: missing")
	default:
		ctx = append(ctx, v)
	}
	hasVocab := false
	for _, e := range ctx {
		if m, ok := e.(map[string]any); ok {
			if _, ok := m["@vocab"]; ok {
				hasVocab = true
			}
		}
	}
	if !hasVocab {
		ctx = append(ctx, map[string]any{"@vocab": FallbackVocab})
	}
	return ctx, nil
}

// TargetHash computes the Blockcerts target hash of a credential
// (docs/credential.md §2): without its proofs past the first keep ones, with the
// fallback vocabulary, canonicalized, checked for unmapped terms (an
// *UnmappedError naming them), SHA-256.
func TargetHash(ctx context.Context, c Canonicalizer, doc map[string]any, keep int) ([32]byte, error) {
	in, err := HashInput(doc, keep)
	if err != nil {
		return [32]byte{}, err
	}
	nq, err := c.Canonicalize(ctx, in)
	if err != nil {
		return [32]byte{}, err
	}
	if err := Unmapped(nq); err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(nq), nil
}

// Unmapped returns an *UnmappedError when canonical N-Quads hold an IRI of
// the fallback vocabulary (docs/credential.md §2 step 4).
func Unmapped(nquads []byte) error {
	marker := []byte("<" + FallbackVocab)
	if !bytes.Contains(nquads, marker) {
		return nil
	}
	seen := map[string]bool{}
	for rest := nquads; ; {
		i := bytes.Index(rest, marker)
		if i < 0 {
			break
		}
		rest = rest[i+len(marker):]
		j := bytes.IndexByte(rest, '>')
		if j < 0 {
			break
		}
		seen[string(rest[:j])] = true
		rest = rest[j:]
	}
	fields := make([]string, 0, len(seen))
	for f := range seen {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return &UnmappedError{Fields: fields}
}
