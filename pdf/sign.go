package pdf

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/digitorus/pdfsign"
	"github.com/etranscript/etranscript/transcript"
)

// Signing is how a PDF is signed.
type Signing struct {
	Key   crypto.Signer
	Chain []*x509.Certificate // leaf first
	// TimestampURL, if set, is an RFC 3161 timestamp authority whose token
	// goes into the signature (PAdES B-T).
	TimestampURL string
	Reason       string
}

// Sign adds a PAdES certification signature that allows no later change
// (an incremental update; about 5 ms).
func Sign(ctx context.Context, data []byte, s Signing) ([]byte, error) {
	if s.Key == nil || len(s.Chain) == 0 {
		return nil, errors.New("sign: no document-signing key and certificate")
	}
	doc, err := pdfsign.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	format := pdfsign.PAdES_B
	if s.TimestampURL != "" {
		format = pdfsign.PAdES_B_T
	}
	b := doc.Sign(s.Key, s.Chain[0], s.Chain[1:]...).
		Type(pdfsign.CertificationSignature).
		Permission(pdfsign.NoChanges).
		Format(format).
		Reason(s.Reason).
		SignerName(s.Chain[0].Subject.CommonName).
		Context(ctx)
	if s.TimestampURL != "" {
		b.Timestamp(s.TimestampURL)
	}
	var out bytes.Buffer
	if _, err := doc.Write(&out); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return out.Bytes(), nil
}

// Maker renders and signs the transcript PDFs of one batch.
type Maker struct {
	Renderer    *Renderer
	Institution string
	// VerifyURL gives a credential's public verification page.
	VerifyURL func(id string) string
	Scheme    *transcript.Scheme
	Signing   Signing
}

// Extension is the transcript PDF's file name ending (issuer.Output).
func (m *Maker) Extension() string { return ".pdf" }

// Make renders and signs the transcript PDF of cred.
func (m *Maker) Make(ctx context.Context, cred []byte) ([]byte, error) {
	c, err := parse(cred)
	if err != nil {
		return nil, err
	}
	o := Options{Institution: m.Institution, Scheme: m.Scheme}
	if m.VerifyURL != nil {
		o.VerifyURL = m.VerifyURL(c.ID)
	}
	out, err := m.Renderer.render(c, cred, o)
	if err != nil {
		return nil, err
	}
	return Sign(ctx, out, m.Signing)
}
