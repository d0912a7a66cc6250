package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestReceiptPDF: a receipt prints on a page in both languages, with the
// receipt itself attached.
func TestReceiptPDF(t *testing.T) {
	rc := []byte(`{"id": "urn:uuid:r-1", "issuer": "did:key:z6Mk", "credentialSubject": {"verifiedDocument": "urn:uuid:c-1",
		"documentIssuer": "https://registry.example.edu/issuer/profile.json", "documentSha256": "ab12", "verifiedAt": "2026-12-01T00:00:00Z",
		"verifiedBy": "https://verify.example", "verdict": "verified", "checks": [{"check": "integrity", "status": "passed", "reason": "integrity.ok"}]}}`)
	b, err := NewRenderer().ReceiptPDF(rc)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%v", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("poppler is not installed")
	}
	file := t.TempDir() + "/receipt.pdf"
	os.WriteFile(file, b, 0o644)
	if list, _ := exec.Command("pdfdetach", "-list", file).Output(); !strings.Contains(string(list), "verification-receipt.json") {
		t.Errorf("the receipt is not attached: %s", list)
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Verification receipt", "核實收據", "urn:uuid:c-1", "integrity.ok", "verified"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
}
