package keys

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCreateOpenSign(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := Create(dir, []byte("short"), now); err == nil {
		t.Error("a 5-character passphrase was accepted")
	}
	r, err := Create(dir, []byte("long enough passphrase"), now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, []byte("long enough passphrase"), now); err == nil {
		t.Error("Create replaced an existing ring")
	}
	k, ok := r.Active(Ed25519)
	if !ok {
		t.Fatal("no active key")
	}
	// Private key files are 0600 and hold no key material in clear.
	for _, f := range []string{k.ID + ".key", ringFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, err %v", f, st.Mode().Perm(), err)
		}
	}
	r2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := r2.Signer(k.ID, []byte("long enough passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signer.Sign(nil, []byte("msg"), crypto.Hash(0))
	if err != nil || !ed25519.Verify(ed25519.PublicKey(k.Public), []byte("msg"), sig) {
		t.Error("the signer does not match the published key")
	}
	seed := signer.(ed25519.PrivateKey).Seed()
	raw, _ := os.ReadFile(filepath.Join(dir, k.ID+".key"))
	if strings.Contains(string(raw), string(seed)) {
		t.Error("seed stored in clear")
	}
	if _, err := r2.Signer(k.ID, []byte("wrong passphrase!")); !errors.Is(err, ErrPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoKeys) {
		t.Errorf("empty dir: %v", err)
	}
}

func TestProfile(t *testing.T) {
	r, err := Create(t.TempDir(), []byte("long enough passphrase"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := r.Profile(Issuer{ProfileURL: "https://r.example.edu/issuer/profile.json", Name: "R"})
	k, _ := r.Active(Ed25519)
	if p.ID != "https://r.example.edu/issuer/profile.json" || len(p.VerificationMethod) != 2 ||
		p.VerificationMethod[0].ID != p.ID+"#"+k.ID || p.AssertionMethod[0] != p.VerificationMethod[0].ID ||
		!strings.HasPrefix(p.VerificationMethod[0].PublicKeyMultibase, "z6Mk") {
		t.Errorf("profile %+v", p)
	}
	eth, _ := r.Active(Secp256k1)
	vm := p.VerificationMethod[1]
	addr, err := AddressOfJWK(*vm.PublicKeyJwk)
	if err != nil || addr != eth.Address() || p.PublicKey[0].ID != "ecdsa-koblitz-pubkey:"+eth.Address().Hex() {
		t.Errorf("Ethereum key: JWK derives to %s (%v), profile %+v", addr.Hex(), err, p.PublicKey)
	}
	signer, err := r.EthSigner(eth.ID, []byte("long enough passphrase"))
	if err != nil || signer.Address != eth.Address() {
		t.Errorf("EthSigner: %v", err)
	}
	if _, err := r.EthSigner(eth.ID, []byte("wrong")); err == nil {
		t.Error("EthSigner opened with a wrong passphrase")
	}
}
