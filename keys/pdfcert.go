package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// PDFSigning is the type of document-signing keys: they sign transcript
// PDFs (PAdES), each with its X.509 certificate chain.
const PDFSigning = "pdf-signing"

// OIDDocumentSigning is the extended key usage id-kp-documentSigning
// (RFC 9336), which PDF verifiers expect of a document-signing
// certificate.
var OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// selfSignedYears is the validity of the certificate init makes.
const selfSignedYears = 10

// AddPDFCert makes a document-signing key (ECDSA P-256) with a self-signed
// certificate naming the institution, and makes it the active one.
func (r *Ring) AddPDFCert(institution string, passphrase []byte, now time.Time) (Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Key{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return Key{}, err
	}
	now = now.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: institution + " (document signing)", Organization: []string{institution}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(selfSignedYears, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{OIDDocumentSigning},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return Key{}, err
	}
	return r.addPDFKey(priv, [][]byte{der}, passphrase, now)
}

// ImportPDFCert makes a certificate chain (PEM, leaf first) and its private
// key (PEM: PKCS #8, EC or PKCS #1) the active document-signing key. The
// leaf must allow digital signatures and carry the document-signing,
// email-protection or client-authentication extended key usage (what PDF
// verifiers accept), and the key must be the leaf's.
func (r *Ring) ImportPDFCert(certPEM, keyPEM, passphrase []byte, now time.Time) (Key, error) {
	var chain [][]byte
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			chain = append(chain, b.Bytes)
		}
	}
	if len(chain) == 0 {
		return Key{}, errors.New("certificate: expected PEM CERTIFICATE blocks, leaf first")
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return Key{}, fmt.Errorf("certificate: %w", err)
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return Key{}, errors.New("certificate: its key usage does not allow digital signatures")
	}
	if !documentSigningEKU(leaf) {
		return Key{}, errors.New("certificate: expected the extended key usage documentSigning (1.3.6.1.5.5.7.3.36), emailProtection or clientAuth")
	}
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return Key{}, fmt.Errorf("certificate: valid from %s to %s, not now", leaf.NotBefore.Format(time.DateOnly), leaf.NotAfter.Format(time.DateOnly))
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return Key{}, errors.New("key: expected a PEM private key")
	}
	var priv crypto.Signer
	if k, err := x509.ParsePKCS8PrivateKey(kb.Bytes); err == nil {
		s, ok := k.(crypto.Signer)
		if !ok {
			return Key{}, errors.New("key: not a signing key")
		}
		priv = s
	} else if k, err := x509.ParseECPrivateKey(kb.Bytes); err == nil {
		priv = k
	} else if k, err := x509.ParsePKCS1PrivateKey(kb.Bytes); err == nil {
		priv = k
	} else {
		return Key{}, errors.New("key: expected PKCS #8, EC or PKCS #1 DER in the PEM block")
	}
	switch priv.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
	default:
		return Key{}, errors.New("key: PDF signatures need an ECDSA or RSA key")
	}
	pub, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return Key{}, err
	}
	leafPub, err := x509.MarshalPKIXPublicKey(leaf.PublicKey)
	if err != nil || !bytes.Equal(pub, leafPub) {
		return Key{}, errors.New("key: it is not the key of the certificate")
	}
	return r.addPDFKey(priv, chain, passphrase, now.UTC().Truncate(time.Second))
}

func documentSigningEKU(c *x509.Certificate) bool {
	for _, u := range c.UnknownExtKeyUsage {
		if u.Equal(OIDDocumentSigning) {
			return true
		}
	}
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageEmailProtection || u == x509.ExtKeyUsageClientAuth {
			return true
		}
	}
	return false
}

// addPDFKey stores a document-signing key, encrypted, with its chain, and
// retires the previous one.
func (r *Ring) addPDFKey(priv crypto.Signer, chain [][]byte, passphrase []byte, now time.Time) (Key, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return Key{}, err
	}
	pub, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return Key{}, err
	}
	n := 1
	for i := range r.Keys {
		k := &r.Keys[i]
		if k.Type != PDFSigning {
			continue
		}
		n++
		if k.Retired == nil && k.Revoked == nil {
			k.Retired = &now
		}
	}
	k := Key{ID: fmt.Sprintf("pdf-signing-%d", n), Type: PDFSigning, Public: pub, Created: now, Certificates: chain}
	if err := writeSecret(filepath.Join(r.dir, k.ID+".key"), der, passphrase); err != nil {
		return Key{}, err
	}
	r.Keys = append(r.Keys, k)
	return k, r.save()
}

// ErrNoPDFKey means the ring has no active document-signing key.
var ErrNoPDFKey = errors.New("no document-signing certificate: run 'etranscript keys import-pdf-cert' or make one")

// PDFSigner returns the active document-signing key and its certificate
// chain, leaf first.
func (r *Ring) PDFSigner(passphrase []byte) (crypto.Signer, []*x509.Certificate, error) {
	k, ok := r.Active(PDFSigning)
	if !ok {
		return nil, nil, ErrNoPDFKey
	}
	der, err := r.secret(k.ID, passphrase)
	if err != nil {
		return nil, nil, err
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", k.ID, err)
	}
	chain, err := k.Chain()
	if err != nil {
		return nil, nil, err
	}
	return priv.(crypto.Signer), chain, nil
}

// Chain parses a document-signing key's certificate chain.
func (k Key) Chain() ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, der := range k.Certificates {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%s: certificate: %w", k.ID, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no certificate", k.ID)
	}
	return out, nil
}

// PublicJWK is the JWK (made by jwx) of a document-signing key, as
// published in the profile.
func PublicJWK(pkix []byte) (JWK, error) {
	pub, err := x509.ParsePKIXPublicKey(pkix)
	if err != nil {
		return JWK{}, err
	}
	return jwkOf(pub)
}

// PublicKeyOfJWK parses a published JWK (EC or RSA) with jwx.
func PublicKeyOfJWK(j JWK) (crypto.PublicKey, error) {
	b, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	k, err := jwk.ParseKey(b)
	if err != nil {
		return nil, err
	}
	var raw any
	if err := k.Raw(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}
