package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
)

// tool returns the path of a Debian tool the PDF tests use: .ci/run
// installs them and sets ETRANSCRIPT_REQUIRE_TOOLS, so that in CI they
// cannot be skipped.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ETRANSCRIPT_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is not installed (Debian poppler-utils, zbar-tools)", name)
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
	for _, n := range []string{"pdfsig", "pdftotext", "pdfdetach", "pdftoppm", "zbarimg"} {
		tool(t, n)
	}
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

	sig := runTool(t, "pdfsig", file)
	for _, want := range []string{"Signature is Valid", "Total document signed", "document signing"} {
		if !strings.Contains(sig, want) {
			t.Errorf("pdfsig: no %q:\n%s", want, sig)
		}
	}
	text := runTool(t, "pdftotext", "-enc", "UTF-8", file, "-")
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"LEUNG Wing Sze", "梁詠詩", c.CredentialSubject.CGA, c.ID, "<script>alert(1)</script>"} {
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
	fmt.Fprint(os.Stderr)
}
