package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor/devchain"
)

// setConfig changes config.json's top-level keys.
func setConfig(t *testing.T, data string, kv map[string]any) {
	t.Helper()
	p := filepath.Join(data, "config.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range kv {
		m[k] = v
	}
	b, _ = json.Marshal(m)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTokens: token list and token revoke; a token is never shown again.
func TestTokens(t *testing.T) {
	data := initData(t, "http://127.0.0.1:1")
	if r := etranscript(t, data, "token", "list"); r.code != 0 || !strings.Contains(r.stdout, "no issuer-API tokens") {
		t.Fatalf("empty list: %+v", r)
	}
	r := etranscript(t, data, "token", "create", "registry-staff")
	tok := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(tok, "etr_") {
		t.Fatalf("create: %+v", r)
	}
	etranscript(t, data, "token", "create", "batch-robot")
	r = etranscript(t, data, "token", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "registry-staff") || !strings.Contains(r.stdout, "batch-robot") ||
		strings.Count(r.stdout, "in use") != 2 || strings.Contains(r.stdout, tok) {
		t.Fatalf("list: %+v", r)
	}
	if r = etranscript(t, data, "token", "revoke", "registry-staff"); r.code != 0 || !strings.Contains(r.stdout, "revoked 1 token") {
		t.Fatalf("revoke: %+v", r)
	}
	if r = etranscript(t, data, "token", "list"); !strings.Contains(r.stdout, "revoked 20") || strings.Count(r.stdout, "in use") != 1 {
		t.Fatalf("list after revoke: %+v", r)
	}
	if r = etranscript(t, data, "token", "revoke", "registry-staff"); r.code != 2 || !strings.Contains(r.stderr, "no token in use") {
		t.Fatalf("revoke again: %+v", r)
	}
}

// TestAdminAddr: with --admin-addr the issuer API is on its own listener
// and not on the public one; downloads and the verifier stay public.
func TestAdminAddr(t *testing.T) {
	port, admin := freePort(t), freePort(t)
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	tok := strings.TrimSpace(etranscript(t, data, "token", "create", "staff").stdout)
	s := startServe(t, data, port, "--admin-addr", fmt.Sprintf("127.0.0.1:%d", admin))
	get := func(base, path string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	adminBase := fmt.Sprintf("http://127.0.0.1:%d", admin)
	if c := get(s.base, "/api/v1/batches/none"); c != 404 {
		t.Errorf("issuer API on the public address: %d", c)
	}
	if c := get(adminBase, "/api/v1/batches/none"); c != 404 {
		t.Errorf("issuer API on the admin address: %d (want the API's 404 for an unknown batch)", c)
	}
	req, _ := http.NewRequest("GET", adminBase+"/api/v1/batches/none", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Errorf("admin address without a token: %v %v", resp, err)
	}
	if c := get(s.base, "/issuer/profile.json"); c != 200 {
		t.Errorf("profile on the public address: %d", c)
	}
	if c := get(adminBase, "/"); c != 404 {
		t.Errorf("the public site on the admin address: %d", c)
	}
}

// TestSettings: config.json's site limits, trusted proxies and dev chain
// address are checked when read, naming the key; devChainRpc is where the
// dev chain serves.
func TestSettings(t *testing.T) {
	data := initData(t, "http://127.0.0.1:1")
	for _, tc := range []struct {
		kv   map[string]any
		want string
	}{
		{map[string]any{"web": map[string]any{"trustedProxies": []string{"10.0.0.0/8", "not-an-address"}}}, "web.trustedProxies[1]"},
		{map[string]any{"web": map[string]any{"perSecond": -1}}, "web.perSecond"},
		{map[string]any{"devChainRpc": "0.0.0.0:8545"}, "devChainRpc"},
	} {
		setConfig(t, data, map[string]any{"web": map[string]any{}, "devChainRpc": ""})
		setConfig(t, data, tc.kv)
		if r := etranscript(t, data, "token", "list"); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: %+v", tc.kv, r)
		}
	}
	port := freePort(t)
	setConfig(t, data, map[string]any{"web": map[string]any{"trustedProxies": []string{"10.0.0.0/8"}, "perSecond": 5, "burst": 10},
		"devChainRpc": fmt.Sprintf("127.0.0.1:%d", port)})
	cmd := etranscriptCmd(data, "devchain")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if err := devchain.WaitRPC(fmt.Sprintf("http://127.0.0.1:%d", port), 20*time.Second); err != nil {
		t.Fatalf("the dev chain is not at devChainRpc: %v", err)
	}
}

// outbox counts the mails in the data directory's outbox.
func outbox(t *testing.T, data string) []string {
	files, _ := filepath.Glob(filepath.Join(data, "outbox", "*.eml"))
	return files
}

// TestMailHeld: a batch on a test chain, or issued with --no-mail, is not
// mailed, not even by a running serve, until 'etranscript mail'; then its
// mail says it is a test credential.
func TestMailHeld(t *testing.T) {
	port := freePort(t)
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	out := t.TempDir()
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-pdf")
	if r.code != 0 || !strings.Contains(r.stdout, "mail: held (mocknet is a test chain") || !strings.Contains(r.stdout, "etranscript mail 2026-11-conferment") {
		t.Fatalf("issue on mocknet: %+v", r)
	}
	if r = etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--mail", "--no-mail"); r.code != 2 {
		t.Errorf("--mail --no-mail: %+v", r)
	}
	s := startServe(t, data, port)
	time.Sleep(1500 * time.Millisecond)
	if n := len(outbox(t, data)); n != 0 {
		t.Fatalf("serve mailed a held batch: %d mails", n)
	}
	if code, body := s.do("GET", "/api/v1/batches/2026-11-conferment", "", nil, false); code != 401 {
		t.Fatalf("%d %s", code, body)
	}
	if r = etranscript(t, data, "mail", "2026-11-conferment"); r.code != 0 || !strings.Contains(r.stdout, "3 mail(s) released (test credentials") {
		t.Fatalf("mail: %+v", r)
	}
	for start := time.Now(); len(outbox(t, data)) < 3 && time.Since(start) < 20*time.Second; time.Sleep(100 * time.Millisecond) {
	}
	files := outbox(t, data)
	if len(files) != 3 {
		t.Fatalf("%d mails after 'mail'", len(files))
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "THIS IS A TEST") {
		t.Errorf("the mail does not say it is a test:\n%.600s", b)
	}
	link := regexp.MustCompile(`/d/[A-Za-z0-9_-]{20,}`).Find(b)
	if link == nil {
		t.Fatalf("no download link in the mail:\n%s", b)
	}
	if code, page := s.do("GET", string(link), "", nil, false); code != 200 || !strings.Contains(string(page), "TEST CREDENTIAL") || !strings.Contains(string(page), "測試憑證") {
		t.Errorf("download page: %d\n%.600s", code, page)
	}
	if r = etranscript(t, data, "mail", "2026-11-conferment"); r.code != 0 || !strings.Contains(r.stdout, "no mail was held") {
		t.Errorf("mail again: %+v", r)
	}
	if r = etranscript(t, data, "mail", "no-such-batch"); r.code != 2 {
		t.Errorf("mail of an unknown batch: %+v", r)
	}
}

