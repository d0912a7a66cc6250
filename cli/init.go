package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/keys"
)

// Init creates a data directory: config.json and the issuer's keys.
func Init(dir string, cfg *config.Config, passphrase []byte, w io.Writer) error {
	if err := cfg.Check(); err != nil {
		return Usage(err)
	}
	if _, err := config.Load(dir); err == nil {
		return Usage(fmt.Errorf("%s is already initialized", dir))
	}
	ring, err := keys.Create(dir, passphrase, time.Now())
	if err != nil {
		return Usage(err)
	}
	if err := cfg.Save(dir); err != nil {
		return err
	}
	k, _ := ring.Active(keys.Ed25519)
	fmt.Fprintf(w, "initialized %s\nissuer profile: %s\nsigning key: %s\n", dir, cfg.ProfileURL(), k.ID)
	return nil
}

// Profile returns the issuer profile document of a data directory.
func Profile(dir string) ([]byte, error) { return Document(dir, "profile") }

// Document returns one of the documents that publish the issuer's keys:
// "profile" (the Blockcerts issuer profile), "jwks" (a JSON Web Key Set) or
// "did" (the did:web DID document), all listing the same keys.
func Document(dir, kind string) ([]byte, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	ring, err := keys.Open(dir)
	if err != nil {
		return nil, err
	}
	var doc any
	switch kind {
	case "profile":
		doc = ring.Profile(cfg.Issuer())
	case "jwks":
		doc, err = ring.JWKS(cfg.ProfileURL())
	case "did":
		doc, err = ring.DIDDocument(cfg.Issuer(), cfg.URL)
	default:
		return nil, Usage(fmt.Errorf("unknown document %q", kind))
	}
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
