package keys

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// secrets remembers the key files a ring has opened in this process, so
// that a key several parts use (the Ed25519 key signs credentials and
// status lists) costs one scrypt derivation, not one per use. An entry
// holds only for the same file content and the same passphrase.
type secrets struct {
	mu   sync.Mutex
	open map[[32]byte][]byte
}

// memoKey names a key file's content opened with a passphrase.
func memoKey(file, passphrase []byte) [32]byte {
	h := sha256.New()
	h.Write(file)
	h.Write([]byte{0})
	h.Write(passphrase)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// secret decrypts the key file of id with passphrase, once per process.
func (r *Ring) secret(id string, passphrase []byte) ([]byte, error) {
	path := filepath.Join(r.dir, id+".key")
	file, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := memoKey(file, passphrase)
	r.memo.mu.Lock()
	s, ok := r.memo.open[m]
	r.memo.mu.Unlock()
	if ok {
		return s, nil
	}
	if s, err = openSecret(path, file, passphrase); err != nil {
		return nil, err
	}
	r.memo.mu.Lock()
	if r.memo.open == nil {
		r.memo.open = map[[32]byte][]byte{}
	}
	r.memo.open[m] = s
	r.memo.mu.Unlock()
	return s, nil
}

// Unlock decrypts, in parallel, the keys of the given types that a
// service uses (Ed25519 keys not revoked, the active document-signing
// key) so that the calls that need them later return at once. A key that
// does not open is left for that call to report.
func (r *Ring) Unlock(passphrase []byte, types ...string) {
	var wg sync.WaitGroup
	for _, k := range r.Keys {
		if !slices.Contains(types, k.Type) || k.Revoked != nil || (k.Type == PDFSigning && k.Retired != nil) {
			continue
		}
		wg.Go(func() {
			r.secret(k.ID, passphrase) // errors are reported by the call that needs the key
		})
	}
	wg.Wait()
}
