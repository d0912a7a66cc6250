package verifier_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	pdflib "github.com/digitorus/pdf"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/verifier"
)

// appendUpdate appends an incremental update (PDF 32000-1 §7.5.6) that
// replaces the attached credential's file stream with cred: what someone
// swapping in another credential after signing would do.
func appendUpdate(t *testing.T, signed, cred []byte) []byte {
	t.Helper()
	rd, err := pdflib.NewReader(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		t.Fatal(err)
	}
	tr := rd.Trailer()
	names := tr.Key("Root").Key("Names").Key("EmbeddedFiles").Key("Names")
	obj := names.Index(1).Key("EF").Key("F").GetPtr().GetID()
	root := tr.Key("Root").GetPtr().GetID()
	size := tr.Key("Size").Int64()
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(signed)
	if m == nil {
		t.Fatal("no startxref")
	}
	prev, _ := strconv.Atoi(string(m[1]))
	var b bytes.Buffer
	b.Write(signed)
	off := b.Len() + 1
	fmt.Fprintf(&b, "\n%d 0 obj\n<< /Type /EmbeddedFile /Length %d >>\nstream\n", obj, len(cred))
	b.Write(cred)
	b.WriteString("\nendstream\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", obj, off, size, root, prev, xref)
	return b.Bytes()
}

// otherSigner is a document-signing certificate the issuer never published.
func otherSigner(t *testing.T) pdf.Signing {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Impostor"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, UnknownExtKeyUsage: []asn1.ObjectIdentifier{keys.OIDDocumentSigning}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return pdf.Signing{Key: key, Chain: []*x509.Certificate{cert}}
}

// TestPDF: a transcript PDF verifies with its credential; each change
// after signing fails pdf_signature (one mutation of the good file each).
func TestPDF(t *testing.T) {
	ctx := context.Background()
	is := testkit.NewIssuer(t)
	maker := is.EnablePDF(t)
	res := is.Issue(t, testkit.Batch(2, 6, 21))
	good, other := res.Issued[0], res.Issued[1]
	unsigned, err := maker.Renderer.Render(good.JSON, pdf.Options{Institution: is.Config.Name})
	if err != nil {
		t.Fatal(err)
	}
	impostor, err := pdf.Sign(ctx, unsigned, otherSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	resigned, err := pdf.Sign(ctx, good.PDF, otherSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	// The same transcript, rendered for another credential's id: signed by
	// the issuer, but the document does not show what it carries.
	mismatched := appendUpdate(t, good.PDF, other.JSON)
	byteChanged := bytes.Replace(good.PDF, []byte("/CreationDate (D:20"), []byte("/CreationDate (D:21"), 1)
	if bytes.Equal(byteChanged, good.PDF) {
		t.Fatal("no creation date to change")
	}
	// Universal signature forgery: the signature's value emptied (zeros),
	// the file otherwise intact.
	zeroed := regexp.MustCompile(`/Contents\s*<([0-9a-fA-F]+)>`).ReplaceAllFunc(good.PDF, func(m []byte) []byte {
		i := bytes.IndexByte(m, '<')
		return append(append([]byte{}, m[:i+1]...), append(bytes.Repeat([]byte("0"), len(m)-i-2), '>')...)
	})
	// Signature wrapping: the signed byte range made to stop short of the
	// end, so that bytes after it are outside what was signed.
	wrapped := regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)`).ReplaceAllFunc(good.PDF, func(m []byte) []byte {
		j := len(m) - 1
		for j > 0 && m[j-1] >= '0' && m[j-1] <= '9' {
			j--
		}
		n, _ := strconv.Atoi(string(m[j:]))
		return append(append([]byte{}, m[:j]...), fmt.Sprintf("%0*d", len(m)-j, n-16)...)
	})
	if bytes.Equal(zeroed, good.PDF) || bytes.Equal(wrapped, good.PDF) {
		t.Fatal("no signature dictionary to change")
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		want  verifier.Verdict
		check string
		words string
	}{
		{"fail/pdf_signature/universal-forgery-zeroed-contents", zeroed, verifier.Rejected, verifier.CheckPDFSignature, ""},
		{"fail/pdf_signature/wrapping-byte-range-short", wrapped, verifier.Rejected, verifier.CheckPDFSignature, ""},
		{"ok/issued", good.PDF, verifier.Verified, "", "nothing was changed"},
		{"fail/pdf_signature/byte-changed", byteChanged, verifier.Rejected, verifier.CheckPDFSignature, "does not verify"},
		{"fail/pdf_signature/credential-swapped-by-update", mismatched, verifier.Rejected, verifier.CheckPDFSignature, "after signing"},
		{"fail/pdf_signature/appended-bytes", append(append([]byte{}, good.PDF...), "\n% appended\n"...), verifier.Rejected, verifier.CheckPDFSignature, "after signing"},
		{"fail/pdf_signature/second-signature", resigned, verifier.Rejected, verifier.CheckPDFSignature, "after"},
		{"fail/pdf_signature/other-signer", impostor, verifier.Rejected, verifier.CheckPDFSignature, "not a document-signing key of this issuer"},
		{"fail/pdf_signature/unsigned", unsigned, verifier.Rejected, verifier.CheckPDFSignature, "not signed"},
		{"fail/format/not-pdf", good.JSON, verifier.Rejected, verifier.CheckFormat, "not a transcript PDF"},
		{"fail/format/truncated", good.PDF[:len(good.PDF)/2], verifier.Rejected, verifier.CheckFormat, "PDF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := (&verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}).VerifyPDF(ctx, tc.data)
			if r.Status != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.want, r.Checks)
			}
			id := tc.check
			if id == "" {
				id = verifier.CheckPDFSignature
			}
			if c := check(r, id); !strings.Contains(c.Message, tc.words) || (tc.want == verifier.Rejected && c.Status != verifier.Failed) {
				t.Errorf("%s: %+v", id, c)
			}
		})
	}
	// The swapped-in credential is itself valid: only the PDF check fails.
	r := (&verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}).VerifyPDF(ctx, mismatched)
	if c, _ := r.FirstFailed(); c.ID != verifier.CheckPDFSignature {
		t.Errorf("swapped credential: first failed %+v", c)
	}
	if r.Credential == nil || r.Credential.ID != other.ID {
		t.Errorf("the swapped PDF should carry the other credential now: %+v", r.Credential)
	}
}

// FuzzVerifyPDF: no input makes VerifyPDF panic or run long. Its seed
// corpus (testdata/fuzz/FuzzVerifyPDF) holds a signed transcript PDF; the
// setup is instant (no issuer, no keys: an issuer profile cannot be
// fetched, so nothing can verify), so that every worker fuzzes at once.
func FuzzVerifyPDF(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: verifier.Local{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r *verifier.Result
		testkit.Bounded(testkit.FuzzInputBudget, fmt.Sprintf("VerifyPDF of a %d-byte input", len(data)), func() {
			r = v.VerifyPDF(context.Background(), data)
		})
		if r.Status == verifier.Verified {
			t.Fatal("verified without its issuer's profile")
		}
	})
}
