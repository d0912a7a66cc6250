package verifier

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/vcdm"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/jsonld"
)

// A credential without a Merkle proof and outside Blockcerts is verified
// as any W3C credential (VC Data Model 2.0, or 1.1) secured with Data
// Integrity proofs: its form, that JSON-LD drops none of its data, each
// eddsa-rdfc-2022 proof by a key its issuer controls (a did:key, resolved
// from its text, or a Multikey document at an https URL), its status
// entries and its validity period. Whether the site knows the issuer stays
// the separate trust line.

// isBlockcerts reports a credential of the Blockcerts path: a Merkle
// proof, or a Blockcerts context.
func isBlockcerts(doc map[string]any) bool {
	for _, p := range vcdm.List(doc["proof"]) {
		if pm, ok := p.(map[string]any); ok && isMerkleProof(pm) {
			return true
		}
	}
	for _, c := range vcdm.List(doc["@context"]) {
		if s, ok := c.(string); ok && strings.Contains(s, "blockcerts") {
			return true
		}
	}
	return false
}

// w3cSteps are the checks of a W3C credential after its format's.
func (v *Verifier) w3cSteps() []step {
	return []step{
		{CheckIntegrity, v.checkDataLoss},
		{CheckSignature, v.checkW3CSignatures},
		{CheckRevocation, v.checkW3CStatus},
		{CheckValidityPeriod, func(_ context.Context, r *Result, st *state) { v.checkValidity(r, st) }},
	}
}

// runW3C verifies a W3C credential.
func (v *Verifier) runW3C(ctx context.Context, doc map[string]any) *Result {
	r := &Result{Credential: summarize(doc)}
	st := &state{doc: doc, issuer: issuerID(doc["issuer"])}
	ok := v.checkW3CFormat(r, st)
	for _, s := range v.w3cSteps() {
		switch {
		case !ok:
			r.add(s.id, Skipped, "format.not_checked")
		case ctx.Err() != nil:
			r.add(s.id, Unknown, "step.stopped")
		default:
			s.run(ctx, r, st)
		}
	}
	return r
}

// checkW3CFormat checks the data model's rules and sorts the proofs.
func (v *Verifier) checkW3CFormat(r *Result, st *state) bool {
	ps := formatProblems{}
	for _, p := range vcdm.Credential(st.doc, true) {
		ps.add(p.Reason, p.Params...)
	}
	checkContexts(st.doc, &ps)
	proofs := vcdm.List(st.doc["proof"])
	if len(proofs) == 0 {
		ps.add("format.proof_missing")
	}
	for i, p := range proofs {
		pm, ok := p.(map[string]any)
		if !ok {
			ps.add("format.proof_not_object", "index", i)
			continue
		}
		if pm["type"] == "DataIntegrityProof" && pm["cryptosuite"] == dataintegrity.EdDSARDFC2022 {
			checkProofCommon(pm, i, 2, map[string]int{}, &ps)
			st.sigs = append(st.sigs, pm)
			continue
		}
		t, _ := pm["type"].(string)
		if cs, ok := pm["cryptosuite"].(string); ok {
			t += " " + cs
		}
		st.other = append(st.other, t)
	}
	if len(ps) > 0 {
		r.addProblems(CheckFormat, "format.invalid", ps)
		return false
	}
	r.add(CheckFormat, Passed, "format.ok_w3c")
	return true
}

// checkDataLoss requires every term of the credential to be defined: a
// term JSON-LD drops is not covered by a signature (VC Data Integrity 1.0
// §4.2), and could be added or changed after signing unseen.
func (v *Verifier) checkDataLoss(ctx context.Context, r *Result, st *state) {
	err := dataintegrity.Lossless(ctx, st.doc)
	switch {
	case err == nil:
		r.add(CheckIntegrity, Passed, "integrity.no_data_loss")
	case errors.Is(err, dataintegrity.ErrDataLoss):
		v.log().Info("data loss", "credential", r.Credential.ID, "err", err)
		r.add(CheckIntegrity, Failed, "integrity.data_loss")
	case errors.Is(err, jsonld.ErrTooLarge), errors.Is(err, jsonstrict.ErrTooLarge):
		r.add(CheckIntegrity, Failed, "integrity.too_large", "problem", "over the statements this verifier processes")
	case ctx.Err() != nil:
		r.add(CheckIntegrity, Unknown, "integrity.stopped")
	default:
		v.log().Info("data loss not checked", "credential", r.Credential.ID, "err", err)
		r.add(CheckIntegrity, Failed, "integrity.not_canonicalizable")
	}
}

