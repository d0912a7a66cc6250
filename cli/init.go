package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/publish"
)

// Init creates a data directory: config.json and the issuer's keys.
func Init(dir string, cfg *config.Config, passphrase []byte, w io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return Usage(err)
	}
	if _, err := config.Load(dir); err == nil {
		return Usage(fmt.Errorf("%s is already initialized", dir))
	}
	ring, err := keys.Create(dir, passphrase, time.Now())
	if err != nil {
		return Usage(err)
	}
	// A self-signed document-signing certificate for the PDFs, until the
	// registry imports one from a CA (etranscript keys import-pdf-cert).
	if _, err := ring.AddPDFCert(cfg.Name, passphrase, time.Now()); err != nil {
		return err
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
	path, ok := map[string]string{"profile": publish.ProfilePath, "jwks": publish.JWKSPath, "did": publish.DIDPath}[kind]
	if !ok {
		return nil, Usage(fmt.Errorf("unknown document %q", kind))
	}
	site := &publish.Site{Config: cfg}
	doc, err := site.Get(context.Background(), path, nil)
	if err != nil {
		return nil, err
	}
	return doc.Body, nil
}

// ImportPDFCert makes a certificate chain and key (PEM files) the
// document-signing key of the PDFs.
func ImportPDFCert(dir, certFile, keyFile string, passphrase []byte, w io.Writer) error {
	ring, err := keys.Open(dir)
	if err != nil {
		return err
	}
	cert, err := os.ReadFile(certFile)
	if err != nil {
		return Usage(err)
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return Usage(err)
	}
	k, err := ring.ImportPDFCert(cert, key, passphrase, time.Now())
	if err != nil {
		return Usage(fmt.Errorf("%s, %s: %w", certFile, keyFile, err))
	}
	chain, _ := k.Chain()
	fmt.Fprintf(w, "document-signing key %s: %s, valid until %s; the profile now publishes it\n", k.ID, chain[0].Subject, chain[0].NotAfter.Format(time.DateOnly))
	return nil
}

// openIssuer loads a data directory's configuration and key ring.
func openIssuer(dir string) (*config.Config, *keys.Ring, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	ring, err := keys.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	return cfg, ring, nil
}
