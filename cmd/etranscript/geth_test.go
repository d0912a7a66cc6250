//go:build geth

package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor/devchain"
	"github.com/etranscript/etranscript/internal/envvar"
)

// startGeth runs a real geth --dev node on loopback and waits for its RPC.
func startGeth(t *testing.T, datadir string, port int) *exec.Cmd {
	geth := envvar.Geth.Get()
	if geth == "" {
		geth = "geth"
	}
	cmd := exec.Command(geth, "--dev", "--dev.period", "0", "--http", "--http.addr", "127.0.0.1",
		"--http.port", fmt.Sprint(port), "--http.api", "eth,net,web3", "--datadir", datadir, "--nodiscover", "--maxpeers", "0",
		"--port", "0", "--authrpc.addr", "127.0.0.1", "--authrpc.port", "0", "--ipcdisable", "--verbosity", "1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("geth: %v (set ETRANSCRIPT_GETH or put geth on PATH; .ci/run installs it)", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := devchain.WaitRPC(fmt.Sprintf("http://127.0.0.1:%d", port), 30*time.Second); err != nil {
		t.Fatalf("geth did not come up: %v\n%s", err, logs.String())
	}
	return cmd
}

func rpcCall(t *testing.T, url, method string, params ...any) json.RawMessage {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result json.RawMessage
		Error  *struct{ Message string }
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if out.Error != nil {
		t.Fatalf("%s: %s", method, out.Error.Message)
	}
	return out.Result
}

// TestGethDev: issue against a real geth --dev node named in config, stop
// the node, start it again on the same data, verify.
func TestGethDev(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	gethData := t.TempDir()
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	g := startGeth(t, gethData, port)

	var cfg map[string]any
	b, _ := os.ReadFile(filepath.Join(data, "config.json"))
	json.Unmarshal(b, &cfg)
	cfg["chains"] = map[string]any{"gethdev": map[string]any{"rpc": []string{url}, "chainId": 1337, "confirmations": 1}}
	b, _ = json.Marshal(cfg)
	os.WriteFile(filepath.Join(data, "config.json"), b, 0o600)

	// Fund the issuer from geth's unlocked developer account.
	var accounts []string
	json.Unmarshal(rpcCall(t, url, "eth_accounts"), &accounts)
	addr := ethAddress(t, data)
	rpcCall(t, url, "eth_sendTransaction", map[string]any{"from": accounts[0], "to": addr.Hex(), "value": "0xde0b6b3a7640000"})

	out := t.TempDir()
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "gethdev", "--out", out, "--no-mail")
	if r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	g.Process.Signal(syscall.SIGINT)
	g.Wait()
	startGeth(t, gethData, port)
	r = verifyAll(t, data, out)
	if r.code != 0 {
		t.Fatalf("verify after geth restart: %+v", r)
	}
	if n := nonce(t, port, addr); n != 1 {
		t.Errorf("issuer sent %d transactions, want 1", n)
	}
}
