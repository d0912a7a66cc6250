package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"
)

func TestDIDKey(t *testing.T) {
	// The did:key specification's first Ed25519 test vector.
	const did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	pub, ctrl, err := ResolveDIDKey(did + "#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	if err != nil || ctrl != did {
		t.Fatalf("ok/vector: %v %s", err, ctrl)
	}
	if d, vm := DIDKey(pub); d != did || vm != did+"#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp" {
		t.Errorf("ok/round trip: %s %s", d, vm)
	}
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)).Public().(ed25519.PublicKey)
	_, vm := DIDKey(k)
	if got, _, err := ResolveDIDKey(vm); err != nil || !got.Equal(k) {
		t.Errorf("ok/own key: %v", err)
	}
	for _, bad := range []string{"did:web:example.com#key-1", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#other",
		"did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:", "https://x.example/key"} {
		if _, _, err := ResolveDIDKey(bad); !errors.Is(err, ErrDIDKey) {
			t.Errorf("fail/%s: %v", bad, err)
		}
	}
}
