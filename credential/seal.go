package credential

import (
	"context"
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/etranscript/etranscript/canon"
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
func SignAndHash(ctx context.Context, c Canonicalizer, doc map[string]any, signer crypto.Signer, id, vm, created string) (*DataIntegrityProof, [32]byte, error) {
	if _, fast := c.(Fast); fast {
		p, leaf, err := sealFast(ctx, doc, signer, id, vm, created)
		if !errors.Is(err, errSlowPath) {
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
	signed["proof"] = []any{p.toMap()}
	leaf, err := TargetHash(ctx, c, signed, 1)
	return p, leaf, err
}

// errSlowPath sends a document to the two separate calls.
var errSlowPath = errors.New("not for the fast path")

func sealFast(ctx context.Context, doc map[string]any, signer crypto.Signer, id, vm, created string) (*DataIntegrityProof, [32]byte, error) {
	cid, _ := doc["id"].(string)
	if _, hasProof := doc["proof"]; hasProof || !strings.Contains(cid, ":") || strings.HasPrefix(cid, "_:") {
		return nil, [32]byte{}, errSlowPath
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
	return seal(ctx, quads, doc["@context"], in["@context"], cid, doc["type"], false, signer, id, vm, created)
}

// Seal is SignAndHash of the credential's Doc, with the same results,
// skipping the map and its expansion when the credential is one Build
// made (directQuads).
func Seal(ctx context.Context, c Canonicalizer, cr *Credential, signer crypto.Signer, id, vm, created string) (*DataIntegrityProof, [32]byte, error) {
	if _, fast := c.(Fast); fast && directOK() {
		if p, leaf, err := sealDirect(ctx, cr, signer, id, vm, created); !errors.Is(err, errSlowPath) {
			return p, leaf, err
		}
	}
	doc, err := cr.Doc()
	if err != nil {
		return nil, [32]byte{}, err
	}
	return SignAndHash(ctx, c, doc, signer, id, vm, created)
}

// sealDirect is Seal through directQuads, or errSlowPath.
func sealDirect(ctx context.Context, cr *Credential, signer crypto.Signer, id, vm, created string) (*DataIntegrityProof, [32]byte, error) {
	quads, ok := cr.directQuads()
	if !ok {
		return nil, [32]byte{}, errSlowPath
	}
	defer jsonld.Release(quads)
	lctx, err := cr.docContext()
	if err != nil {
		return nil, [32]byte{}, err
	}
	hctx, err := hashContext(lctx)
	if err != nil {
		return nil, [32]byte{}, err
	}
	return seal(ctx, quads, lctx, hctx, cr.ID, anyStrings(cr.Type), true, signer, id, vm, created)
}

// seal signs and hashes a credential given its quads (for hashing: with
// the fallback vocabulary, none of its IRIs under it), its @context
// without and with the fallback vocabulary, its id and its type (nil if
// none).
//
// direct is set for a credential whose quads are directQuads: then the
// proof is converted by proofQuads too, when it takes it.
func seal(ctx context.Context, quads []canon.Quad, ldCtx, hashCtx any, cid string, typ any, direct bool, signer crypto.Signer, id, vm, created string) (*DataIntegrityProof, [32]byte, error) {
	ds, err := canon.NewDataset(quads, canon.Options{Context: ctx})
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("document: %w", err)
	}
	h2, _, err := ds.Sum(sha256.New())
	if err != nil {
		return nil, [32]byte{}, fmt.Errorf("document: %w", err)
	}
	p := &DataIntegrityProof{ID: id, Type: "DataIntegrityProof", Cryptosuite: EdDSARDFC2022,
		ProofPurpose: "assertionMethod", Created: created, VerificationMethod: vm}
	var cfgNQ []byte
	if cq, ok := proofQuads(p, "", direct); ok {
		res, err := canon.Canonicalize(cq, canon.Options{Context: ctx})
		jsonld.Release(cq)
		if err != nil {
			return nil, [32]byte{}, fmt.Errorf("proof configuration: %w", err)
		}
		cfgNQ = res.NQuads
	} else {
		cfg := p.configMap()
		cfg["@context"] = ldCtx
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
	pq, ok := proofQuads(p, cid, direct)
	if !ok {
		mini := map[string]any{"@context": hashCtx, "id": cid, "proof": p.toMap()}
		if typ != nil {
			mini["type"] = typ
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

// fastQuads converts doc to RDF for the fast path; errSlowPath when
// package jsonld leaves it to json-gold or a term is unmapped (TargetHash
// then names it). The caller releases the quads.
func fastQuads(ctx context.Context, doc map[string]any) ([]canon.Quad, error) {
	quads, err := jsonld.ToRDF(ctx, doc, loadContext)
	if err != nil {
		return nil, errSlowPath
	}
	if fallbackIn(quads) {
		jsonld.Release(quads)
		return nil, errSlowPath
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

// toMap is the proof as decoded JSON.
func (p *DataIntegrityProof) toMap() map[string]any {
	m := p.configMap()
	m["proofValue"] = p.ProofValue
	return m
}
