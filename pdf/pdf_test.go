package pdf_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/pdf/pdfcheck"
	"github.com/etranscript/etranscript/transcript"
)

func TestRenderAndCheck(t *testing.T) {
	is := testkit.NewIssuer(t)
	maker := is.EnablePDF(t)
	b, err := transcript.HKUST().ReadFile("../cli/sample/sample-batch.json", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range is.Issue(t, b).Issued {
		sig, err := pdfcheck.Check(c.PDF)
		if err != nil {
			t.Fatal(err)
		}
		if !sig.Valid || !sig.WholeFile || sig.Count != 1 || sig.Certificate == nil || sig.Subject != c.ID {
			t.Fatalf("signature %+v", sig)
		}
		att, err := pdfcheck.Attachment(c.PDF, pdfcheck.AttachmentName, 8<<20)
		if err != nil || !bytes.Equal(att, c.JSON) {
			t.Fatalf("attachment: %v", err)
		}
		if _, err := pdfcheck.Attachment(c.PDF, pdfcheck.AttachmentName, 100); err == nil {
			t.Error("an attachment over the cap was read")
		}
	}
	// A credential that is not a transcript is refused, not drawn empty.
	if _, err := maker.Renderer.Render([]byte(`{"id":"urn:uuid:x"}`), pdf.Options{}); err == nil {
		t.Error("rendered a credential with no transcript")
	}
	if _, err := pdfcheck.Check([]byte("%PDF-1.4 garbage")); err == nil {
		t.Error("garbage accepted")
	}
}

// BenchmarkPDF40 renders and signs the transcript PDF of one 40-course
// credential (the font read), on every core; it reports PDFs per second and the file size.
func BenchmarkPDF40(b *testing.B) {
	is := testkit.NewIssuer(b)
	res := is.Issue(b, testkit.Batch(8, 40, 5))
	maker := is.EnablePDF(b)
	ctx := context.Background()
	out, err := maker.Make(ctx, res.Issued[0].JSON)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := maker.Make(ctx, res.Issued[i%len(res.Issued)].JSON); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pdfs/s")
	b.ReportMetric(float64(len(out)), "bytes/pdf")
}
