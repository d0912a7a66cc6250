package verifier

import (
	"context"
	"crypto/x509"
	"errors"
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
	bad := func(reason string, params ...any) *Result {
		r := &Result{}
		r.add(CheckFormat, Failed, reason, params...)
		return r.finish()
	}
	sig, err := pdfcheck.Check(data)
	switch {
	case errors.Is(err, pdfcheck.ErrUnsigned):
		// Still read the credential: say what it is, and that the PDF
		// is not signed.
	case err != nil:
		return bad("format.not_pdf", "problem", err.Error())
	}
	lim := v.Limits
	if lim.MaxBytes == 0 {
		lim.MaxBytes = 8 << 20
	}
	cred, aerr := pdfcheck.Attachment(data, pdfcheck.AttachmentName, lim.MaxBytes)
	if aerr != nil {
		v.log().Info("PDF attachment", "err", aerr)
		return bad("format.no_attachment")
	}
	doc, r := v.decode(cred)
	var st *state
	if doc != nil {
		r, st = v.run(ctx, doc)
	}
	if err != nil {
		r.add(CheckPDFSignature, Failed, "pdf_signature.unsigned")
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
		v.log().Info("PDF signature", "problems", strings.Join(sig.Problems, "; "))
		r.add(CheckPDFSignature, Failed, "pdf_signature.invalid")
		return
	case sig.Count != 1:
		r.add(CheckPDFSignature, Failed, "pdf_signature.count", "count", sig.Count)
		return
	case !sig.WholeFile:
		r.add(CheckPDFSignature, Failed, "pdf_signature.not_whole")
		return
	}
	if st == nil {
		r.add(CheckPDFSignature, Unknown, "pdf_signature.no_credential")
		return
	}
	if id, _ := st.doc["id"].(string); sig.Subject != id {
		r.add(CheckPDFSignature, Failed, "pdf_signature.other_credential", "shows", clip(sig.Subject), "carries", clip(id))
		return
	}
	if st.profile == nil {
		r.add(CheckPDFSignature, Unknown, "pdf_signature.no_profile")
		return
	}
	name := "the certificate " + sig.Certificate.Subject.CommonName
	vm, ok := st.profile.documentKey(sig.Certificate)
	if !ok {
		r.add(CheckPDFSignature, Failed, "pdf_signature.unknown_key", "signer", clip(name))
		return
	}
	if vm.Revoked != "" {
		r.add(CheckPDFSignature, Failed, "pdf_signature.revoked_key", "signer", clip(name), "revoked", clip(vm.Revoked))
		return
	}
	if !sig.Timestamp.IsZero() {
		r.add(CheckPDFSignature, Passed, "pdf_signature.ok_timestamp", "signer", clip(name), "timestamp", sig.Timestamp.UTC().Format(time.RFC3339))
		return
	}
	r.add(CheckPDFSignature, Passed, "pdf_signature.ok", "signer", clip(name))
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
