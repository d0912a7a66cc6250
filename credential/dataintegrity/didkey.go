package dataintegrity

import (
	"crypto/ed25519"
	"errors"
	"strings"

	"github.com/etranscript/etranscript/internal/base58"
)

// Multikey is the publicKeyMultibase of an Ed25519 key: "z" and base58btc
// of the multicodec ed25519-pub prefix (0xed 0x01) and the key.
func Multikey(pub ed25519.PublicKey) string {
	return "z" + base58.Encode(append([]byte{0xed, 0x01}, pub...))
}

// DIDKey is the did:key of an Ed25519 key (did:key v0.7 §3.1), and the id of
// its one verification method (DID#multikey).
func DIDKey(pub ed25519.PublicKey) (did, vm string) {
	mk := Multikey(pub)
	return "did:key:" + mk, "did:key:" + mk + "#" + mk
}

// ErrDIDKey is wrapped by the errors of ResolveDIDKey.
var ErrDIDKey = errors.New("not an Ed25519 did:key verification method")

// ResolveDIDKey is the key of a did:key verification method
// ("did:key:z6Mk...#z6Mk...", the fragment naming the same key), and the
// DID that controls it. It is resolved from the text alone: nothing is
// fetched.
func ResolveDIDKey(vm string) (pub ed25519.PublicKey, controller string, err error) {
	did, frag, _ := strings.Cut(vm, "#")
	mk, ok := strings.CutPrefix(did, "did:key:")
	if !ok || frag != "" && frag != mk {
		return nil, "", ErrDIDKey
	}
	pub, err = DecodeMultikey(mk)
	if err != nil {
		return nil, "", ErrDIDKey
	}
	return pub, did, nil
}
