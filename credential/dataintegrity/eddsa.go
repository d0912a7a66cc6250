package dataintegrity

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/etranscript/etranscript/internal/base58"
)

// EdDSARDFC2022 is the name of the cryptosuite of the proofs this package
// makes and checks.
const EdDSARDFC2022 = "eddsa-rdfc-2022"

// eddsaHashData is the data an eddsa-rdfc-2022 proof signs (W3C Data
// Integrity EdDSA Cryptosuites v1.0 §3.3.3-3.3.4): SHA-256 of the
// canonical proof configuration (the proof without proofValue, with the
// document's @context), then SHA-256 of the canonical document without its
// proofs.
func eddsaHashData(ctx context.Context, c Canonicalizer, doc map[string]any, proofConfig map[string]any, keepProof bool) ([]byte, error) {
	unsigned := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" || keepProof {
			unsigned[k] = v
		}
	}
	cfg := make(map[string]any, len(proofConfig)+1)
	for k, v := range proofConfig {
		if k != "proofValue" {
			cfg[k] = v
		}
	}
	cfg["@context"] = doc["@context"]
	cfgNQ, err := c.Canonicalize(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("proof configuration: %w", err)
	}
	docNQ, err := c.Canonicalize(ctx, unsigned)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	h1, h2 := sha256.Sum256(cfgNQ), sha256.Sum256(docNQ)
	return append(h1[:], h2[:]...), nil
}

// SignEdDSA makes an eddsa-rdfc-2022 Proof over doc (whose
// "proof", if any, is not covered) with signer, an Ed25519 key whose
// verification method is vm.
func SignEdDSA(ctx context.Context, c Canonicalizer, doc map[string]any, signer crypto.Signer, id, vm, created string) (*Proof, error) {
	p := &Proof{ID: id, ProofPurpose: "assertionMethod", Created: created, VerificationMethod: vm}
	if err := Sign(ctx, c, doc, signer, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Sign completes p, a proof of any purpose (a presentation's
// authentication with its challenge and domain, say), as an
// eddsa-rdfc-2022 DataIntegrityProof over doc, and sets its value.
func Sign(ctx context.Context, c Canonicalizer, doc map[string]any, signer crypto.Signer, p *Proof) error {
	return sign(ctx, c, doc, signer, p, false)
}

// SignChained is Sign for a proof that names an earlier one
// (p.PreviousProof): the document it covers holds previous, that proof (VC
// Data Integrity 1.0 §4.2, proof chains). VerifyEdDSAChained checks it.
func SignChained(ctx context.Context, c Canonicalizer, doc map[string]any, previous map[string]any, signer crypto.Signer, p *Proof) error {
	covered := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		covered[k] = v
	}
	covered["proof"] = previous
	return sign(ctx, c, covered, signer, p, true)
}

func sign(ctx context.Context, c Canonicalizer, doc map[string]any, signer crypto.Signer, p *Proof, keepProof bool) error {
	p.Type, p.Cryptosuite = "DataIntegrityProof", EdDSARDFC2022
	data, err := eddsaHashData(ctx, c, doc, p.ConfigMap(), keepProof)
	if err != nil {
		return err
	}
	sig, err := signer.Sign(nil, data, crypto.Hash(0))
	if err != nil {
		return err
	}
	p.ProofValue = "z" + base58.Encode(sig)
	return nil
}

// ConfigMap is the proof configuration as decoded JSON: the proof without
// its value.
func (p *Proof) ConfigMap() map[string]any {
	// As its JSON: the fields tagged omitempty only when set.
	m := map[string]any{"type": p.Type, "proofPurpose": p.ProofPurpose, "created": p.Created}
	if p.ID != "" {
		m["id"] = p.ID
	}
	if p.Cryptosuite != "" {
		m["cryptosuite"] = p.Cryptosuite
	}
	if p.VerificationMethod != "" {
		m["verificationMethod"] = p.VerificationMethod
	}
	if p.PreviousProof != "" {
		m["previousProof"] = p.PreviousProof
	}
	if p.Challenge != "" {
		m["challenge"] = p.Challenge
	}
	if p.Domain != "" {
		m["domain"] = p.Domain
	}
	return m
}

// ErrSignature is wrapped by VerifyEdDSA when the signature does not verify.
var ErrSignature = errors.New("the signature does not verify")

// VerifyEdDSA checks an eddsa-rdfc-2022 proof (given as decoded JSON) on
// doc with the public key pub.
func VerifyEdDSA(ctx context.Context, c Canonicalizer, doc map[string]any, proof map[string]any, pub ed25519.PublicKey) error {
	return verifyEdDSA(ctx, c, doc, proof, pub, false)
}

// VerifyEdDSAChained checks an eddsa-rdfc-2022 proof that names earlier
// proofs (previousProof, VC Data Integrity 1.0 §4.5 step 4): the document
// it covers holds those proofs, previous, which the caller found by id.
func VerifyEdDSAChained(ctx context.Context, c Canonicalizer, doc map[string]any, proof map[string]any, previous []any, pub ed25519.PublicKey) error {
	covered := make(map[string]any, len(doc))
	for k, v := range doc {
		covered[k] = v
	}
	if len(previous) == 1 {
		covered["proof"] = previous[0]
	} else {
		covered["proof"] = previous
	}
	return verifyEdDSA(ctx, c, covered, proof, pub, true)
}

func verifyEdDSA(ctx context.Context, c Canonicalizer, doc map[string]any, proof map[string]any, pub ed25519.PublicKey, keepProof bool) error {
	pv, _ := proof["proofValue"].(string)
	if !strings.HasPrefix(pv, "z") {
		return errors.New(`proofValue: expected "z" and base58btc`)
	}
	sig, err := base58.Decode(pv[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("proofValue: not an Ed25519 signature")
	}
	data, err := eddsaHashData(ctx, c, doc, proof, keepProof)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, data, sig) {
		return ErrSignature
	}
	return nil
}

// DecodeMultikey decodes an Ed25519 publicKeyMultibase ("z6Mk...": base58btc
// of 0xed 0x01 and the 32-byte key).
func DecodeMultikey(s string) (ed25519.PublicKey, error) {
	if !strings.HasPrefix(s, "z") {
		return nil, errors.New("publicKeyMultibase: expected base58btc")
	}
	b, err := base58.Decode(s[1:])
	if err != nil || len(b) != 34 || b[0] != 0xed || b[1] != 0x01 {
		return nil, errors.New("publicKeyMultibase: not an Ed25519 Multikey")
	}
	return ed25519.PublicKey(b[2:]), nil
}
