package pdf

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	pdflib "github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign"
)

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
	doc, err := pdfsign.Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	sig = &Signature{Subject: doc.Reader().Trailer().Key("Info").Key("Subject").Text()}
	var last []int64
	for s, err := range doc.Signatures() {
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
		}
		sig.Count++
		last = s.ByteRange()
	}
	if sig.Count == 0 {
		return nil, ErrUnsigned
	}
	// The last signature must cover the file: [0, a, b, len-b] with the
	// gap being its own /Contents (PDF 32000-1 §12.8.1).
	if len(last) == 4 && last[0] == 0 && last[1] > 0 && last[2] > last[1] && last[2]+last[3] == int64(len(data)) {
		sig.WholeFile = true
	}
	res := doc.Verify().TrustSelfSigned(true).SkipRevocationCheck(true).ExternalChecks(false)
	if res.Err() != nil {
		sig.Problems = append(sig.Problems, res.Err().Error())
	}
	sigs := res.Signatures()
	if len(sigs) == 0 {
		sig.Problems = append(sig.Problems, "no signature could be checked")
		return sig, nil
	}
	s := sigs[len(sigs)-1]
	sig.Valid = s.Valid && len(sigs) == sig.Count
	sig.Certificate = s.Certificate
	sig.Signed = s.SigningTime
	if s.Timestamp != nil {
		sig.Timestamp = s.Timestamp.Time
	}
	for _, e := range s.Errors {
		sig.Problems = append(sig.Problems, e.Error())
	}
	if len(sigs) != sig.Count {
		sig.Problems = append(sig.Problems, fmt.Sprintf("%d of %d signatures could not be checked", sig.Count-len(sigs), sig.Count))
	}
	return sig, nil
}

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
