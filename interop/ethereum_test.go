//go:build interop

package interop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
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
// (11155111: our embedded dev chain, blockcerts.md §5) verifies with the
// official verifier reading the chain over JSON-RPC; a tampered copy does
// not.
func TestOfficialVerifierEthereum(t *testing.T) {
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
	defer func() { dc.Process.Kill(); dc.Wait() }()
	if err := devchain.WaitRPC(rpc, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	run("issue", "../cli/sample/sample-batch.json", "--out", out, "--no-mail")
	profile := filepath.Join(dir, "profile.json")
	os.WriteFile(profile, []byte(run("keys", "profile")), 0o644)
	revocations := filepath.Join(dir, "revocations.json")
	os.WriteFile(revocations, []byte(`{"type":"RevocationList","revokedAssertions":[]}`), 0o644)

	files, _ := filepath.Glob(filepath.Join(out, "*-*-*-*-*.json"))
	var creds []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".manifest.json") {
			creds = append(creds, f)
		}
	}
	if len(creds) != 3 {
		t.Fatalf("%d credentials", len(creds))
	}
	orig, _ := os.ReadFile(creds[0])
	tampered := filepath.Join(dir, "tampered.json")
	os.WriteFile(tampered, bytes.Replace(orig, []byte(`"grade": "A`), []byte(`"grade": "B`), 1), 0o644)

	args := []string{"verify.cjs", "--rpc", rpc,
		"--doc", "https://registry.example.edu/issuer/profile.json=" + profile,
		"--doc", "https://registry.example.edu/issuer/revocations.json=" + revocations}
	cmd := exec.Command("node", append(append(args, creds...), tampered)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(res)), "\n")
	if len(lines) != 4 {
		t.Fatalf("harness output:\n%s\n%s", res, stderr.String())
	}
	for i, l := range lines {
		var o official
		json.Unmarshal([]byte(l), &o)
		want := "success"
		if i == 3 {
			want = "failure"
		}
		if o.Status != want {
			t.Errorf("%s: official verifier says %s (%s %v), want %s", filepath.Base(o.File), o.Status, o.Message, o.Failed, want)
		}
	}
	// Our verifier agrees (it reads the same chain through the data dir).
	cmd = exec.Command(bin, append([]string{"--data", data, "verify", "--json"}, creds...)...)
	cmd.Env = env
	if o, err := cmd.Output(); err != nil || strings.Count(string(o), `"status":"verified"`) != 3 {
		t.Errorf("our verifier: %v\n%s", err, o)
	}
}
