package verifier_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/etranscript/etranscript/verifier"
)

const fixtures = "../../shared/fixtures/blockcerts/"

// fixtureVerifier serves the fixtures' issuer profiles in place of their
// unreachable URLs (fixtures/blockcerts/README.md).
func fixtureVerifier(t *testing.T, allowTest bool) *verifier.Verifier {
	docs := map[string][]byte{}
	for u, f := range map[string]string{
		"https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json":                                     "issuer-blockcerts.json",
		"https://issuer.dev.hylandcredentials.com/93d02af5-8683-452a-a79c-959deae72495/issuer_profile.json": "hyland-issuer-profile-mocknet-merkleproof2019.json",
	} {
		b, err := os.ReadFile(fixtures + "issuers/" + f)
		if err != nil {
			t.Fatal(err)
		}
		docs[u] = b
	}
	return &verifier.Verifier{
		AllowTestChains: allowTest,
		Fetcher:         verifier.Local{Docs: docs},
		Now:             func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) },
	}
}

// TestFixtures gives the verdicts of fixtures/blockcerts/README.md on the
// official implementation's credentials. Where we differ from the official
// verifier the entry says why.
func TestFixtures(t *testing.T) {
	tests := []struct {
		file      string
		allowTest bool
		want      verifier.Verdict
		check     string // the check that fails, or the first unknown one
	}{
		{"v3/mocknet-vc-v2-data-integrity-proof.json", true, verifier.Verified, ""},
		{"v3/mocknet-vc-v2-validFrom-valid.json", true, verifier.Verified, ""},
		{"v3/mocknet-vc-v2-data-integrity-proof-multiple-signatures.json", true, verifier.Verified, ""},
		{"v3/mocknet-vc-v2-data-integrity-proof-multiple-signatures-non-chained.json", true, verifier.Verified, ""},
		{"v3/mocknet-vc-v2-name-description.json", true, verifier.Verified, ""},
		{"v3/mocknet-vc-v2-name-description-multilingual.json", true, verifier.Verified, ""},
		{"v3/mocknet-vc-v2-credential-schema.json", true, verifier.Verified, ""},
		{"tampered/context-v3.1-to-v3.2.json", true, verifier.Verified, ""},
		{"tampered/drop-di-context.json", true, verifier.Verified, ""},
		// Without --allow-test-chains a mocknet credential is not anchored.
		{"v3/mocknet-vc-v2-data-integrity-proof.json", false, verifier.Rejected, verifier.CheckAnchor},
		{"v3/mocknet-vc-v2-validFrom-not-yet-valid.json", true, verifier.Rejected, verifier.CheckValidityPeriod},
		{"v3/mocknet-vc-v2-validUntil-expired.json", true, verifier.Rejected, verifier.CheckValidityPeriod},
		{"v3/mocknet-vc-v2-invalid-date-format.json", true, verifier.Rejected, verifier.CheckFormat},
		{"tampered/name-changed.json", true, verifier.Rejected, verifier.CheckIntegrity},
		{"tampered/display-changed.json", true, verifier.Rejected, verifier.CheckIntegrity},
		{"tampered/unmapped-field.json", true, verifier.Rejected, verifier.CheckIntegrity},
		{"v3/testnet-v3--tampered.json", true, verifier.Rejected, verifier.CheckIntegrity},
		// These two do not match their own targetHash under jsonld.js either
		// (checked with the official verifier's normalize call).
		{"v3/testnet-v3--no-did.json", true, verifier.Rejected, verifier.CheckIntegrity},
		{"v3/testnet-v3-hashlink.json", true, verifier.Rejected, verifier.CheckIntegrity},
		// jsonld.js refuses it too (safe mode: "@language" on a node).
		{"v3/mocknet-vc-v2-credential-subject-array.json", true, verifier.Rejected, verifier.CheckIntegrity},
		// The official verifier accepts it, but the profile served for its
		// issuer URL says its id is another URL: we refuse a profile that
		// does not claim to be the credential's issuer.
		{"v3/mocknet-v3-valid.json", true, verifier.Rejected, verifier.CheckIssuer},
		// Anchored on chains this verifier is not configured to read.
		{"v3/ethereum-sepolia-v3.json", true, verifier.Indeterminate, verifier.CheckAnchor},
		{"v3/testnet-v3-did.json", true, verifier.Indeterminate, verifier.CheckAnchor},
		{"v3/testnet-v3-custom-context.json", true, verifier.Indeterminate, verifier.CheckAnchor},
		{"v3/blockcerts-3.0-beta.json", true, verifier.Indeterminate, verifier.CheckAnchor},
		{"v3/cert-rl-status-list-2021.json", true, verifier.Indeterminate, verifier.CheckAnchor},
		{"v3/proof-chain-example-ed25519.json", true, verifier.Indeterminate, verifier.CheckAnchor},
		// Signature-only credentials: no proof this verifier checks.
		{"v3/ecdsa-sd-2023-signed-credential.json", true, verifier.Indeterminate, verifier.CheckIntegrity},
		{"v3/testnet-v3-verification-method-issuer-profile.json", true, verifier.Indeterminate, verifier.CheckIntegrity},
		// Not credentials, or not in a form we accept.
		{"v3/mocknet-verifiable-presentation.json", true, verifier.Rejected, verifier.CheckFormat},
		{"v3/vp-eddsa-rdfc-2022.json", true, verifier.Rejected, verifier.CheckFormat},
		{"v3/certificate.json", true, verifier.Rejected, verifier.CheckFormat},
		{"v3/blockcerts-3.0-alpha.json", true, verifier.Rejected, verifier.CheckFormat},
	}
	for _, tc := range tests {
		name := "ok/"
		if tc.want != verifier.Verified {
			name = "fail/" + tc.check + "/"
		}
		t.Run(name+filepath.Base(tc.file), func(t *testing.T) {
			b, err := os.ReadFile(fixtures + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			r := fixtureVerifier(t, tc.allowTest).VerifyJSON(context.Background(), b)
			if r.Status != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.want, r.Checks)
			}
			if tc.check == "" {
				return
			}
			var got string
			for _, c := range r.Checks {
				if (tc.want == verifier.Rejected && c.Status == verifier.Failed) ||
					(tc.want == verifier.Indeterminate && c.Status == verifier.Unknown) {
					got = c.ID
					break
				}
			}
			if got != tc.check {
				t.Errorf("first decisive check %q, want %q: %+v", got, tc.check, r.Checks)
			}
		})
	}
}
