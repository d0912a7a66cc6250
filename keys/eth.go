package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/etranscript/etranscript/internal/atomicfile"
	"github.com/google/uuid"
)

// Secp256k1 is the type of Ethereum anchoring keys.
const Secp256k1 = "secp256k1"

// Address is the Ethereum address of a secp256k1 key.
func (k Key) Address() common.Address {
	pub, err := crypto.UnmarshalPubkey(k.Public)
	if err != nil {
		return common.Address{}
	}
	return crypto.PubkeyToAddress(*pub)
}

// addSecp256k1 makes an Ethereum key, stored as a go-ethereum keystore file
// (scrypt-encrypted JSON, mode 0600) so that standard tools can read it.
func (r *Ring) addSecp256k1(passphrase []byte, now time.Time) (Key, error) {
	priv, err := crypto.GenerateKey()
	if err != nil {
		return Key{}, err
	}
	n := 1
	for _, k := range r.Keys {
		if k.Type == Secp256k1 {
			n++
		}
	}
	k := Key{ID: fmt.Sprintf("key-eth-%d", n), Type: Secp256k1, Public: crypto.FromECDSAPub(&priv.PublicKey), Created: now.UTC().Truncate(time.Second)}
	ks := &keystore.Key{Id: uuid.New(), Address: crypto.PubkeyToAddress(priv.PublicKey), PrivateKey: priv}
	js, err := keystore.EncryptKey(ks, string(passphrase), keystore.StandardScryptN, keystore.StandardScryptP)
	if err != nil {
		return Key{}, err
	}
	if err := atomicfile.Write(filepath.Join(r.dir, k.ID+".json"), js, 0o600); err != nil {
		return Key{}, err
	}
	r.Keys = append(r.Keys, k)
	return k, nil
}

// EthSigner decrypts the Ethereum key id. Only package anchor's
// transaction signing uses it, through the TxSigner it is wrapped in.
func (r *Ring) EthSigner(id string, passphrase []byte) (*TxSigner, error) {
	js, err := os.ReadFile(filepath.Join(r.dir, id+".json"))
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", id, err)
	}
	k, err := keystore.DecryptKey(js, string(passphrase))
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", id, ErrPassphrase)
	}
	return &TxSigner{key: k.PrivateKey, Address: k.Address}, nil
}

// TxSigner signs Ethereum transaction hashes with a key it never shows.
type TxSigner struct {
	key     *ecdsa.PrivateKey
	Address common.Address
}

// SignHash returns the 65-byte [R || S || V] signature of a 32-byte hash.
func (s *TxSigner) SignHash(hash []byte) ([]byte, error) {
	return crypto.Sign(hash, s.key)
}

// NewTxSigner wraps a raw key (tests and development chains only).
func NewTxSigner(key *ecdsa.PrivateKey) *TxSigner {
	return &TxSigner{key: key, Address: crypto.PubkeyToAddress(key.PublicKey)}
}

// JWK is a public JSON Web Key as the profile publishes it.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"` // RSA (document-signing keys only)
	E   string `json:"e,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// Secp256k1JWK is the JWK of an uncompressed secp256k1 public key (RFC 7518
// §6.2.1 with the curve name of RFC 8812 §3.1).
func Secp256k1JWK(pub []byte) (JWK, error) {
	if len(pub) != 65 || pub[0] != 4 {
		return JWK{}, errors.New("expected an uncompressed secp256k1 public key")
	}
	enc := base64.RawURLEncoding
	return JWK{Kty: "EC", Crv: "secp256k1", X: enc.EncodeToString(pub[1:33]), Y: enc.EncodeToString(pub[33:])}, nil
}

// AddressOfJWK derives the Ethereum address of a secp256k1 JWK: the last
// 20 bytes of Keccak-256 of the public key's coordinates.
func AddressOfJWK(j JWK) (common.Address, error) {
	if j.Kty != "EC" || !strings.EqualFold(j.Crv, "secp256k1") {
		return common.Address{}, fmt.Errorf("not a secp256k1 key (kty %q, crv %q)", j.Kty, j.Crv)
	}
	x, err1 := base64.RawURLEncoding.DecodeString(j.X)
	y, err2 := base64.RawURLEncoding.DecodeString(j.Y)
	if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
		return common.Address{}, errors.New("malformed secp256k1 JWK coordinates")
	}
	pub := &ecdsa.PublicKey{Curve: crypto.S256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
	if !pub.Curve.IsOnCurve(pub.X, pub.Y) {
		return common.Address{}, errors.New("the JWK's point is not on secp256k1")
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// Ed25519FromJWK reads an OKP Ed25519 JWK (RFC 8037 §2).
func Ed25519FromJWK(j JWK) (ed25519.PublicKey, error) {
	if j.Kty != "OKP" || j.Crv != "Ed25519" {
		return nil, fmt.Errorf("not an Ed25519 key (kty %q, crv %q)", j.Kty, j.Crv)
	}
	x, err := base64.RawURLEncoding.DecodeString(j.X)
	if err != nil || len(x) != ed25519.PublicKeySize {
		return nil, errors.New("malformed Ed25519 JWK")
	}
	return ed25519.PublicKey(x), nil
}
