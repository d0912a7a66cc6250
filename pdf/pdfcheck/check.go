// Package pdfcheck reads a transcript PDF back: its signature, whether it
// covers the whole file, and the credential attached to it. It is apart from
// the renderer (package pdf) so that a verifier links no PDF writer or font.
package pdfcheck

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	pdflib "github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/extract"
	"github.com/digitorus/pdfsign/verify"
)

// AttachmentName is the attached credential's file name.
const AttachmentName = "credential.json"

// MaxBytes caps a PDF read by Check.
const MaxBytes = 10 << 20

// Signature is what Check finds of a PDF's last signature.
type Signature struct {
	// Valid: the signature verifies over its byte range with the
	// certificate it carries (which must allow document signing).
	Valid bool
	// Problems says why not, in words.
	Problems []string
	// Certificate is the signer's certificate.
	Certificate *x509.Certificate
	// WholeFile: the signed byte range runs from the first byte to the
	// last, leaving out only the signature itself: nothing was appended
	// after signing.
	WholeFile bool
	// Signed is the signing time the signature states; Timestamp the time
	// of its RFC 3161 token, if any.
	Signed, Timestamp time.Time
	// Count is the number of signatures in the file.
	Count int
	// Subject is the document information's Subject: the id of the
	// credential the transcript shows.
	Subject string
}

// ErrNotPDF is returned for data that is not a PDF Check can read.
var ErrNotPDF = errors.New("not a readable PDF")

// ErrUnsigned is returned for a PDF without a signature.
var ErrUnsigned = errors.New("the PDF is not signed")

// Check reads the signatures of a PDF. It never panics on hostile input.
func Check(data []byte) (sig *Signature, err error) {
	defer func() {
		if r := recover(); r != nil {
			sig, err = nil, fmt.Errorf("%w: %v", ErrNotPDF, r)
		}
	}()
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrNotPDF, MaxBytes)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header", ErrNotPDF)
	}
	// The signatures are read with the PDF parser alone: pdfsign.Open
	// would walk every page for fonts, which never ends on some malformed
	// page trees (found by FuzzVerifyPDF).
	file := bytes.NewReader(data)
	rd, err := pdflib.NewReader(file, int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	sig = &Signature{Subject: rd.Trailer().Key("Info").Key("Subject").Text()}
	var sigs []*extract.Signature
	for s, err := range extract.Iter(rd, file) {
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
		}
		if sig.Count++; sig.Count > maxSignatures {
			return nil, fmt.Errorf("%w: more than %d signatures", ErrNotPDF, maxSignatures)
		}
		sigs = append(sigs, s)
	}
	if sig.Count == 0 {
		return nil, ErrUnsigned
	}
	// The last signature must cover the file: [0, a, b, len-b] with the
	// gap being its own /Contents (PDF 32000-1 §12.8.1).
	last := sigs[len(sigs)-1].ByteRange()
	if len(last) == 4 && last[0] == 0 && last[1] > 0 && last[2] > last[1] && last[2]+last[3] == int64(len(data)) {
		sig.WholeFile = true
	}
	opts := &verify.VerifyOptions{
		RequiredEKUs:              []x509.ExtKeyUsage{x509.ExtKeyUsage(36)}, // documentSigning, RFC 9336
		AllowedEKUs:               []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection, x509.ExtKeyUsageClientAuth},
		RequireDigitalSignatureKU: true,
		// Trust is decided by the caller, against the issuer's published
		// key; here the signature is checked with the certificate it
		// carries, with no network access.
		AllowUntrustedRoots: true,
		SkipRevocationCheck: true,
		HTTPTimeout:         time.Second,
	}
	valid := 0
	for i, s := range sigs {
		signer, err := verify.VerifySignature(s.Object(), file, int64(len(data)), opts)
		if err != nil {
			sig.Problems = append(sig.Problems, err.Error())
			continue
		}
		ok := signer.ValidSignature && len(signer.ValidationErrors) == 0
		for _, e := range signer.ValidationErrors {
			sig.Problems = append(sig.Problems, e.Error())
		}
		if ok {
			valid++
		}
		if i == len(sigs)-1 {
			if len(signer.Certificates) > 0 {
				sig.Certificate = signer.Certificates[0].Certificate
			}
			if signer.SignatureTime != nil {
				sig.Signed = *signer.SignatureTime
			}
			if signer.TimeStamp != nil {
				sig.Timestamp = signer.TimeStamp.Time
			}
		}
	}
	sig.Valid = valid == sig.Count
	return sig, nil
}

// maxSignatures bounds the signatures read from one file.
const maxSignatures = 16

// Attachment returns the embedded file called name (PDF 32000-1 §7.11.4,
// the EmbeddedFiles name tree), at most max bytes.
func Attachment(data []byte, name string, max int64) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: %v", ErrNotPDF, r)
		}
	}()
	rd, err := pdflib.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	tree := rd.Trailer().Key("Root").Key("Names").Key("EmbeddedFiles")
	var found []pdflib.Value
	walkNames(tree, 0, func(n string, spec pdflib.Value) {
		if n == name || spec.Key("UF").Text() == name || spec.Key("F").Text() == name {
			found = append(found, spec)
		}
	})
	if len(found) == 0 {
		return nil, fmt.Errorf("no attached %s", name)
	}
	if len(found) > 1 {
		return nil, fmt.Errorf("%d attachments called %s", len(found), name)
	}
	ef := found[0].Key("EF").Key("F")
	if ef.Kind() != pdflib.Stream {
		return nil, fmt.Errorf("attachment %s: no file stream", name)
	}
	r := ef.Reader()
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("attachment %s: larger than %d bytes", name, max)
	}
	return b, nil
}

// walkNames visits a name tree's leaves, to a bounded depth.
func walkNames(node pdflib.Value, depth int, visit func(string, pdflib.Value)) {
	if depth > 8 || node.IsNull() {
		return
	}
	if names := node.Key("Names"); !names.IsNull() {
		for i := 0; i+1 < names.Len() && i < 2000; i += 2 {
			visit(names.Index(i).Text(), names.Index(i+1))
		}
	}
	if kids := node.Key("Kids"); !kids.IsNull() {
		for i := 0; i < kids.Len() && i < 64; i++ {
			walkNames(kids.Index(i), depth+1, visit)
		}
	}
}
