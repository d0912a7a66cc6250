package verifier_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/verifier"
)

// w3cKey signs as a did:key issuer; otherKey is someone else's.
var (
	w3cKey   = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	otherKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32))
)

func didOf(k ed25519.PrivateKey) (string, string) {
	return dataintegrity.DIDKey(k.Public().(ed25519.PublicKey))
}

// signW3C adds an eddsa-rdfc-2022 proof of purpose by k to doc.
func signW3C(t *testing.T, doc map[string]any, k ed25519.PrivateKey, p dataintegrity.Proof) map[string]any {
	t.Helper()
	_, vm := didOf(k)
	if p.VerificationMethod == "" {
		p.VerificationMethod = vm
	}
	if p.ProofPurpose == "" {
		p.ProofPurpose = "assertionMethod"
	}
	p.Created = "2026-11-30T00:00:00Z"
	var err error
	if p.PreviousProof != "" {
		prev, _ := doc["proof"].(map[string]any)
		err = dataintegrity.SignChained(context.Background(), dataintegrity.Default, doc, prev, k, &p)
	} else {
		err = dataintegrity.Sign(context.Background(), dataintegrity.Default, doc, k, &p)
	}
	if err != nil {
		t.Fatal(err)
	}
	pm := p.ToMap()
	switch old := doc["proof"].(type) {
	case nil:
		doc["proof"] = pm
	case []any:
		doc["proof"] = append(old, pm)
	default:
		doc["proof"] = []any{old, pm}
	}
	return doc
}

// clone is a deep copy through JSON.
func clone(t *testing.T, m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func w3cCredential() map[string]any {
	did, _ := didOf(w3cKey)
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
		"id":                "urn:uuid:7f0c1c2e-5b7a-4a43-9b0f-2c1d3e4f5a6b",
		"type":              []any{"VerifiableCredential", "AlumniCredential"},
		"issuer":            did,
		"validFrom":         "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:graduate", "alumniOf": "Example University"},
	}
}

// TestW3CCredentials: any W3C credential secured with eddsa-rdfc-2022 by a
// did:key, and each way it can be wrong.
func TestW3CCredentials(t *testing.T) {
	v := &verifier.Verifier{Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }}
	good := signW3C(t, w3cCredential(), w3cKey, dataintegrity.Proof{ID: "urn:uuid:p1"})
	for _, tc := range []struct {
		name   string
		doc    func() map[string]any
		want   verifier.Verdict
		check  string // the check that decides, when not verified
		reason string
	}{
		{"ok/did:key", func() map[string]any { return clone(t, good) }, verifier.Verified, "", ""},
		{"ok/endorsed by another key", func() map[string]any {
			return signW3C(t, clone(t, good), otherKey, dataintegrity.Proof{ID: "urn:uuid:p2"})
		}, verifier.Verified, "", ""},
		{"ok/chained proof", func() map[string]any {
			return signW3C(t, clone(t, good), otherKey, dataintegrity.Proof{ID: "urn:uuid:p2", PreviousProof: "urn:uuid:p1"})
		}, verifier.Verified, "", ""},
		{"fail/integrity/claim changed", func() map[string]any {
			d := clone(t, good)
			d["credentialSubject"].(map[string]any)["alumniOf"] = "Other University"
			return d
		}, verifier.Rejected, verifier.CheckSignature, "signature.invalid"},
		{"fail/integrity/undefined term added", func() map[string]any {
			d := clone(t, good)
			d["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
			d["credentialSubject"].(map[string]any)["undefinedTerm"] = "IfDroppedWillVerify"
			return d
		}, verifier.Rejected, verifier.CheckIntegrity, "integrity.data_loss"},
		{"fail/signature/only another key", func() map[string]any {
			d := w3cCredential()
			return signW3C(t, d, otherKey, dataintegrity.Proof{ID: "urn:uuid:p1"})
		}, verifier.Rejected, verifier.CheckSignature, "signature.not_controller"},
		{"fail/signature/chain names a missing proof", func() map[string]any {
			return signW3C(t, clone(t, good), otherKey, dataintegrity.Proof{ID: "urn:uuid:p2", PreviousProof: "urn:uuid:nope"})
		}, verifier.Rejected, verifier.CheckSignature, "signature.previous_missing"},
		{"fail/format/wrong purpose", func() map[string]any {
			return signW3C(t, w3cCredential(), w3cKey, dataintegrity.Proof{ProofPurpose: "authentication"})
		}, verifier.Rejected, verifier.CheckFormat, "format.invalid"},
		{"fail/format/no subject", func() map[string]any {
			d := clone(t, good)
			delete(d, "credentialSubject")
			return d
		}, verifier.Rejected, verifier.CheckFormat, "format.invalid"},
		{"fail/validity_period/expired", func() map[string]any {
			d := w3cCredential()
			d["validUntil"] = "2026-06-01T00:00:00Z"
			return signW3C(t, d, w3cKey, dataintegrity.Proof{})
		}, verifier.Rejected, verifier.CheckValidityPeriod, "validity_period.expired"},
		{"indeterminate/unknown proof type", func() map[string]any {
			d := w3cCredential()
			d["proof"] = map[string]any{"type": "Ed25519Signature2020", "proofPurpose": "assertionMethod", "proofValue": "z1"}
			return d
		}, verifier.Indeterminate, verifier.CheckSignature, "signature.unknown_proofs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := v.Verify(context.Background(), tc.doc())
			if r.Status != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.want, r.Checks)
			}
			if tc.check == "" {
				return
			}
			for _, c := range r.Checks {
				if c.ID == tc.check {
					if c.Reason != tc.reason {
						t.Errorf("%s: %s (%s), want %s", c.ID, c.Reason, c.Message, tc.reason)
					}
					return
				}
			}
			t.Errorf("no %s check: %+v", tc.check, r.Checks)
		})
	}
}

