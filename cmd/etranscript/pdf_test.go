package main_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/transcript"
)

// tool returns the path of a Debian tool the PDF tests use: .ci/run
// installs them and sets ETRANSCRIPT_REQUIRE_TOOLS, so that in CI they
// cannot be skipped.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if envvar.RequireTools.Get() != "" {
			t.Fatalf("%s is not installed (Debian poppler-utils, zbar-tools, qpdf)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestPDFTools checks the transcript PDFs with independent tools: poppler
// says the signature is valid and covers the document, shows the text
// (the CJK name, every course, the CGA) and lists the attached credential;
// zbar reads the verification URL from the rendered QR code. A 60-course,
// 12-term transcript with long titles runs over several pages with nothing
// cut off.
func TestPDFTools(t *testing.T) {
	for _, n := range []string{"pdfsig", "pdftotext", "pdfdetach", "pdftoppm", "zbarimg", "qpdf"} {
		tool(t, n)
	}
	b, titles := longTranscript()
	dir := t.TempDir()
	batch := filepath.Join(dir, "batch.json")
	js, _ := json.Marshal(b)
	os.WriteFile(batch, js, 0o644)

	data := initData(t, "https://registry.example.edu")
	out := filepath.Join(dir, "out")
	if res := etranscript(t, data, "issue", batch, "--chain", "mocknet", "--out", out, "--no-mail"); res.code != 0 {
		t.Fatalf("issue: %+v", res)
	}
	creds := credentials(t, out)
	if len(creds) != 1 {
		t.Fatalf("%d credentials", len(creds))
	}
	cj, _ := os.ReadFile(creds[0])
	var c struct {
		ID                string
		CredentialSubject struct{ CGA string }
	}
	json.Unmarshal(cj, &c)
	file := strings.TrimSuffix(creds[0], ".json") + ".pdf"

	pdfStructure(t, file)
	pdfText(t, file, titles, c.CredentialSubject.CGA, c.ID)
	if list := runTool(t, "pdfdetach", "-list", file); !strings.Contains(list, "credential.json") {
		t.Errorf("pdfdetach -list: %s", list)
	}
	saved := filepath.Join(dir, "saved.json")
	runTool(t, "pdfdetach", "-save", "1", "-o", saved, file)
	if got, _ := os.ReadFile(saved); string(got) != string(cj) {
		t.Error("the attached credential is not the issued one")
	}
	runTool(t, "pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", file, filepath.Join(dir, "page"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pngs) != 1 {
		t.Fatalf("rendered %v", pngs)
	}
	qr := runTool(t, "zbarimg", "-q", "--raw", pngs[0])
	if want := "https://registry.example.edu/v/" + c.ID; !strings.Contains(qr, want) {
		t.Errorf("QR code says %q, want %q", qr, want)
	}
	if res := etranscript(t, data, "verify", "--allow-test-chains", file); res.code != 0 || !strings.Contains(res.stdout, "passed   pdf_signature") {
		t.Errorf("verify the PDF: %+v", res)
	}
	if res := etranscript(t, data, "issue", batch, "--chain", "mocknet", "--out", filepath.Join(dir, "nopdf"), "--no-mail", "--no-pdf"); res.code != 0 {
		t.Fatalf("issue --no-pdf: %+v", res)
	}
	if p, _ := filepath.Glob(filepath.Join(dir, "nopdf", "*.pdf")); len(p) != 0 {
		t.Errorf("--no-pdf wrote %v", p)
	}
}

// longTranscript is a 60-course, 12-term transcript with a CJK name and
// long titles, some in Chinese or holding markup; titles are its courses'
// titles by code.
func longTranscript() (*transcript.Batch, map[string]string) {
	b := testkit.Batch(1, 60, 42)
	b.ID = "pdf-test"
	r := &b.Records[0]
	r.Name, r.NameLocal = "LEUNG Wing Sze", "梁詠詩"
	long := []string{
		"Advanced Topics in Distributed Systems: Consensus, Replication and Fault Tolerance in Planet-Scale Data Stores",
		"中國文化與社會：傳統、現代化與全球化的交匯",
		"Introduction to Computer Science <script>alert(1)</script> & Friends",
	}
	titles := map[string]string{}
	for ti := range r.Terms {
		for ci := range r.Terms[ti].Courses {
			c := &r.Terms[ti].Courses[ci]
			if (ti*5+ci)%7 == 0 {
				c.Title = long[(ti*5+ci)%len(long)]
			}
			titles[c.Code] = c.Title
		}
	}
	return b, titles
}

// pdfStructure: qpdf finds no error, the credential is the associated
// file, and poppler says the signature is valid over the whole document.
func pdfStructure(t *testing.T, file string) {
	if chk := runTool(t, "qpdf", "--check", file); !strings.Contains(chk, "No syntax or stream encoding errors") {
		t.Errorf("qpdf --check: %s", chk)
	}
	if cat := runTool(t, "qpdf", "--show-object=trailer", "--filtered-stream-data", file); !strings.Contains(cat, "/Root") {
		t.Errorf("qpdf trailer: %s", cat)
	}
	if !regexp.MustCompile(`/AFRelationship /Data`).Match(mustRead(t, file)) {
		t.Error("the credential is not marked as the associated file (/AFRelationship /Data)")
	}
	sig := runTool(t, "pdfsig", file)
	for _, want := range []string{"Signature is Valid", "Total document signed", "document signing"} {
		if !strings.Contains(sig, want) {
			t.Errorf("pdfsig: no %q:\n%s", want, sig)
		}
	}
}

// pdfText: the text shows the names, the CGA, the id, every word of every
// title, and numbered pages each with the table's header.
func pdfText(t *testing.T, file string, titles map[string]string, cga, id string) {
	text := runTool(t, "pdftotext", "-enc", "UTF-8", file, "-")
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"LEUNG Wing Sze", "梁詠詩", cga, id, "<script>alert(1)</script>"} {
		if !strings.Contains(flat, want) {
			t.Errorf("pdftotext: no %q", want)
		}
	}
	for code, title := range titles {
		if !strings.Contains(flat, code) {
			t.Errorf("pdftotext: course %s missing", code)
		}
		for _, w := range strings.Fields(title) {
			if !strings.Contains(flat, w) {
				t.Errorf("pdftotext: %q of the title of %s is missing (cut off?)", w, code)
			}
		}
	}
	pages := regexp.MustCompile(`Page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if len(pages) < 2 || pages[len(pages)-1][1] != pages[len(pages)-1][2] {
		t.Errorf("expected several pages numbered \"Page x of y\": %v", pages)
	}
	if strings.Count(text, "Grade points") < len(pages) {
		t.Errorf("the table header is not on every page (%d headers, %d pages)", strings.Count(text, "Grade points"), len(pages))
	}
}

// TestImportPDFCert: a registry's own certificate chain (a CA and a leaf
// with the document-signing usage) replaces the self-signed one; PDFs
// signed before still verify, the new ones name the new certificate.
func TestImportPDFCert(t *testing.T) {
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Registry Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Registry Document Signing"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 36}}}
	leafDER, _ := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(leafKey)
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherDER, _ := x509.MarshalPKCS8PrivateKey(otherKey)
	write := func(name string, blocks ...*pem.Block) string {
		var b []byte
		for _, bl := range blocks {
			b = append(b, pem.EncodeToMemory(bl)...)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	chain := write("chain.pem", &pem.Block{Type: "CERTIFICATE", Bytes: leafDER}, &pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	key := write("key.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	wrongKey := write("wrong.pem", &pem.Block{Type: "PRIVATE KEY", Bytes: otherDER})
	caOnly := write("ca.pem", &pem.Block{Type: "CERTIFICATE", Bytes: caDER})

	data := initData(t, "https://registry.example.edu")
	before := filepath.Join(dir, "before")
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", before, "--no-mail"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	for _, tc := range []struct{ name, cert, key, words string }{
		{"fail/key-not-the-certificate's", chain, wrongKey, "not the key of the certificate"},
		{"fail/not-a-signing-certificate", caOnly, key, "key usage"},
		{"fail/missing-file", filepath.Join(dir, "nope.pem"), key, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := etranscript(t, data, "keys", "import-pdf-cert", tc.cert, tc.key); r.code != 2 || !strings.Contains(r.stderr, tc.words) {
				t.Errorf("%+v", r)
			}
		})
	}
	if r := etranscript(t, data, "keys", "import-pdf-cert", chain, key); r.code != 0 || !strings.Contains(r.stdout, "pdf-signing-2") {
		t.Fatalf("import: %+v", r)
	}
	b, _ := os.ReadFile("../../cli/sample/sample-batch.json")
	second := filepath.Join(dir, "second.json")
	os.WriteFile(second, []byte(strings.Replace(string(b), `"2026-11-conferment"`, `"2026-11-second"`, 1)), 0o644)
	after := filepath.Join(dir, "after")
	if r := etranscript(t, data, "issue", second, "--chain", "mocknet", "--out", after, "--no-mail"); r.code != 0 {
		t.Fatalf("issue after import: %+v", r)
	}
	pdfs := func(d string) []string { p, _ := filepath.Glob(filepath.Join(d, "*.pdf")); return p }
	if r := etranscript(t, data, append([]string{"verify", "--allow-test-chains"}, pdfs(before)...)...); r.code != 0 {
		t.Errorf("PDFs signed by the retired self-signed key: %+v", r)
	}
	r := etranscript(t, data, append([]string{"verify", "--allow-test-chains"}, pdfs(after)...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Registry Document Signing") {
		t.Errorf("PDFs signed by the imported certificate: %+v", r)
	}
	if sig := runTool(t, "pdfsig", pdfs(after)[0]); !strings.Contains(sig, "Registry Document Signing") || !strings.Contains(sig, "Signature is Valid") {
		t.Errorf("pdfsig: %s", sig)
	}
}

func mustRead(t *testing.T, f string) []byte {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
