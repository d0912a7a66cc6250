//go:build interop

package interop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor/devchain"
)

// TestOfficialVerifierEthereum: a credential anchored by us on an Ethereum
// chain with the chain id the official verifier knows as sepolia
// (11155111: our embedded dev chain, docs/credential.md §5) verifies with the
// official verifier reading the chain over JSON-RPC; a tampered copy does
// not.
func TestOfficialVerifierEthereum(t *testing.T) {
	r := issueOnSepolia(t)
	bin, data, env, rpc, web, out, dir, run := r.bin, r.data, r.env, r.rpc, r.web, r.out, r.dir, r.run
	files, _ := filepath.Glob(filepath.Join(out, "*-*-*-*-*.json"))
	var creds []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".manifest.json") { // none since 2026-12: kept for older output
			creds = append(creds, f)
		}
	}
	if len(creds) != 3 {
		t.Fatalf("%d credentials", len(creds))
	}
	orig, _ := os.ReadFile(creds[0])
	tampered := filepath.Join(dir, "tampered.json")
	os.WriteFile(tampered, bytes.Replace(orig, []byte(`"grade":"A`), []byte(`"grade":"B`), 1), 0o644)

	opts := []string{"--rpc", rpc, "--proxy", "https://registry.example.edu=http://" + web}
	got := runOfficial(t, nil, append(append([]string{}, creds...), tampered), opts...)
	for _, f := range append(creds, tampered) {
		want := "success"
		if f == tampered {
			want = "failure"
		}
		if o := got[f]; o.Status != want {
			t.Errorf("%s: official verifier says %s (%s %v), want %s", filepath.Base(f), o.Status, o.Message, o.Failed, want)
		}
	}

	// Revoked with the command line, published by the running server: the
	// official verifier refuses it, and still accepts the others.
	var c struct{ ID string }
	json.Unmarshal(orig, &c)
	run("revoke", c.ID, "--reason", "issued in error")
	got = runOfficial(t, nil, creds, opts...)
	for _, f := range creds {
		o := got[f]
		if f == creds[0] && (o.Status != "failure" || !strings.Contains(strings.ToLower(o.Message), "revoked")) {
			t.Errorf("revoked %s: official verifier says %s (%s)", filepath.Base(f), o.Status, o.Message)
		}
		if f != creds[0] && o.Status != "success" {
			t.Errorf("%s after another was revoked: %s (%s %v)", filepath.Base(f), o.Status, o.Message, o.Failed)
		}
	}
	cmd := exec.Command(bin, "--data", data, "verify", creds[0])
	cmd.Env = env
	if o, err := cmd.Output(); exitCode(err) != 1 || !strings.Contains(string(o), "revoked by the issuer") {
		t.Errorf("our verifier on the revoked credential: exit %d\n%s", exitCode(err), o)
	}
	creds = creds[1:]

	// Our verifier agrees (it reads the same chain through the data dir).
	cmd = exec.Command(bin, append([]string{"--data", data, "verify", "--json"}, creds...)...)
	cmd.Env = env
	if o, err := cmd.Output(); err != nil || strings.Count(string(o), `"status":"verified"`) != len(creds) {
		t.Errorf("our verifier: %v\n%s", err, o)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// waitHTTP waits until url answers 200.
func waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get(url); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer", url)
}

// sepoliaRun is a data directory whose batch was issued on the embedded dev
// chain under Sepolia's chain id, served by a running etranscript serve.
type sepoliaRun struct {
	bin, data, rpc, web, out, dir string
	env                           []string
	run                           func(args ...string) string
}

// issueOnSepolia builds etranscript, issues the sample batch on a dev
// chain with Sepolia's chain id, and serves the issuer's documents.
func issueOnSepolia(t *testing.T) *sepoliaRun {
	dir := t.TempDir()
	bin := filepath.Join(dir, "etranscript")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/etranscript").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	env := append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=interop-test-passphrase")
	run := func(args ...string) string {
		cmd := exec.Command(bin, append([]string{"--data", data}, args...)...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("etranscript %v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	run("init", "--name", "Interop University", "--url", "https://registry.example.edu")
	var cfg map[string]any
	b, _ := os.ReadFile(filepath.Join(data, "config.json"))
	json.Unmarshal(b, &cfg)
	cfg["devChainId"] = 11155111
	b, _ = json.Marshal(cfg)
	os.WriteFile(filepath.Join(data, "config.json"), b, 0o600)

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	rpc := fmt.Sprintf("http://127.0.0.1:%d", port)
	dc := exec.Command(bin, "--data", data, "devchain", "--rpc-addr", fmt.Sprintf("127.0.0.1:%d", port))
	dc.Env = env
	if err := dc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Process.Kill(); dc.Wait() })
	if err := devchain.WaitRPC(rpc, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	run("issue", "../cli/sample/sample-batch.json", "--out", out, "--no-mail")

	// The issuer's documents come from a running etranscript serve.
	l, _ = net.Listen("tcp", "127.0.0.1:0")
	web := l.Addr().String()
	l.Close()
	sv := exec.Command(bin, "--data", data, "serve", "--addr", web)
	sv.Env = env
	if err := sv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sv.Process.Kill(); sv.Wait() })
	waitHTTP(t, "http://"+web+"/healthz")

	return &sepoliaRun{bin: bin, data: data, rpc: rpc, web: web, out: out, dir: dir, env: env, run: run}
}
