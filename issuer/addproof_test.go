package issuer

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/credential/merkleproof"
)

// TestAddProof: the byte-splicing path and the map path (lines written by
// an earlier version, keys sorted) give the same credential.
func TestAddProof(t *testing.T) {
	mp := dataintegrity.Proof{ID: "urn:uuid:m", Type: "DataIntegrityProof", Cryptosuite: merkleproof.Cryptosuite,
		ProofPurpose: "assertionMethod", Created: "2026-01-01T00:00:00Z", ProofValue: "zabc"}
	sig := dataintegrity.Proof{ID: "urn:uuid:s", Type: "DataIntegrityProof", Cryptosuite: dataintegrity.EdDSARDFC2022,
		ProofPurpose: "assertionMethod", Created: "2026-01-01T00:00:00Z", ProofValue: "zsig"}
	c := credential.Credential{Context: []any{ldcontext.VCv2}, ID: "urn:uuid:c", Type: []string{"VerifiableCredential"},
		Issuer: "https://x.example/p", ValidFrom: "2026-01-01T00:00:00Z"}
	c.CredentialSubject.Terms = []credential.Term{{Term: `"proof":[`}}
	for _, signed := range []bool{true, false} {
		if signed {
			c.Proof = []any{sig}
		} else {
			c.Proof = nil
		}
		ours, _ := json.Marshal(c)
		var m map[string]any
		json.Unmarshal(ours, &m)
		sorted, _ := json.Marshal(m)
		a, err := addProof(nil, ours, mp)
		if err != nil {
			t.Fatal(err)
		}
		b, err := addProof(nil, sorted, mp)
		if err != nil {
			t.Fatal(err)
		}
		var da, db map[string]any
		if err := json.Unmarshal(a, &da); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		json.Unmarshal(b, &db)
		if !reflect.DeepEqual(da, db) {
			t.Fatalf("signed=%v: spliced\n%s\nthrough a map\n%s", signed, a, b)
		}
		if signed && (len(da["proof"].([]any)) != 2 || da["proof"].([]any)[1].(map[string]any)["previousProof"] != "urn:uuid:s") {
			t.Fatalf("signed: %s", a)
		}
	}
}