// TestPresentations: the holder's proof answers this verifier's challenge
// and domain, and the credentials it holds verify.
func TestPresentations(t *testing.T) {
	v := &verifier.Verifier{Now: time.Now}
	holder, _ := didOf(otherKey)
	vc := signW3C(t, w3cCredential(), w3cKey, dataintegrity.Proof{ID: "urn:uuid:p1"})
	vp := func(edit func(vp map[string]any), p dataintegrity.Proof) map[string]any {
		d := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"},
			"holder": holder, "verifiableCredential": []any{clone(t, vc)}}
		if edit != nil {
			edit(d)
		}
		p.ProofPurpose = "authentication"
		return signW3C(t, d, otherKey, p)
	}
	ask := verifier.PresentationOptions{Challenge: "c-123", Domain: "verifier.example"}
	for _, tc := range []struct {
		name   string
		doc    map[string]any
		want   verifier.Verdict
		reason string
	}{
		{"ok/challenge and domain", vp(nil, dataintegrity.Proof{Challenge: "c-123", Domain: "verifier.example"}), verifier.Verified, ""},
		{"fail/other challenge", vp(nil, dataintegrity.Proof{Challenge: "c-999", Domain: "verifier.example"}), verifier.Rejected, "presentation.challenge"},
		{"fail/other domain", vp(nil, dataintegrity.Proof{Challenge: "c-123", Domain: "elsewhere.example"}), verifier.Rejected, "presentation.domain"},
		{"fail/not the holder's key", vp(func(d map[string]any) { d["holder"] = "did:example:someone" },
			dataintegrity.Proof{Challenge: "c-123", Domain: "verifier.example"}), verifier.Rejected, "signature.not_controller"},
		{"fail/a credential changed", vp(func(d map[string]any) {
			c := d["verifiableCredential"].([]any)[0].(map[string]any)
			c["credentialSubject"].(map[string]any)["alumniOf"] = "Forged University"
		}, dataintegrity.Proof{Challenge: "c-123", Domain: "verifier.example"}), verifier.Rejected, "presentation.credential_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := v.VerifyPresentation(context.Background(), tc.doc, ask)
			if r.Status != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.want, r.Checks)
			}
			if f, failed := r.FirstFailed(); failed && f.Reason != tc.reason {
				t.Errorf("failed on %s, want %s", f.Reason, tc.reason)
			}
		})
	}
}