// checkW3CSignatures verifies every eddsa-rdfc-2022 proof (a proof set or
// chain may hold others' proofs, an endorser's say, and each must verify),
// one of them at least by a key the issuer controls; a credential with
// only proofs of other kinds cannot be decided.
func (v *Verifier) checkW3CSignatures(ctx context.Context, r *Result, st *state) {
	if len(st.sigs) == 0 {
		r.add(CheckSignature, Unknown, "signature.unknown_proofs", "types", strings.Join(st.other, ", "))
		return
	}
	byIssuer := false
	for _, sp := range st.sigs {
		controller, o := v.checkW3CProof(ctx, st, sp, "assertionMethod")
		if o != nil {
			r.addOutcome(CheckSignature, o)
			return
		}
		byIssuer = byIssuer || controller == st.issuer
	}
	switch {
	case !byIssuer:
		vm, _ := st.sigs[0]["verificationMethod"].(string)
		r.add(CheckSignature, Failed, "signature.not_controller", "key", clip(vm), "issuer", clip(st.issuer))
	case len(st.other) > 0:
		r.add(CheckSignature, Passed, "signature.ok_w3c_others", "types", strings.Join(st.other, ", "))
	default:
		r.add(CheckSignature, Passed, "signature.ok_w3c")
	}
}

// checkW3CProof verifies one proof of doc for purpose, and returns the
// controller of its key: nil when it verifies.
func (v *Verifier) checkW3CProof(ctx context.Context, st *state, sp map[string]any, purpose string) (string, *outcome) {
	if pp, _ := sp["proofPurpose"].(string); pp != purpose {
		return "", fail("signature.purpose", "purpose", clip(pp), "expected", purpose)
	}
	vm, _ := sp["verificationMethod"].(string)
	pub, controller, o := v.resolveMethod(ctx, vm)
	if o != nil {
		return "", o
	}
	if v.RevokedKey != nil {
		if since, revoked := v.RevokedKey(controller); revoked {
			return "", fail("signature.key_revoked", "key", clip(vm), "since", since.UTC().Format(time.DateOnly))
		}
	}
	var err error
	if prev, chained := sp["previousProof"]; chained {
		covered, o := previousProofs(st.doc, prev)
		if o != nil {
			return "", o
		}
		err = dataintegrity.VerifyEdDSAChained(ctx, v.canon(), st.doc, sp, covered, pub)
	} else {
		err = dataintegrity.VerifyEdDSA(ctx, v.canon(), st.doc, sp, pub)
	}
	switch {
	case err == nil:
		return controller, nil
	case ctx.Err() != nil:
		return "", unknown("signature.stopped")
	}
	v.log().Info("signature", "method", vm, "err", err)
	return "", fail("signature.invalid")
}

// previousProofs are the proofs of doc that prev (a proof's previousProof:
// an id or a list of ids) names, each of which must be there.
func previousProofs(doc map[string]any, prev any) ([]any, *outcome) {
	byID := map[string]any{}
	for _, p := range vcdm.List(doc["proof"]) {
		if pm, ok := p.(map[string]any); ok {
			if id, ok := pm["id"].(string); ok {
				byID[id] = pm
			}
		}
	}
	var out []any
	for _, id := range vcdm.List(prev) {
		s, _ := id.(string)
		p, ok := byID[s]
		if !ok {
			return nil, fail("signature.previous_missing", "id", clip(s))
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fail("signature.previous_missing", "id", "")
	}
	return out, nil
}

// resolveMethod is the Ed25519 key of a verification method and its
// controller: a did:key from its text, an https URL from the Multikey
// document it serves.
func (v *Verifier) resolveMethod(ctx context.Context, vm string) (ed25519.PublicKey, string, *outcome) {
	if strings.HasPrefix(vm, "did:key:") {
		pub, ctrl, err := dataintegrity.ResolveDIDKey(vm)
		if err != nil {
			return nil, "", fail("signature.bad_key", "key", clip(vm))
		}
		return pub, ctrl, nil
	}
	if !strings.HasPrefix(vm, "https://") || v.Fetcher == nil {
		return nil, "", unknown("signature.unresolvable", "key", clip(vm))
	}
	b, err := v.Fetcher.Fetch(ctx, vm, MaxProfileBytes)
	if err != nil {
		v.log().Info("verification method fetch", "url", vm, "err", err)
		return nil, "", unknown("signature.method_unreachable", "key", clip(vm))
	}
	var m struct {
		ID                 string `json:"id"`
		Type               string `json:"type"`
		Controller         string `json:"controller"`
		PublicKeyMultibase string `json:"publicKeyMultibase"`
	}
	if jsonstrict.Document(b, jsonstrict.Limits{MaxBytes: MaxProfileBytes, MaxDepth: 16}) != nil || json.Unmarshal(b, &m) != nil ||
		m.ID != vm || m.Type != "Multikey" {
		return nil, "", fail("signature.bad_key", "key", clip(vm))
	}
	pub, err := dataintegrity.DecodeMultikey(m.PublicKeyMultibase)
	if err != nil {
		return nil, "", fail("signature.bad_key", "key", clip(vm))
	}
	return pub, m.Controller, nil
}

// checkW3CStatus checks the credential's status entries, if it has any.
func (v *Verifier) checkW3CStatus(ctx context.Context, r *Result, st *state) {
	if _, ok := st.doc["credentialStatus"]; !ok {
		r.add(CheckRevocation, Skipped, "revocation.no_status")
		return
	}
	v.checkRevocation(ctx, r, st)
}
