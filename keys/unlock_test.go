package keys

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUnlock: keys unlocked once give the same signers; a wrong passphrase
// or a key file replaced since is never answered from memory.
func TestUnlock(t *testing.T) {
	dir := t.TempDir()
	pass := []byte("long enough passphrase")
	r, err := Create(dir, pass, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := r.Active(Ed25519)
	r, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.Unlock(pass, Ed25519, PDFSigning)
	if len(r.memo.open) == 0 {
		t.Fatal("Unlock opened no key")
	}
	s1, err := r.Signer(k.ID, pass)
	if err != nil {
		t.Fatal(err)
	}
	if !s1.(ed25519.PrivateKey).Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(k.Public)) {
		t.Error("the unlocked key is not the published one")
	}
	if _, err := r.Signer(k.ID, []byte("wrong passphrase!")); !errors.Is(err, ErrPassphrase) {
		t.Errorf("wrong passphrase after Unlock: %v", err)
	}
	r.Unlock([]byte("wrong passphrase!"), Ed25519) // leaves the errors to the callers
	path := filepath.Join(dir, k.ID+".key")
	if err := os.WriteFile(path, []byte(`{"kdf":"scrypt"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Signer(k.ID, pass); !errors.Is(err, ErrPassphrase) {
		t.Errorf("a damaged key file answered from memory: %v", err)
	}
}
