package pdf_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/transcript"
)

// signing is the test issuer's document-signing key, made as init makes it.
func signing(t testing.TB, is *testkit.Issuer) pdf.Signing {
	if _, err := is.Ring.AddPDFCert(is.Config.Name, []byte(testkit.Passphrase), time.Now()); err != nil {
		t.Fatal(err)
	}
	key, chain, err := is.Ring.PDFSigner([]byte(testkit.Passphrase))
	if err != nil {
		t.Fatal(err)
	}
	return pdf.Signing{Key: key, Chain: chain, Reason: "Official transcript"}
}

func sample(t testing.TB) *transcript.Batch {
	b, err := transcript.HKUST().ReadFile("../cli/sample/sample-batch.json", 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func render(t testing.TB, r *pdf.Renderer, is *testkit.Issuer, cred []byte, s pdf.Signing) []byte {
	t.Helper()
	out, err := r.Render(cred, pdf.Options{Institution: "香港科技大學 Test University", VerifyURL: "https://registry.example.edu/v/urn:uuid:x", Scheme: transcript.HKUST()})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pdf.Sign(context.Background(), out, s)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestRenderAndCheck(t *testing.T) {
	is := testkit.NewIssuer(t)
	s := signing(t, is)
	res := is.Issue(t, sample(t))
	r := pdf.NewRenderer()
	for _, c := range res.Issued {
		signed := render(t, r, is, c.JSON, s)
		sig, err := pdf.Check(signed)
		if err != nil {
			t.Fatal(err)
		}
		if !sig.Valid || !sig.WholeFile || sig.Count != 1 || sig.Certificate == nil {
			t.Fatalf("signature %+v", sig)
		}
		att, err := pdf.Attachment(signed, pdf.AttachmentName, 8<<20)
		if err != nil || !bytes.Equal(att, c.JSON) {
			t.Fatalf("attachment: %v", err)
		}
		os.WriteFile(filepath.Join("/tmp", c.StudentID+".pdf"), signed, 0o644)
	}
}

var _ = exec.Command
var _ = strings.Contains
var _ = keys.PDFSigning
