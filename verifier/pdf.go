package verifier

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf/pdfcheck"
)

// CheckPDFSignature is the check of a transcript PDF's own signature.
const CheckPDFSignature = "pdf_signature"

// VerifyPDF verifies a transcript PDF: the credential it carries
// (credential.json), with every check of Verify, and the PDF's signature
// (pdf_signature).
func (v *Verifier) VerifyPDF(ctx context.Context, data []byte) *Result {
	bad := func(id, msg string) *Result {
		r := &Result{}
		r.add(id, Failed, msg)
		return r.finish()
	}
	sig, err := pdfcheck.Check(data)
	switch {
	case errors.Is(err, pdfcheck.ErrUnsigned):
		// Still read the credential: say what it is, and that the PDF
		// is not signed.
	case err != nil:
		return bad(CheckFormat, "not a transcript PDF: "+err.Error())
	}
	lim := v.Limits
	if lim.MaxBytes == 0 {
		lim.MaxBytes = 8 << 20
	}
	cred, aerr := pdfcheck.Attachment(data, pdfcheck.AttachmentName, lim.MaxBytes)
	if aerr != nil {
		return bad(CheckFormat, "the PDF carries no credential to verify: "+aerr.Error())
	}
	doc, r := v.decode(cred)
	var st *state
	if doc != nil {
		r, st = v.run(ctx, doc)
	}
	if err != nil {
		r.add(CheckPDFSignature, Failed, "the PDF is not signed")
		return v.trust(r).finish()
	}
	v.checkPDF(r, st, sig)
	return v.trust(r).finish()
}

// checkPDF checks a transcript PDF's signature (PDF 32000-1 §12.8; PAdES,
// ETSI EN 319 142-1): it verifies over its byte range; that range is the
// whole file but the signature itself, and it is the only signature, so
// nothing was added after signing; the document says it shows the
// credential it carries; and the certificate's key is a document-signing
// key the credential's issuer publishes in its profile.
func (v *Verifier) checkPDF(r *Result, st *state, sig *pdfcheck.Signature) {
	switch {
	case !sig.Valid:
		msg := "the PDF's signature does not verify: the file was changed after signing"
		if len(sig.Problems) > 0 {
			msg += " (" + clip(strings.Join(sig.Problems, "; ")) + ")"
		}
		r.add(CheckPDFSignature, Failed, msg)
		return
	case sig.Count != 1:
		r.add(CheckPDFSignature, Failed, fmt.Sprintf("the PDF has %d signatures: something was added after the registry signed it", sig.Count))
		return
	case !sig.WholeFile:
		r.add(CheckPDFSignature, Failed, "the signature does not cover the whole file: something was appended after signing")
		return
	}
	if st == nil {
		r.add(CheckPDFSignature, Unknown, "the PDF's signature verifies, but its credential could not be read")
		return
	}
	if id, _ := st.doc["id"].(string); sig.Subject != id {
		r.add(CheckPDFSignature, Failed, fmt.Sprintf("the PDF says it shows credential %q but carries %q", clip(sig.Subject), clip(id)))
		return
	}
	if st.profile == nil {
		r.add(CheckPDFSignature, Unknown, "the PDF's signature verifies, but without the issuer profile it cannot be tied to the issuer")
		return
	}
	name := "the certificate " + sig.Certificate.Subject.CommonName
	vm, ok := st.profile.documentKey(sig.Certificate)
	if !ok {
		r.add(CheckPDFSignature, Failed, fmt.Sprintf("signed by %s, which is not a document-signing key of this issuer", clip(name)))
		return
	}
	if vm.Revoked != "" {
		r.add(CheckPDFSignature, Failed, fmt.Sprintf("signed by %s, which the issuer has revoked (%s)", clip(name), vm.Revoked))
		return
	}
	msg := fmt.Sprintf("signed by %s, the issuer's published document-signing key; nothing was changed or added since", clip(name))
	if !sig.Timestamp.IsZero() {
		msg += "; timestamped " + sig.Timestamp.UTC().Format(time.RFC3339)
	}
	r.add(CheckPDFSignature, Passed, msg)
}

// documentKey finds the profile's verification method whose public key is
// the certificate's.
func (p *profile) documentKey(cert *x509.Certificate) (vmEntry, bool) {
	if cert == nil {
		return vmEntry{}, false
	}
	want, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		return vmEntry{}, false
	}
	for _, m := range p.VerificationMethod {
		if m.Type != "JsonWebKey" || m.PublicKeyJwk == nil {
			continue
		}
		pub, err := keys.PublicKeyOfJWK(*m.PublicKeyJwk)
		if err != nil {
			continue
		}
		got, err := x509.MarshalPKIXPublicKey(pub)
		if err == nil && string(got) == string(want) {
			return m, true
		}
	}
	return vmEntry{}, false
}