// TestMailOnRequest: --mail mails a test-chain batch at once, to the
// outbox when no SMTP server is configured.
func TestMailOnRequest(t *testing.T) {
	data := initData(t, "http://127.0.0.1:1")
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", t.TempDir(), "--no-pdf", "--mail")
	if r.code != 0 || !strings.Contains(r.stdout, "mail: 3 sent to the outbox") || len(outbox(t, data)) != 3 {
		t.Fatalf("issue --mail: %+v", r)
	}
}

// TestSiteLimits: config.json's web limits reach the site.
func TestSiteLimits(t *testing.T) {
	port := freePort(t)
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	setConfig(t, data, map[string]any{"web": map[string]any{"perSecond": 0.01, "burst": 2, "maxUploadBytes": 4096}})
	s := startServe(t, data, port)
	if code, body := s.do("POST", "/api/v1/verify", "application/json", []byte(`{"pad":"`+strings.Repeat("a", 5000)+`"}`), false); code != 413 {
		t.Errorf("over maxUploadBytes: %d %s", code, body)
	}
	if code, _ := s.do("POST", "/api/v1/verify", "application/json", []byte(`{}`), false); code != 200 {
		t.Errorf("within the burst: %d", code)
	}
	if code, _ := s.do("POST", "/api/v1/verify", "application/json", []byte(`{}`), false); code != 429 {
		t.Errorf("past the burst of 2: %d", code)
	}
}

// TestChainSettings: each part of a chain's settings is checked, naming
// its key.
func TestChainSettings(t *testing.T) {
	data := initData(t, "http://127.0.0.1:1")
	for _, tc := range []struct {
		chain map[string]any
		want  string
	}{
		{map[string]any{"rpc": []string{}, "chainId": 5}, "chains.x.rpc: expected one or more"},
		{map[string]any{"rpc": []string{"ftp://node"}, "chainId": 5}, "chains.x.rpc[0]"},
		{map[string]any{"rpc": []string{"https://node.example"}}, "chains.x.chainId"},
		{map[string]any{"rpc": []string{"https://node.example"}, "chainId": 5, "stuckAfter": "soon"}, "chains.x.stuckAfter"},
		{map[string]any{"rpc": []string{"https://node.example"}, "chainId": 5, "maxFeeGwei": 1, "maxTipGwei": 2}, "maxTipGwei"},
	} {
		setConfig(t, data, map[string]any{"chains": map[string]any{"x": tc.chain}})
		if r := etranscript(t, data, "token", "list"); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: %+v", tc.chain, r)
		}
	}
	setConfig(t, data, map[string]any{"chains": map[string]any{}, "database": "mysql://x"})
	if r := etranscript(t, data, "token", "list"); r.code != 2 || !strings.Contains(r.stderr, "database: expected") {
		t.Errorf("database: %+v", r)
	}
}
