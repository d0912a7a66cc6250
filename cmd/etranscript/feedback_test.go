package main_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPlainFeedback: what a first user runs into says what happened.
func TestPlainFeedback(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out := filepath.Join(t.TempDir(), "out")
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail")
	if r.code != 0 || !strings.Contains(r.stdout, "issued on mocknet") {
		t.Fatalf("issue: %+v", r)
	}
	files := credentials(t, out)
	if len(files) != 3 {
		t.Fatalf("%d files matched %s/*.json: the output directory must hold credentials only", len(files), out)
	}
	id := "urn:uuid:" + strings.TrimSuffix(filepath.Base(files[0]), ".json")
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		words string
	}{
		{"ok/every credential of the output directory", append([]string{"verify", "--allow-test-chains"}, files...), 0, "VERIFIED"},
		{"ok/the result's media type", []string{"verify", "--json", "--allow-test-chains", files[1]}, 0, `"mediaType":"application/vnd.etranscript.verification-result.v1+json"`},
		{"ok/trust on the command line", []string{"verify", "--json", "--allow-test-chains", files[1]}, 0, `"trust":{"listed":true`},
		{"ok/trust in words", []string{"verify", "--allow-test-chains", files[1]}, 0, "trusted: the issuer is on this data directory's list"},
		{"fail/usage/a directory", []string{"verify", out}, 2, "a directory"},
		{"fail/usage/the manifest", []string{"verify", filepath.Join(data, "batches", "2026-11-conferment", "manifest.json")}, 2, "a batch manifest"},
		{"ok/already issued", []string{"issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", filepath.Join(t.TempDir(), "elsewhere"), "--no-mail"}, 0, "already issued on"},
		{"ok/revoke", []string{"revoke", id, "--reason", "issued in error"}, 0, "verifiers see the change once 'etranscript serve' runs"},
		{"ok/revoke again", []string{"revoke", id, "--reason", "again"}, 0, "was already revoked on"},
		{"ok/unsuspend what is not suspended", []string{"unsuspend", "urn:uuid:" + strings.TrimSuffix(filepath.Base(files[1]), ".json")}, 0, "is not suspended: nothing changed"},
		{"ok/revoke the active key", []string{"keys", "revoke", "key-ed25519-1", "--since", "2026-01-01"}, 0, "key-ed25519-2 is the active signing key now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := etranscript(t, data, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.words) {
				t.Fatalf("exit %d (want %d), want %q:\n%s%s", r.code, tc.code, tc.words, r.stdout, r.stderr)
			}
		})
	}
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", filepath.Join(t.TempDir(), "x"), "--no-mail"); !strings.Contains(r.stdout, "its files are in "+out+", where it was first written") {
		t.Errorf("a finished batch issued again to another --out: %+v", r)
	}
}

// TestBOMCredential: a credential saved with a UTF-8 byte order mark (as
// some Windows editors do) reads as if it had none.
func TestBOMCredential(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out := t.TempDir()
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail", "--no-pdf"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	f := credentials(t, out)[0]
	b, _ := os.ReadFile(f)
	bom := filepath.Join(t.TempDir(), "bom.json")
	os.WriteFile(bom, append([]byte("\xef\xbb\xbf"), b...), 0o644)
	if r := etranscript(t, data, "verify", "--allow-test-chains", bom); r.code != 0 {
		t.Fatalf("verify with a BOM: %+v", r)
	}
}

// TestChainLabels: the dev chain is named alike by issue, verify and the
// site (eth:dev), and grade points read alike (4.0 beside 3.7).
func TestChainLabels(t *testing.T) {
	port := freePort(t)
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	out := t.TempDir()
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "issued on eth:dev") {
		t.Fatalf("issue: %+v", r)
	}
	files := credentials(t, out)
	if r = etranscript(t, data, "verify", files[0]); r.code != 0 || !strings.Contains(r.stdout, "on eth:dev") {
		t.Fatalf("verify: %+v", r)
	}
	s := startServe(t, data, port)
	var cred []byte // a transcript with a whole grade point (an A: 4)
	for _, f := range files {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(`"gradePoints":"4"`)) {
			cred = b
		}
	}
	if cred == nil {
		t.Fatal("no sample transcript has an A")
	}
	typ, body := multipartFile(t, "c.json", cred)
	code, page := s.do("POST", "/verify?lang=en", typ, body, false)
	if code != 200 || !strings.Contains(string(page), "<td>eth:dev</td>") {
		t.Fatalf("site: %d\n%.2000s", code, page)
	}
	// serve now holds the dev chain (it read the anchor): the command line
	// reads it through serve.
	if r = etranscript(t, data, "verify", files[0]); r.code != 0 || !strings.Contains(r.stdout, "passed   anchor") {
		t.Errorf("verify while serve holds the dev chain: %+v", r)
	}
	if !bytes.Contains(page, []byte(`<td class="num">4.0</td>`)) {
		t.Errorf("grade points without one decimal:\n%s", page)
	}
	if regexp.MustCompile(`<td class="num">\d+</td></tr>`).Match(page) {
		t.Errorf("a whole grade point shown without its decimal")
	}
}

// multipartFile is a form upload of one file, as a browser sends it.
func multipartFile(t *testing.T, name string, content []byte) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}
