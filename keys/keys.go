package keys

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/etranscript/etranscript/internal/atomicfile"
	"github.com/etranscript/etranscript/internal/base58"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"
)

// Key is the public part of one issuer key, with its validity window.
type Key struct {
	ID      string    `json:"id"` // fragment of the profile's verification method, e.g. "key-ed25519-1"
	Type    string    `json:"type"`
	Public  []byte    `json:"public"`
	Created time.Time `json:"created"`
	// Retired is when rotation replaced the key; credentials it signed
	// before then stay valid.
	Retired *time.Time `json:"retired,omitempty"`
	// Revoked is when the key was compromised; what it signed since then
	// is not valid.
	Revoked *time.Time `json:"revoked,omitempty"`
	// Certificates is a document-signing key's X.509 chain (DER, leaf
	// first); its Public is the PKIX public key.
	Certificates [][]byte `json:"certificates,omitempty"`
}

// Ed25519 is the type of Ed25519 signing keys.
const Ed25519 = "Ed25519"

// Multibase returns the key as publicKeyMultibase: "z" + base58btc of the
// multicodec ed25519-pub prefix (0xed 0x01) and the key.
func (k Key) Multibase() string {
	return "z" + base58.Encode(append([]byte{0xed, 0x01}, k.Public...))
}

// Ring is the issuer's key ring: Ed25519 keys sign credentials, secp256k1
// keys send the anchoring transactions in a data directory.
type Ring struct {
	dir  string
	Keys []Key `json:"keys"`
	memo secrets
}

const ringFile = "keyring.json"

// ErrNoKeys means the data directory has no key ring: run init.
var ErrNoKeys = errors.New("no issuer keys: run 'etranscript init' first")

// Open reads the key ring of dir (the public parts only).
func Open(dir string) (*Ring, error) {
	b, err := os.ReadFile(filepath.Join(dir, ringFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoKeys
	}
	if err != nil {
		return nil, err
	}
	r := &Ring{dir: dir}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ringFile), err)
	}
	return r, nil
}

// Create makes a key ring in dir with a new Ed25519 key encrypted with
// passphrase. It refuses to replace an existing ring.
func Create(dir string, passphrase []byte, now time.Time) (*Ring, error) {
	if len(passphrase) < 8 {
		return nil, errors.New("passphrase: expected at least 8 characters")
	}
	if _, err := os.Stat(filepath.Join(dir, ringFile)); err == nil {
		return nil, fmt.Errorf("%s already has issuer keys", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	r := &Ring{dir: dir}
	if _, err := r.addEd25519(passphrase, now); err != nil {
		return nil, err
	}
	if _, err := r.addSecp256k1(passphrase, now); err != nil {
		return nil, err
	}
	return r, r.save()
}

func (r *Ring) addEd25519(passphrase []byte, now time.Time) (Key, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, err
	}
	n := 1
	for _, k := range r.Keys {
		if k.Type == Ed25519 {
			n++
		}
	}
	k := Key{ID: fmt.Sprintf("key-ed25519-%d", n), Type: Ed25519, Public: pub, Created: now.UTC().Truncate(time.Second)}
	if err := writeSecret(filepath.Join(r.dir, k.ID+".key"), priv.Seed(), passphrase); err != nil {
		return Key{}, err
	}
	r.Keys = append(r.Keys, k)
	return k, nil
}

func (r *Ring) save() error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(r.dir, ringFile), b, 0o600)
}

// Active returns the key of type typ that signs now: the newest one neither
// retired nor revoked.
func (r *Ring) Active(typ string) (Key, bool) {
	for i := len(r.Keys) - 1; i >= 0; i-- {
		k := r.Keys[i]
		if k.Type == typ && k.Retired == nil && k.Revoked == nil {
			return k, true
		}
	}
	return Key{}, false
}

// Signer decrypts the private key id with passphrase.
func (r *Ring) Signer(id string, passphrase []byte) (crypto.Signer, error) {
	seed, err := r.secret(id, passphrase)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", id, err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("key %s: damaged key file", id)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// sealed is an encrypted key file.
type sealed struct {
	KDF        string `json:"kdf"`
	N          int    `json:"n"`
	R          int    `json:"r"`
	P          int    `json:"p"`
	Salt       []byte `json:"salt"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

// ErrPassphrase means a key file did not open with the passphrase given.
var ErrPassphrase = errors.New("wrong passphrase, or the key file is damaged")

func writeSecret(path string, secret, passphrase []byte) error {
	s := sealed{KDF: "scrypt", N: 1 << 15, R: 8, P: 1, Salt: make([]byte, 16), Nonce: make([]byte, chacha20poly1305.NonceSizeX)}
	if _, err := rand.Read(s.Salt); err != nil {
		return err
	}
	if _, err := rand.Read(s.Nonce); err != nil {
		return err
	}
	k, err := scrypt.Key(passphrase, s.Salt, s.N, s.R, s.P, chacha20poly1305.KeySize)
	if err != nil {
		return err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return err
	}
	s.Ciphertext = aead.Seal(nil, s.Nonce, secret, []byte(filepath.Base(path)))
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b, 0o600)
}

func readSecret(path string, passphrase []byte) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return openSecret(path, b, passphrase)
}

// openSecret decrypts b, the content of the key file at path.
func openSecret(path string, b, passphrase []byte) ([]byte, error) {
	var s sealed
	if err := json.Unmarshal(b, &s); err != nil || s.KDF != "scrypt" || s.N < 1<<14 || s.N > 1<<20 {
		return nil, ErrPassphrase
	}
	k, err := scrypt.Key(passphrase, s.Salt, s.N, s.R, s.P, chacha20poly1305.KeySize)
	if err != nil {
		return nil, ErrPassphrase
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil || len(s.Nonce) != aead.NonceSize() {
		return nil, ErrPassphrase
	}
	out, err := aead.Open(nil, s.Nonce, s.Ciphertext, []byte(filepath.Base(path)))
	if err != nil {
		return nil, ErrPassphrase
	}
	return out, nil
}

// Rotate retires the active Ed25519 key as of now and makes a new active
// one. The retired key stays in the profile, so every credential it signed
// while active still verifies.
func (r *Ring) Rotate(passphrase []byte, now time.Time) (Key, error) {
	now = now.UTC().Truncate(time.Second)
	for i := range r.Keys {
		k := &r.Keys[i]
		if k.Type == Ed25519 && k.Retired == nil && k.Revoked == nil {
			k.Retired = &now
		}
	}
	k, err := r.addEd25519(passphrase, now)
	if err != nil {
		return Key{}, err
	}
	return k, r.save()
}

// ErrNoSuchKey is returned for a key id the ring does not have.
var ErrNoSuchKey = errors.New("no such key")

// Revoke marks key id compromised since a date: what it signed or anchored
// since then is not valid. A revoked active Ed25519 key is replaced.
func (r *Ring) Revoke(id string, since time.Time, passphrase []byte, now time.Time) error {
	since = since.UTC()
	for i := range r.Keys {
		k := &r.Keys[i]
		if k.ID != id {
			continue
		}
		wasActive := k.Type == Ed25519 && k.Retired == nil && k.Revoked == nil
		k.Revoked = &since
		if wasActive {
			if _, err := r.addEd25519(passphrase, now); err != nil {
				return err
			}
		}
		return r.save()
	}
	return fmt.Errorf("%w: %s", ErrNoSuchKey, id)
}
