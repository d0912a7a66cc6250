package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/etranscript/etranscript/anchor/devchain"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDevchain runs 'etranscript devchain' and waits for its RPC.
func startDevchain(t *testing.T, data string, port int) *exec.Cmd {
	cmd := exec.Command(bin, "--data", data, "devchain", "--rpc-addr", fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := devchain.WaitRPC(fmt.Sprintf("http://127.0.0.1:%d", port), 20*time.Second); err != nil {
		t.Fatalf("devchain did not come up: %v", err)
	}
	return cmd
}

// ethAddress reads the issuer's Ethereum address from 'keys show'.
func ethAddress(t *testing.T, data string) common.Address {
	r := etranscript(t, data, "keys", "show")
	for _, l := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(l); len(f) == 5 && strings.HasPrefix(f[4], "0x") {
			return common.HexToAddress(f[4])
		}
	}
	t.Fatalf("no address in %q", r.stdout)
	return common.Address{}
}

// nonce is how many transactions the issuer's account has sent, read
// through a devchain process on port.
func nonce(t *testing.T, port int, addr common.Address) uint64 {
	cl, err := ethclient.Dial(fmt.Sprintf("http://127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	n, err := cl.NonceAt(context.Background(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func verifyAll(t *testing.T, data, out string) run {
	return etranscript(t, data, append([]string{"verify"}, credentials(t, out)...)...)
}

// TestDevChain: the default chain; anchors survive a restart (verify is
// another process, which opens the chain again).
func TestDevChain(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out := t.TempDir()
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--out", out, "--no-mail")
	if r.code != 0 || !strings.Contains(r.stdout, "1 confirmation") {
		t.Fatalf("issue: %+v", r)
	}
	r = verifyAll(t, data, out)
	if r.code != 0 || strings.Count(r.stdout, "passed   anchor") != 3 || !strings.Contains(r.stdout, "anchored by its key 0x") {
		t.Fatalf("verify: %+v", r)
	}
}

// TestCrashResume kills the issuing process at each fault point; the next
// run finishes the batch with exactly one anchoring transaction.
func TestCrashResume(t *testing.T) {
	for _, point := range []string{"after-prepare", "after-record", "after-anchor"} {
		t.Run(point, func(t *testing.T) {
			data := initData(t, "https://registry.example.edu")
			port := freePort(t)
			dc := startDevchain(t, data, port)
			out := t.TempDir()
			cmd := exec.Command(bin, "--data", data, "issue", "../../cli/sample/sample-batch.json", "--out", out, "--no-mail")
			cmd.Env = append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=e2e-test-passphrase", "ETRANSCRIPT_TEST_FAULT="+point)
			if b, err := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() != 86 {
				t.Fatalf("fault run: %v\n%s", err, b)
			}
			if len(credentials(t, out)) != 0 {
				t.Fatal("credentials written before the batch was anchored")
			}
			r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--out", out, "--no-mail")
			if r.code != 0 || !strings.Contains(r.stdout, "resumed") {
				t.Fatalf("resume: %+v", r)
			}
			if n := nonce(t, port, ethAddress(t, data)); n != 1 {
				t.Errorf("account sent %d transactions, want exactly 1 anchor", n)
			}
			if r := verifyAll(t, data, out); r.code != 0 {
				t.Fatalf("verify: %+v", r)
			}
			// Issuing the finished batch again anchors nothing more.
			if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--out", out, "--no-mail"); r.code != 0 {
				t.Fatalf("again: %+v", r)
			}
			if n := nonce(t, port, ethAddress(t, data)); n != 1 {
				t.Errorf("after a third run: %d transactions", n)
			}
			_ = dc
		})
	}
}

// TestDevchainKilled: the dev chain process is killed hard after an anchor;
// restarted, it still has it.
func TestDevchainKilled(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	port := freePort(t)
	dc := startDevchain(t, data, port)
	out := t.TempDir()
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--out", out, "--no-mail"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	dc.Process.Signal(syscall.SIGKILL)
	dc.Wait()
	startDevchain(t, data, port)
	if r := verifyAll(t, data, out); r.code != 0 {
		t.Fatalf("verify after kill -9: %+v", r)
	}
}

// TestEndpointDown: a configured chain whose endpoint is down: exit 3 and
// nothing lost; with the endpoint back, the same command finishes.
func TestEndpointDown(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	port := freePort(t)
	var cfg map[string]any
	b, _ := os.ReadFile(filepath.Join(data, "config.json"))
	json.Unmarshal(b, &cfg)
	cfg["chains"] = map[string]any{"local": map[string]any{"rpc": []string{fmt.Sprintf("http://127.0.0.1:%d", port)}, "chainId": 1337, "confirmations": 1}}
	b, _ = json.Marshal(cfg)
	os.WriteFile(filepath.Join(data, "config.json"), b, 0o600)
	out := t.TempDir()
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "local", "--out", out, "--no-mail")
	if r.code != 3 || !strings.Contains(r.stderr, "unreachable") {
		t.Fatalf("endpoint down: %+v", r)
	}
	startDevchain(t, data, port)
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "local", "--out", out, "--no-mail"); r.code != 0 {
		t.Fatalf("endpoint back: %+v", r)
	}
	if r := verifyAll(t, data, out); r.code != 0 {
		t.Fatalf("verify: %+v", r)
	}
}
