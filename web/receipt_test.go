package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/receipt"
	"github.com/etranscript/etranscript/verifier"
)

// TestReceipt: a receipt round trip. Verify a credential asking for a
// receipt, verify the receipt as any credential (it names the document
// by id and hash, and each check), then tamper with it and see it fail.
func TestReceipt(t *testing.T) {
	ts, did := vcAPISite(t)
	issue := `{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
		"issuer": "` + did + `", "credentialSubject": {"id": "did:example:graduate", "name": "Chan Tai Man"}}}`
	req, _ := http.NewRequest("POST", ts.URL+"/credentials/issue", strings.NewReader(issue))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("issue: %v %v", err, resp)
	}
	var issued struct{ VerifiableCredential json.RawMessage }
	json.NewDecoder(resp.Body).Decode(&issued)
	resp.Body.Close()

	resp, err = http.Post(ts.URL+"/api/v1/verify?receipt=true", "application/json", bytes.NewReader(issued.VerifiableCredential))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("verify with a receipt: %v %v", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rc map[string]any
	json.Unmarshal(body, &rc)
	subj, _ := rc["credentialSubject"].(map[string]any)
	if subj["documentSha256"] != receipt.Hash(issued.VerifiableCredential) || subj["verdict"] != "verified" || rc["issuer"] != did {
		t.Fatalf("the receipt: %s", body)
	}
	v := &verifier.Verifier{Now: time.Now}
	if r := v.Verify(context.Background(), rc); r.Status != verifier.Verified {
		t.Fatalf("ok/the receipt verifies: %s %+v", r.Status, r.Checks)
	}
	subj["verdict"] = "failed"
	if r := v.Verify(context.Background(), rc); r.Status != verifier.Rejected {
		t.Errorf("fail/a tampered receipt: %s", r.Status)
	}
}
