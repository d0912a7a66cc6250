package verifier_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/verifier"
)

const fixtures = "../testdata/blockcerts/"

// blockcertsRevocationList is the fixture issuer's revocation list URL;
// the fixtures do not include that list.
const blockcertsRevocationList = "https://www.blockcerts.org/samples/3.0/revocation-list-blockcerts.json"

// fixtureVerifier serves the fixtures' issuer profiles and status lists in
// place of their unreachable URLs (testdata/blockcerts/README.md), and
// an empty revocation list of our own (testdata/) for the issuer whose
// list the fixtures lack.
func fixtureVerifier(t *testing.T, allowTest bool) *verifier.Verifier {
	return fixtureVerifierWith(t, allowTest, map[string]string{blockcertsRevocationList: "testdata/revocation-list-empty.json"})
}

func fixtureVerifierWith(t *testing.T, allowTest bool, extra map[string]string) *verifier.Verifier {
	docs := map[string][]byte{}
	files := map[string]string{
		"https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json":                                     fixtures + "issuers/issuer-blockcerts.json",
		"https://issuer.dev.hylandcredentials.com/93d02af5-8683-452a-a79c-959deae72495/issuer_profile.json": fixtures + "issuers/hyland-issuer-profile-mocknet-merkleproof2019.json",
		"https://www.blockcerts.org/samples/3.0/status-list-2021.json":                                      fixtures + "issuers/blockcerts-status-list-2021.json",
		"https://www.blockcerts.org/samples/3.0/status-list-2021-suspension.json":                           fixtures + "issuers/blockcerts-status-list-2021-suspension.json",
	}
	for u, f := range extra {
		files[u] = f
	}
	for u, f := range files {
		b, err := os.ReadFile(f)
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

// TestFixtures gives the verdicts of testdata/blockcerts/README.md on the
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
		// Its status list says revoked (or suspended). The list is signed
		// by a did:key with a secp256k1 proof we do not check, but a list
		// can only withhold trust: the credential fails.
		{"v3/cert-rl-status-list-2021-revoked.json", true, verifier.Rejected, verifier.CheckRevocation},
		{"v3/cert-rl-status-list-2021-suspended.json", true, verifier.Rejected, verifier.CheckRevocation},
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
			reasoned(t, r)
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

// TestFixtureRevocationList: a credential without credentialStatus is
// checked against its issuer's Blockcerts revocation list; a list that
// cannot be fetched leaves the verdict indeterminate (the official
// verifier passes it), and a list naming the credential fails it.
func TestFixtureRevocationList(t *testing.T) {
	const file = "v3/mocknet-vc-v2-data-integrity-proof.json"
	b, err := os.ReadFile(fixtures + file)
	if err != nil {
		t.Fatal(err)
	}
	revoked := filepath.Join(t.TempDir(), "revoked.json")
	id := "urn:uuid:bbba8553-8ec1-445f-82c9-a57251dd731c"
	if err := os.WriteFile(revoked, []byte(`{"type": "RevocationList", "revokedAssertions": [{"id": "`+id+`", "revocationReason": "issued in error"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		list  map[string]string
		want  verifier.Verdict
		check verifier.Status
		words string
	}{
		{"ok/listed-elsewhere", map[string]string{blockcertsRevocationList: "testdata/revocation-list-empty.json"}, verifier.Verified, verifier.Passed, "not in"},
		{"unknown/revocation/unreachable", nil, verifier.Indeterminate, verifier.Unknown, "could not"},
		{"fail/revocation/listed", map[string]string{blockcertsRevocationList: revoked}, verifier.Rejected, verifier.Failed, "issued in error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := fixtureVerifierWith(t, true, tc.list).VerifyJSON(context.Background(), b)
			var c verifier.Check
			for _, x := range r.Checks {
				if x.ID == verifier.CheckRevocation {
					c = x
				}
			}
			if r.Status != tc.want || c.Status != tc.check || !strings.Contains(c.Message, tc.words) {
				t.Errorf("%s: %+v", r.Status, c)
			}
		})
	}
}
