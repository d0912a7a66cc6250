package dataintegrity

import (
	"context"
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/internal/base58"
	"github.com/etranscript/etranscript/jsonld"
)

// SignAndHash is what issuing does to each credential: SignEdDSA, then
// TargetHash (keeping that one proof) of the credential with the proof
// added. The results are the same as those two calls'; with Fast, the
// credential is converted to RDF once instead of twice:
//
//   - The document's quads, computed with the fallback vocabulary, serve
//     the signature too when no fallback IRI is among them: @vocab only
//     ever changes the expansion of a term, type or vocabulary-relative
//     value no context defines, and any such expansion is an IRI under
//     the fallback vocabulary (docs/credential.md §2 step 2; JSON-LD 1.1 IRI
//     Expansion §5.2.2 step 7). With one among them, the credential has
//     unmapped terms and TargetHash reports them.
//   - The signed credential's quads are the document's and those of its
//     proof: each property of a node object expands independently of the
//     others once the active context and the node's types are known
//     (JSON-LD 1.1 Expansion §5.1.2 steps 9-14), so the proof expands as
//     it would in a document of the credential's @context, id, type and
//     proof alone, and its blank nodes are its own.
//
// The fast path needs an IRI id (a blank-node credential would be two
// nodes); other documents take the two calls. Tests compare both on every
// credential shape we issue and under fuzzing.
func SignAndHash(ctx context.Context, c Canonicalizer, doc map[string]any, signer crypto.Signer, id, vm, created string) (*Proof, [32]byte, error) {
	if _, fast := c.(Fast); fast {
		p, leaf, err := sealFast(ctx, doc, signer, id, vm, created)
		if !errors.Is(err, ErrSlowPath) {
			return p, leaf, err
		}
	}
	p, err := SignEdDSA(ctx, c, doc, signer, id, vm, created)
	if err != nil {
		return nil, [32]byte{}, err
	}
	signed := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		signed[k] = v
	}
	signed["proof"] = []any{p.ToMap()}
	leaf, err := TargetHash(ctx, c, signed, 1)
	return p, leaf, err
}

// ErrSlowPath is returned by SealPrepared for a document the fast path
// does not take: its maker then seals its JSON with SignAndHash.
var ErrSlowPath = errors.New("not for the fast path")

func sealFast(ctx context.Context, doc map[string]any, signer crypto.Signer, id, vm, created string) (*Proof, [32]byte, error) {
	cid, _ := doc["id"].(string)
	if _, hasProof := doc["proof"]; hasProof || !strings.Contains(cid, ":") || strings.HasPrefix(cid, "_:") {
		return nil, [32]byte{}, ErrSlowPath
	}
	in, err := HashInput(doc, 0)
	if err != nil {
		return nil, [32]byte{}, err
	}
	quads, err := fastQuads(ctx, in)
	if err != nil {
		return nil, [32]byte{}, err
	}
	defer jsonld.Release(quads)
	return SealPrepared(ctx, &Prepared{Quads: quads, Context: doc["@context"], HashContext: in["@context"], ID: cid, Type: doc["type"]}, signer, id, vm, created)
}

// Prepared is a document converted to RDF by its maker (package
// credential writes the RDF of the credentials it builds straight from
// their fields), with what sealing needs besides.
type Prepared struct {
	// Quads are the document's, for hashing: with the fallback vocabulary
	// (HashInput), none of its IRIs under it.
	Quads []canon.Quad
	// Context and HashContext are its @context without and with the
	// fallback vocabulary.
	Context, HashContext any
	ID                   string
	Type                 any // as in JSON; nil if none
	// TypeIRIs are the IRIs of its types, when its maker wrote the quads
	// directly: then the proof's quads are written directly too
	// (ProofQuads), when it takes them.
	TypeIRIs []string
}

// SealPrepared is SignAndHash of a prepared document.
func SealPrepared(ctx context.Context, d *Prepared, signer crypto.Signer, id, vm, created string) (*Proof, [32]byte, error) {
	ds, err := canon.NewDataset(d.Quads, canon.Options{Context: ctx})
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("document: %w", err)
	}
	h2, _, err := ds.Sum(sha256.New())
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("document: %w", err)
	}
	p := &Proof{ID: id, Type: "DataIntegrityProof", Cryptosuite: EdDSARDFC2022,
		ProofPurpose: "assertionMethod", Created: created, VerificationMethod: vm}
	var cfgNQ []byte
	if cq, ok := ProofQuads(p, "", d.TypeIRIs); ok {
		res, err := canon.Canonicalize(cq, canon.Options{Context: ctx})
		jsonld.Release(cq)
		if err != nil {
			return nil, [32]byte{}, fmt.Errorf("proof configuration: %w", err)
		}
		cfgNQ = res.NQuads
	} else {
		cfg := p.ConfigMap()
		cfg["@context"] = d.Context
		if cfgNQ, err = (Fast{}).Canonicalize(ctx, cfg); err != nil {
			return nil, [32]byte{}, fmt.Errorf("proof configuration: %w", err)
		}
	}
	h1 := sha256.Sum256(cfgNQ)
	sig, err := signer.Sign(nil, append(h1[:], h2...), crypto.Hash(0))
	if err != nil {
		return nil, [32]byte{}, err
	}
	p.ProofValue = "z" + base58.Encode(sig)

	// The proof's quads, from a document of the credential's context, id,
	// type and proof; its blank nodes renamed apart from the document's.
	pq, ok := ProofQuads(p, d.ID, d.TypeIRIs)
	if !ok {
		mini := map[string]any{"@context": d.HashContext, "id": d.ID, "proof": p.ToMap()}
		if d.Type != nil {
			mini["type"] = d.Type
		}
		if pq, err = fastQuads(ctx, mini); err != nil {
			return nil, [32]byte{}, err
		}
		for i := range pq {
			q := &pq[i]
			for _, t := range [...]*canon.Term{&q.S, &q.O, &q.G} {
				if t.Kind == canon.Blank {
					t.Value = "p" + t.Value
				}
			}
		}
	}
	defer jsonld.Release(pq)
	// The document's blank nodes keep their first-degree hashes: no quad
	// of the proof mentions them.
	signed, err := ds.With(pq)
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("signed document: %w", err)
	}
	sum, _, err := signed.Sum(sha256.New())
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("signed document: %w", err)
	}
	return p, [32]byte(sum), nil
}

// fastQuads converts doc to RDF for the fast path; ErrSlowPath when
// package jsonld leaves it to json-gold or a term is unmapped (TargetHash
// then names it). The caller releases the quads.
func fastQuads(ctx context.Context, doc map[string]any) ([]canon.Quad, error) {
	quads, err := jsonld.ToRDF(ctx, doc, ldcontext.Load)
	if err != nil {
		return nil, ErrSlowPath
	}
	if fallbackIn(quads) {
		jsonld.Release(quads)
		return nil, ErrSlowPath
	}
	return quads, nil
}

// fallbackIn reports an IRI under the fallback vocabulary among quads: a
// term no context defines.
func fallbackIn(quads []canon.Quad) bool {
	for i := range quads {
		q := &quads[i]
		for _, t := range [...]*canon.Term{&q.S, &q.P, &q.O, &q.G} {
			if t.Kind == canon.IRI && strings.HasPrefix(t.Value, FallbackVocab) ||
				t.Kind == canon.Literal && strings.HasPrefix(t.Datatype, FallbackVocab) {
				return true
			}
		}
	}
	return false
}

// ToMap is the proof as decoded JSON.
func (p *Proof) ToMap() map[string]any {
	m := p.ConfigMap()
	m["proofValue"] = p.ProofValue
	return m
}
