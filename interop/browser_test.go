//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// TestBrowser: the public verifier in headless Chromium (Debian's, driven
// by playwright-core), with JavaScript off: a valid credential and its
// PDF verify, a tampered one names the failed check, a credential whose
// fields hold markup shows it as text, the Chinese page. Screenshots go to
// $ETRANSCRIPT_ARTIFACTS (default interop/artifacts).
func TestBrowser(t *testing.T) {
	chromium, art := browserEnv(t)
	is := testkit.NewIssuer(t)
	is.EnablePDF(t)
	b := testkit.Batch(2, 12, 5)
	b.Records[1].Name = `<script>document.title="owned"</script>`
	res := is.Issue(t, b)
	good, xss := res.Issued[0], res.Issued[1]
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	tampered := bytes.Replace(good.JSON, []byte(`"grade":"`), []byte(`"grade":"X`), 1)
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil), Trusted: verifier.TrustList{"registry.example.edu"}}
	srv := httptest.NewServer((&web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v}}).Handler())
	defer srv.Close()
	cmd := exec.Command("node", "browser.cjs", srv.URL, art,
		"verified="+write("good.json", good.JSON),
		"tampered="+write("tampered.json", tampered),
		"pdf="+write("good.pdf", good.PDF),
		"markup="+write("xss.json", xss.JSON),
		"chinese="+write("good2.json", good.JSON)+"=zh-HK")
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser: %v\n%s", err, stderr.String())
	}
	got := map[string]struct {
		Class, Verdict, Lang, Text, Error string
		Failed, Checks                    []string
	}{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			Name, Class, Verdict, Lang, Text, Error string
			Failed, Checks                          []string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got[r.Name] = struct {
			Class, Verdict, Lang, Text, Error string
			Failed, Checks                    []string
		}{r.Class, r.Verdict, r.Lang, r.Text, r.Error, r.Failed, r.Checks}
	}
	check := func(name, class, words string) {
		t.Helper()
		r := got[name]
		if r.Error != "" || !strings.Contains(r.Class, class) || !strings.Contains(r.Text, words) {
			t.Errorf("%s: class %q verdict %q error %q\n%.600s", name, r.Class, r.Verdict, r.Error, r.Text)
		}
	}
	check("verified", "verified", "Verified")
	check("verified", "verified", good.StudentID)
	check("tampered", "failed", "do not trust")
	if f := got["tampered"].Failed; len(f) == 0 || f[0] != "Content unchanged" {
		t.Errorf("tampered: failed checks %v, want the content's first", f)
	}
	check("pdf", "verified", "PDF signed by the registry")
	check("pdf", "verified", good.StudentID) // the transcript it carries, shown
	check("markup", "verified", `<script>document.title="owned"</script>`)
	check("chinese", "verified", "已核實")
	if got["chinese"].Lang != "zh-Hant" {
		t.Errorf("Chinese page lang %q", got["chinese"].Lang)
	}
	// The Chinese page has no English sentence: every check's row is in
	// Chinese, its name and its explanation.
	if len(got["chinese"].Checks) < 5 {
		t.Errorf("Chinese page: %d checks", len(got["chinese"].Checks))
	}
	for _, row := range got["chinese"].Checks {
		if !hasCJK(row) || strings.Contains(row, " the ") {
			t.Errorf("Chinese page: a check row in English: %q", row)
		}
	}
	for _, n := range []string{"verified", "tampered", "pdf", "markup", "chinese"} {
		if _, err := os.Stat(filepath.Join(art, n+".png")); err != nil {
			t.Errorf("no screenshot %s.png", n)
		}
	}
}

// hasCJK reports a Han character in s.
func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
