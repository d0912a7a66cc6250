package keys

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// viewKeyFile holds the key of the view tokens, 32 random bytes.
const viewKeyFile = "view.key"

// ViewKey is the key that makes each credential's view token (ViewToken),
// made at first use. The token, in the QR code of a transcript's PDF,
// opens the full verification page of that credential; the page by id
// alone shows no personal data. The key is a server secret: it proves
// nothing to anyone else, and losing it only means that the PDFs made
// before open the page without the transcript.
func (r *Ring) ViewKey() ([]byte, error) {
	path := filepath.Join(r.dir, viewKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) != 32 {
			return nil, fmt.Errorf("%s: damaged (expected 32 bytes)", path)
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return r.ViewKey() // made by another process meanwhile
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}

// ViewToken is the view token of a credential id: HMAC-SHA-256 under the
// view key, 128 bits, base64url.
func ViewToken(key []byte, credentialID string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(credentialID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
