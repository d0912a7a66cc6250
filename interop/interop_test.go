//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

type official struct {
	File    string   `json:"file"`
	Status  string   `json:"status"`
	Message string   `json:"message"`
	Failed  []string `json:"failed"`
}

// runOfficial runs verify.cjs on files, serving docs (URL -> file); args
// are more harness options (--proxy, --rpc).
func runOfficial(t *testing.T, docs map[string]string, files []string, args ...string) map[string]official {
	t.Helper()
	if _, err := os.Stat("node_modules/@blockcerts/cert-verifier-js"); err != nil {
		t.Fatal("the official verifier is not installed: run 'npm ci' in interop/ (.ci/run does)")
	}
	args = append([]string{"verify.cjs"}, args...)
	for u, f := range docs {
		args = append(args, "--doc", u+"="+f)
	}
	cmd := exec.Command("node", append(args, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	res := map[string]official{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o official
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("harness output %q: %v", sc.Text(), err)
		}
		res[o.File] = o
	}
	if len(res) != len(files) {
		t.Fatalf("harness answered %d of %d files\n%s", len(res), len(files), stderr.String())
	}
	return res
}

// serve runs the issuer's web server (as etranscript serve does) on
// loopback and returns the harness option that sends the issuer's URLs
// to it.
func serve(t *testing.T, is *testkit.Issuer) []string {
	srv := httptest.NewServer((&web.Server{Site: is.Site}).Handler())
	t.Cleanup(srv.Close)
	return []string{"--proxy", is.Config.URL + "=" + srv.URL}
}

type mutation struct {
	name  string
	check string // the check of ours that must fail
	apply func(m map[string]any)
}

func subject(m map[string]any) map[string]any { return m["credentialSubject"].(map[string]any) }

func firstCourse(m map[string]any) map[string]any {
	terms := subject(m)["terms"].([]any)
	return terms[0].(map[string]any)["courses"].([]any)[0].(map[string]any)
}

// mutations are each one change to a known-good credential.
func mutations(other map[string]any) []mutation {
	return []mutation{
		{"fail/integrity/name", verifier.CheckIntegrity, func(m map[string]any) { subject(m)["name"] = "CHAN Tai Men" }},
		{"fail/integrity/local-name", verifier.CheckIntegrity, func(m map[string]any) { subject(m)["nameLocal"] = "陳大民" }},
		{"fail/integrity/grade", verifier.CheckIntegrity, func(m map[string]any) { firstCourse(m)["grade"] = "A+" }},
		{"fail/integrity/cga", verifier.CheckIntegrity, func(m map[string]any) { subject(m)["cga"] = "4.000" }},
		{"fail/integrity/course-removed", verifier.CheckIntegrity, func(m map[string]any) {
			t := subject(m)["terms"].([]any)[0].(map[string]any)
			t["courses"] = t["courses"].([]any)[1:]
		}},
		{"fail/integrity/display", verifier.CheckIntegrity, func(m map[string]any) {
			m["display"].(map[string]any)["content"] = "<p>First Class Honours</p>"
		}},
		{"fail/integrity/valid-from", verifier.CheckIntegrity, func(m map[string]any) { m["validFrom"] = "2020-01-01T00:00:00Z" }},
		{"fail/integrity/unmapped-field", verifier.CheckIntegrity, func(m map[string]any) { subject(m)["gpa"] = "4.3" }},
		{"fail/integrity/proof-swapped", verifier.CheckIntegrity, func(m map[string]any) { m["proof"] = other["proof"] }},
		// The signature proof, which the Merkle proof covers.
		// The Merkle proof's previousProof no longer names the signature:
		// the proof chain is broken before any hash is computed.
		{"fail/format/signature-swapped", verifier.CheckFormat, func(m map[string]any) {
			m["proof"].([]any)[0] = other["proof"].([]any)[0]
		}},
		{"fail/integrity/signature-value", verifier.CheckIntegrity, func(m map[string]any) {
			p := m["proof"].([]any)[0].(map[string]any)
			v := p["proofValue"].(string)
			p["proofValue"] = v[:len(v)-3] + "abc"
		}},
	}
}

func clone(t *testing.T, m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOfficialVerifier(t *testing.T) {
	is := testkit.NewIssuer(t)
	sample, err := transcript.HKUST().ReadFile("../cli/sample/sample-batch.json", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	gen := testkit.Batch(4, 40, 1)
	dir := t.TempDir()

	type tc struct {
		name  string
		valid bool
		check string
		doc   map[string]any
	}
	var cases []tc
	var goods []map[string]any
	for _, b := range []*transcript.Batch{sample, gen} {
		res := is.Issue(t, b)
		for _, c := range res.Issued {
			var m map[string]any
			if err := json.Unmarshal(c.JSON, &m); err != nil {
				t.Fatal(err)
			}
			goods = append(goods, m)
			cases = append(cases, tc{name: "ok/" + b.ID + "/" + c.StudentID, valid: true, doc: m})
		}
	}
	for _, mu := range mutations(goods[1]) {
		c := clone(t, goods[0])
		mu.apply(c)
		cases = append(cases, tc{name: mu.name, check: mu.check, doc: c})
	}

	var files []string
	byFile := map[string]tc{}
	for i, c := range cases {
		f := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(c.name)+"-"+string(rune('a'+i%26))+".json")
		b, _ := json.Marshal(c.doc)
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		byFile[f] = c
	}
	got := runOfficial(t, nil, files, serve(t, is)...)

	ours := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	for _, f := range files {
		c := byFile[f]
		t.Run(c.name, func(t *testing.T) {
			o := got[f]
			if c.valid && o.Status != "success" {
				t.Errorf("official verifier rejected a valid credential: %s %s %v", o.Status, o.Message, o.Failed)
			}
			if !c.valid && o.Status != "failure" {
				t.Errorf("official verifier did not reject a tampered credential: %s %s", o.Status, o.Message)
			}
			r := ours.Verify(context.Background(), clone(t, c.doc))
			if c.valid && r.Status != verifier.Verified {
				t.Errorf("our verifier: %s %+v", r.Status, r.Checks)
			}
			if !c.valid {
				ch, ok := r.FirstFailed()
				if r.Status != verifier.Rejected || !ok || ch.ID != c.check {
					t.Errorf("our verifier: %s, first failed %+v; want check %s failed", r.Status, ch, c.check)
				}
			}
		})
	}
}
