//go:build jwx_es256k

package keys

import (
	"encoding/json"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// TestJWKMatchesJWX: our secp256k1 JWK is the one jwx makes (jwx needs the
// jwx_es256k build tag for this curve, which scripts/test sets here).
func TestJWKMatchesJWX(t *testing.T) {
	k, _ := crypto.GenerateKey()
	pub, err := secp256k1.ParsePubKey(crypto.FromECDSAPub(&k.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	want, err := jwk.FromRaw(pub.ToECDSA())
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := Secp256k1JWK(crypto.FromECDSAPub(&k.PublicKey))
	b, _ := json.Marshal(ours)
	got, err := jwk.ParseKey(b)
	if err != nil {
		t.Fatal(err)
	}
	w1, _ := json.Marshal(want)
	g1, _ := json.Marshal(got)
	if string(w1) != string(g1) {
		t.Errorf("ours %s, jwx %s", g1, w1)
	}
}
