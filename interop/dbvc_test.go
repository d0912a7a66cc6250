//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/transcript"
)

// TestDigitalBazaarVerifier: Digital Bazaar's @digitalbazaar/vc with the
// eddsa-rdfc-2022 cryptosuite, an implementation independent of ours and
// of the Blockcerts verifier, verifies our signature proof, with the issuer
// profile as the controller document; and refuses it after one change.
func TestDigitalBazaarVerifier(t *testing.T) {
	if _, err := os.Stat("node_modules/@digitalbazaar/vc"); err != nil {
		t.Fatal("@digitalbazaar/vc is not installed: run 'npm ci' in interop/ (.ci/run does)")
	}
	is := testkit.NewIssuer(t)
	is.EnablePDF(t) // the profile then lists the document-signing key too
	sample, err := transcript.HKUST().ReadFile("../cli/sample/sample-batch.json", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var goods []map[string]any
	for _, b := range []*transcript.Batch{sample, testkit.Batch(2, 40, 9)} {
		for _, c := range is.Issue(t, b).Issued {
			goods = append(goods, c.Credential)
		}
	}
	sig := func(m map[string]any) map[string]any { return m["proof"].([]any)[0].(map[string]any) }
	type tc struct {
		name  string
		valid bool
		doc   map[string]any
	}
	var cases []tc
	for _, g := range goods {
		cases = append(cases, tc{name: "ok/" + g["id"].(string), valid: true, doc: g})
	}
	for _, m := range []struct {
		name  string
		apply func(m map[string]any)
	}{
		{"fail/grade", func(m map[string]any) { firstCourse(m)["grade"] = "A+" }},
		{"fail/name", func(m map[string]any) { subject(m)["nameLocal"] = "陳小文" }},
		{"fail/swapped-signature", func(m map[string]any) { m["proof"].([]any)[0] = sig(clone(t, goods[1])) }},
		{"fail/unknown-key", func(m map[string]any) {
			sig(m)["verificationMethod"] = is.Config.ProfileURL() + "#key-ed25519-99"
		}},
	} {
		c := clone(t, goods[0])
		m.apply(c)
		cases = append(cases, tc{name: m.name, doc: c})
	}
	var files []string
	byFile := map[string]tc{}
	for i, c := range cases {
		f := filepath.Join(dir, "cred-"+string(rune('a'+i))+".json")
		b, _ := json.Marshal(c.doc)
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		byFile[f] = c
	}
	profile := is.WriteProfile(t, dir)
	cmd := exec.Command("node", append([]string{"dbvc.mjs", "--profile", is.Config.ProfileURL() + "=" + profile}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			File     string `json:"file"`
			Verified bool   `json:"verified"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("harness output %q: %v", sc.Text(), err)
		}
		seen++
		c := byFile[r.File]
		t.Run(c.name, func(t *testing.T) {
			if r.Verified != c.valid {
				t.Errorf("verified %v, want %v (%s)", r.Verified, c.valid, r.Error)
			}
		})
	}
	if seen != len(files) {
		t.Fatalf("harness answered %d of %d files\n%s", seen, len(files), stderr.String())
	}
}
