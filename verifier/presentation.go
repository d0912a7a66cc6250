package verifier

import (
	"context"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/vcdm"
)

// CheckPresentation is the check of the credentials a presentation holds.
const CheckPresentation = "presentation"

// PresentationOptions are what the holder's proof must answer: the
// verifier's challenge and domain (W3C VC API /presentations/verify).
type PresentationOptions struct {
	Challenge string
	Domain    string
}

// VerifyPresentation verifies a W3C Verifiable Presentation: its form,
// the holder's eddsa-rdfc-2022 proof (purpose authentication, by a key the
// holder controls) with the challenge and domain asked for, and every
// credential it holds, each as Verify would. A challenge that differs
// fails it.
func (v *Verifier) VerifyPresentation(ctx context.Context, doc map[string]any, o PresentationOptions) *Result {
	r := &Result{Credential: &Summary{}}
	r.Credential.ID, _ = doc["id"].(string)
	st := &state{doc: doc, issuer: idOrEmpty(doc["holder"])}
	var ps formatProblems
	for _, p := range vcdm.Presentation(doc) {
		ps.add(p.Reason, p.Params...)
	}
	checkContexts(doc, &ps)
	proofs := vcdm.List(doc["proof"])
	if len(proofs) == 0 {
		ps.add("format.proof_missing")
	}
	if len(ps) > 0 {
		r.addProblems(CheckFormat, "format.invalid", ps)
		r.add(CheckSignature, Skipped, "format.not_checked")
		r.add(CheckPresentation, Skipped, "format.not_checked")
		return r.finish()
	}
	r.add(CheckFormat, Passed, "format.ok_presentation")
	r.addOutcome(CheckSignature, v.holderProof(ctx, st, proofs, o))
	r.addOutcome(CheckPresentation, v.heldCredentials(ctx, doc))
	return r.finish()
}

// holderProof checks the presentation's proofs: each eddsa-rdfc-2022 one
// by a key of the holder (any key signs for a presentation without a
// holder), for authentication, with the challenge and domain asked.
func (v *Verifier) holderProof(ctx context.Context, st *state, proofs []any, o PresentationOptions) *outcome {
	checked := 0
	for _, p := range proofs {
		pm, ok := p.(map[string]any)
		if !ok || pm["type"] != "DataIntegrityProof" || pm["cryptosuite"] != dataintegrity.EdDSARDFC2022 {
			continue
		}
		if c, _ := pm["challenge"].(string); o.Challenge != "" && c != o.Challenge {
			return fail("presentation.challenge")
		}
		if o.Domain != "" && !hasString(pm["domain"], o.Domain) {
			return fail("presentation.domain")
		}
		ctrl, oc := v.checkW3CProof(ctx, st, pm, "authentication")
		if oc != nil {
			return oc
		}
		// A presentation without a holder is presented by whoever signs it.
		if st.issuer != "" && ctrl != st.issuer {
			vm, _ := pm["verificationMethod"].(string)
			return fail("signature.not_controller", "key", clip(vm), "issuer", clip(st.issuer))
		}
		checked++
	}
	if checked == 0 {
		return unknown("signature.unknown_proofs", "types", "none of eddsa-rdfc-2022")
	}
	return &outcome{status: Passed, reason: "presentation.signed"}
}

// heldCredentials verifies each credential of the presentation.
func (v *Verifier) heldCredentials(ctx context.Context, doc map[string]any) *outcome {
	creds := vcdm.List(doc["verifiableCredential"])
	worst := &outcome{status: Passed, reason: "presentation.credentials_ok", params: []any{"count", len(creds)}}
	for i, c := range creds {
		m, _ := c.(map[string]any)
		if hasString(m["type"], "EnvelopedVerifiableCredential") {
			worst = unknown("presentation.enveloped", "index", i)
			continue
		}
		r := v.Verify(ctx, m)
		switch r.Status {
		case Rejected:
			f, _ := r.FirstFailed()
			return fail("presentation.credential_failed", "index", i, "check", f.ID)
		case Indeterminate:
			worst = unknown("presentation.credential_unknown", "index", i)
		}
	}
	return worst
}

func idOrEmpty(v any) string {
	if v == nil {
		return ""
	}
	return issuerID(v)
}
