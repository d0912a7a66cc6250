package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRevokeSuspend: revoke, suspend and unsuspend with the command line;
// the verifier of the same data directory sees each change at once.
func TestRevokeSuspend(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out := filepath.Join(t.TempDir(), "out")
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	files := credentials(t, out)
	id := func(f string) string {
		b, _ := os.ReadFile(f)
		var c struct{ ID string }
		json.Unmarshal(b, &c)
		return c.ID
	}
	verify := func(f string, code int, words string) {
		t.Helper()
		r := etranscript(t, data, "verify", "--allow-test-chains", f)
		if r.code != code || !strings.Contains(r.stdout, words) {
			t.Errorf("verify %s: exit %d (want %d), want %q:\n%s%s", filepath.Base(f), r.code, code, words, r.stdout, r.stderr)
		}
	}
	verify(files[0], 0, "not revoked")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"fail/no-reason", []string{"revoke", id(files[0])}, 2, "--reason"},
		{"fail/unknown-id", []string{"revoke", "urn:uuid:00000000-0000-4000-8000-000000000000", "--reason", "x"}, 2, "no credential"},
		{"fail/bad-dsn", []string{"--db", "mysql://x", "revoke", id(files[0]), "--reason", "x"}, 2, "expected postgres://"},
		{"fail/store-down", []string{"--db", "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2", "revoke", id(files[0]), "--reason", "x"}, 3, "database unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := etranscript(t, data, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || strings.Contains(r.stderr, "secret") {
				t.Errorf("exit %d (want %d), stderr %q (want %q, and no password)", r.code, tc.code, r.stderr, tc.msg)
			}
		})
	}
	if r := etranscript(t, data, "revoke", id(files[0]), "--reason", "issued in error"); r.code != 0 {
		t.Fatalf("revoke: %+v", r)
	}
	verify(files[0], 1, "revoked by the issuer")
	verify(files[1], 0, "not revoked")
	if r := etranscript(t, data, "suspend", id(files[1]), "--reason", "under review"); r.code != 0 {
		t.Fatalf("suspend: %+v", r)
	}
	verify(files[1], 1, "suspended by the issuer")
	if r := etranscript(t, data, "unsuspend", id(files[1])); r.code != 0 {
		t.Fatalf("unsuspend: %+v", r)
	}
	verify(files[1], 0, "not suspended")
	if r := etranscript(t, data, "unsuspend", id(files[0])); r.code != 0 {
		t.Fatalf("unsuspend of a revoked credential: %+v", r)
	}
	verify(files[0], 1, "revoked by the issuer")
}

// TestServe: etranscript serve publishes the profile, JWKS, DID document,
// status lists and revocation list, with caching headers.
func TestServe(t *testing.T) {
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	data := initData(t, base)
	out := filepath.Join(t.TempDir(), "out")
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	cmd := exec.Command(bin, "--data", data, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Env = append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=e2e-test-passphrase")
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	get := func(path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		var resp *http.Response
		var err error
		for start := time.Now(); time.Since(start) < 15*time.Second; time.Sleep(50 * time.Millisecond) {
			if resp, err = http.DefaultClient.Do(req); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, tc := range []struct {
		path, typ, words string
		maxAge           int
	}{
		{"/issuer/profile.json", "application/json", `"BlockcertsIssuerProfile"`, 300},
		{"/issuer/jwks.json", "application/jwk-set+json", `"OKP"`, 300},
		{"/.well-known/did.json", "application/did+json", `"did:web:127.0.0.1%3A`, 300},
		{"/issuer/status/1/revocation", "application/json", `"BitstringStatusListCredential"`, 60},
		{"/issuer/status/1/suspension", "application/json", `"suspension"`, 60},
		{"/issuer/revocations.json?assertionId=urn:uuid:x", "application/json", `"RevocationList"`, 60},
	} {
		t.Run("ok"+tc.path, func(t *testing.T) {
			resp, body := get(tc.path)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.typ || !strings.Contains(body, tc.words) {
				t.Fatalf("%d %s: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != fmt.Sprintf("public, max-age=%d", tc.maxAge) {
				t.Errorf("Cache-Control %q", cc)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", resp.Header)
			}
			etag := resp.Header.Get("ETag")
			if r2, _ := get(tc.path, "If-None-Match", etag); etag == "" || r2.StatusCode != http.StatusNotModified {
				t.Errorf("conditional GET with ETag %q: %d", etag, r2.StatusCode)
			}
		})
	}
	for _, p := range []string{"/issuer/status/2/revocation", "/issuer/status/1/other", "/issuer/status/01/revocation", "/issuer/nothing"} {
		if resp, _ := get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	// A revocation made while the server runs is served at once.
	b, _ := os.ReadFile(credentials(t, out)[0])
	var c struct{ ID string }
	json.Unmarshal(b, &c)
	if r := etranscript(t, data, "revoke", c.ID, "--reason", "issued in error"); r.code != 0 {
		t.Fatalf("revoke: %+v", r)
	}
	if _, body := get("/issuer/revocations.json?assertionId=" + c.ID); !strings.Contains(body, "issued in error") {
		t.Errorf("revocation list after revoke: %s", body)
	}
	if strings.Contains(logs.String(), "e2e-test-passphrase") {
		t.Error("the passphrase is in the log")
	}
}

// TestRotateWithUnanchoredBatch: a key rotation waits for batches already
// signed with the key to be anchored.
func TestRotateWithUnanchoredBatch(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "--data", data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail")
	cmd.Env = append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=e2e-test-passphrase", "ETRANSCRIPT_TEST_FAULT=after-prepare")
	if err := cmd.Run(); err == nil {
		t.Fatal("the fault did not stop the batch")
	}
	if r := etranscript(t, data, "keys", "rotate"); r.code != 2 || !strings.Contains(r.stderr, "2026-11-conferment") {
		t.Fatalf("rotate with an unanchored batch: %+v", r)
	}
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail"); r.code != 0 {
		t.Fatalf("resume: %+v", r)
	}
	if r := etranscript(t, data, "keys", "rotate"); r.code != 0 {
		t.Fatalf("rotate: %+v", r)
	}
	if r := etranscript(t, data, append([]string{"verify", "--allow-test-chains"}, credentials(t, out)...)...); r.code != 0 {
		t.Fatalf("verify after rotation: %+v", r)
	}
}
