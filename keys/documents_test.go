package keys

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

func TestDIDWeb(t *testing.T) {
	for in, want := range map[string]string{
		"https://registry.example.edu":       "did:web:registry.example.edu",
		"https://example.edu:8443/registry/": "did:web:example.edu%3A8443:registry",
		"http://127.0.0.1:8080":              "did:web:127.0.0.1%3A8080",
		"https://www.example.edu/a/b":        "did:web:www.example.edu:a:b",
	} {
		if got, err := DIDWeb(in); err != nil || got != want {
			t.Errorf("DIDWeb(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestJWKSAndDID(t *testing.T) {
	r, err := Create(t.TempDir(), []byte("long enough passphrase"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	set, err := r.JWKS("https://r.example.edu/issuer/profile.json")
	if err != nil || len(set.Keys) != 2 {
		t.Fatalf("%+v %v", set, err)
	}
	// The Ed25519 key parses with jwx and is the key of the ring.
	b, _ := json.Marshal(set.Keys[0])
	k, err := jwk.ParseKey(b)
	if err != nil || k.KeyType() != "OKP" {
		t.Fatalf("jwx: %v", err)
	}
	ed, _ := r.Active(Ed25519)
	pub, err := Ed25519FromJWK(set.Keys[0])
	if err != nil || string(pub) != string(ed.Public) || set.Keys[0].Kid != "https://r.example.edu/issuer/profile.json#key-ed25519-1" {
		t.Errorf("JWKS Ed25519 key %+v", set.Keys[0])
	}
	eth, _ := r.Active(Secp256k1)
	if a, err := AddressOfJWK(set.Keys[1]); err != nil || a != eth.Address() {
		t.Errorf("JWKS secp256k1 key: %v", err)
	}
	doc, err := r.DIDDocument(Issuer{Name: "R"}, "https://r.example.edu")
	if err != nil || doc.ID != "did:web:r.example.edu" || len(doc.VerificationMethod) != 2 ||
		doc.VerificationMethod[0].ID != "did:web:r.example.edu#key-ed25519-1" || doc.AssertionMethod[0] != doc.VerificationMethod[0].ID {
		t.Errorf("DID document %+v %v", doc, err)
	}
}
