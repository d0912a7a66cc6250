package main_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVCAPI: the W3C VC API of a running serve over https (a self-signed
// certificate): a credential issued as the did:key that 'keys show --json'
// prints, verified, refused when changed, and refused once revoked with
// the command line, its W3C-form status list read as the Recommendation
// says.
func TestVCAPI(t *testing.T) {
	port := freePort(t)
	data := initData(t, fmt.Sprintf("https://127.0.0.1:%d", port))
	var ks struct {
		VCAPIIssuer string `json:"vcApiIssuer"`
	}
	if r := etranscript(t, data, "keys", "show", "--json"); r.code != 0 || json.Unmarshal([]byte(r.stdout), &ks) != nil || !strings.HasPrefix(ks.VCAPIIssuer, "did:key:z6Mk") {
		t.Fatalf("keys show --json: %+v", r)
	}
	s := startServe(t, data, port, "--tls-self-signed")
	if !strings.Contains(s.logs.String(), "SHA-256 fingerprint") || !strings.Contains(s.logs.String(), ks.VCAPIIssuer) {
		t.Errorf("serve does not print the certificate's fingerprint and the VC API issuer:\n%s", s.logs)
	}
	s.tok = strings.TrimSpace(etranscript(t, data, "token", "create", "vc-api").stdout)
	req := fmt.Sprintf(`{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
		"issuer": %q, "credentialSubject": {"id": "did:example:graduate", "name": "Chan Tai Man"}}, "options": {}}`, ks.VCAPIIssuer)
	if code, _ := s.do("POST", "/credentials/issue", "application/json", []byte(req), false); code != 401 {
		t.Fatalf("fail/no token: %d", code)
	}
	if code, b := s.do("POST", "/credentials/issue", "application/json", []byte(strings.Replace(req, `"name"`, `"undefinedTerm"`, 1)), true); code != 400 || !strings.Contains(string(b), "format.data_loss") {
		t.Fatalf("fail/undefined term: %d %s", code, b)
	}
	code, b := s.do("POST", "/credentials/issue", "application/json", []byte(req), true)
	var issued struct{ VerifiableCredential map[string]any }
	if code != 201 || json.Unmarshal(b, &issued) != nil {
		t.Fatalf("ok/issue: %d %s", code, b)
	}
	vc := issued.VerifiableCredential
	verify := func(vc map[string]any) (int, string) {
		body, _ := json.Marshal(map[string]any{"verifiableCredential": vc})
		code, b := s.do("POST", "/credentials/verify", "application/json", body, false)
		return code, string(b)
	}
	if code, b := verify(vc); code != 200 || !strings.Contains(b, `"verified":true`) {
		t.Fatalf("ok/verify: %d %s", code, b)
	}
	changed, _ := json.Marshal(vc)
	var forged map[string]any
	json.Unmarshal(bytes.Replace(changed, []byte("Chan Tai Man"), []byte("Chan Tai Men"), 1), &forged)
	if code, b := verify(forged); code != 422 || !strings.Contains(b, "signature.invalid") {
		t.Fatalf("fail/changed: %d %s", code, b)
	}
	status := vc["credentialStatus"].(map[string]any)
	checkW3CList(t, s, status["statusListCredential"].(string))
	// A signed receipt of that verification, checked by the command line.
	vcJSON, _ := json.Marshal(vc)
	code, rc := s.do("POST", "/api/v1/verify?receipt=true", "application/json", vcJSON, false)
	file := filepath.Join(t.TempDir(), "receipt.json")
	os.WriteFile(file, rc, 0o644)
	if r := etranscript(t, data, "verify", file); code != 200 || r.code != 0 || !strings.Contains(r.stdout, "VERIFIED") && !strings.Contains(r.stdout, "verified") {
		t.Fatalf("the receipt: %d, verify exit %d\n%s%s", code, r.code, r.stdout, r.stderr)
	}
	if r := etranscript(t, data, "revoke", vc["id"].(string), "--reason", "issued in error"); r.code != 0 {
		t.Fatalf("revoke: %+v", r)
	}
	if code, b := verify(vc); code != 422 || !strings.Contains(b, "revocation.revoked") {
		t.Fatalf("fail/revoked: %d %s", code, b)
	}
	testVCAPIRotation(t, data, port, ks.VCAPIIssuer, s)
}

// testVCAPIRotation: after a key rotation the VC API issues as the new
// did:key and the old key's credentials still verify (their lists are
// published under the old key too); once the old key is reported
// compromised, its credentials fail.
func testVCAPIRotation(t *testing.T, data string, port int, oldDID string, s *server) {
	req := func(did string) []byte {
		return []byte(fmt.Sprintf(`{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
			"issuer": %q, "credentialSubject": {"id": "did:example:graduate"}}}`, did))
	}
	code, b := s.do("POST", "/credentials/issue", "application/json", req(oldDID), true)
	var old struct{ VerifiableCredential map[string]any }
	if code != 201 || json.Unmarshal(b, &old) != nil {
		t.Fatalf("issue: %d %s", code, b)
	}
	s.kill()
	if r := etranscript(t, data, "keys", "rotate"); r.code != 0 {
		t.Fatalf("keys rotate: %+v", r)
	}
	var ks struct {
		VCAPIIssuer string `json:"vcApiIssuer"`
	}
	json.Unmarshal([]byte(etranscript(t, data, "keys", "show", "--json").stdout), &ks)
	if ks.VCAPIIssuer == oldDID {
		t.Fatal("the VC API's did:key did not change with the key")
	}
	tok := s.tok
	s = startServe(t, data, port, "--tls-self-signed")
	s.tok = tok
	verify := func(vc map[string]any) (int, string) {
		body, _ := json.Marshal(map[string]any{"verifiableCredential": vc})
		code, b := s.do("POST", "/credentials/verify", "application/json", body, false)
		return code, string(b)
	}
	if code, b := verify(old.VerifiableCredential); code != 200 {
		t.Fatalf("ok/issued before the rotation: %d %s", code, b)
	}
	if code, b := s.do("POST", "/credentials/issue", "application/json", req(oldDID), true); code != 400 || !strings.Contains(string(b), "format.issuer_other") {
		t.Fatalf("fail/as the old key: %d %s", code, b)
	}
	code, b = s.do("POST", "/credentials/issue", "application/json", req(ks.VCAPIIssuer), true)
	var fresh struct{ VerifiableCredential map[string]any }
	if code != 201 || json.Unmarshal(b, &fresh) != nil {
		t.Fatalf("issue as the new key: %d %s", code, b)
	}
	if r := etranscript(t, data, "keys", "revoke", "key-ed25519-1", "--since", "2026-01-01"); r.code != 0 {
		t.Fatalf("keys revoke: %+v", r)
	}
	if code, b := verify(old.VerifiableCredential); code != 422 || !strings.Contains(b, "signature.key_revoked") {
		t.Fatalf("fail/compromised key: %d %s", code, b)
	}
	if code, b := verify(fresh.VerifiableCredential); code != 200 {
		t.Fatalf("ok/the new key's: %d %s", code, b)
	}
}

// checkW3CList: the list is a BitstringStatusListCredential issued by the
// did:key, its encodedList multibase base64url ("u") of a GZIP of at
// least 16 KiB.
func checkW3CList(t *testing.T, s *server, url string) {
	code, b := s.do("GET", strings.TrimPrefix(url, s.base), "", nil, false)
	var list struct {
		Type              []string
		Issuer            string
		CredentialSubject struct{ EncodedList string }
	}
	if code != 200 || json.Unmarshal(b, &list) != nil || !strings.HasPrefix(list.Issuer, "did:key:") {
		t.Fatalf("status list %s: %d %s", url, code, b)
	}
	enc, ok := strings.CutPrefix(list.CredentialSubject.EncodedList, "u")
	if !ok {
		t.Fatalf("encodedList without the multibase prefix: %.40s", list.CredentialSubject.EncodedList)
	}
	gz, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	bits, _ := io.ReadAll(zr)
	if len(bits) < 16<<10 {
		t.Errorf("%d bytes of bits, under 16 KiB", len(bits))
	}
}
