package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// TestVCAPIHostile: the W3C VC API's verify endpoints hold against what
// the public API holds against: each hostile credential of testkit, sent
// as a VC API request, answers within bounds with a 4xx or a verdict, never
// a verified one; and hostile requests of its own shape.
func TestVCAPIHostile(t *testing.T) {
	ts, _ := vcAPISite(t)
	is := testkit.NewIssuer(t)
	post := func(path string, body []byte) (int, string) {
		start := time.Now()
		resp, err := http.Post(ts.URL+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", path, d)
		}
		return resp.StatusCode, string(b)
	}
	for _, tc := range testkit.HostileCredentials(t, is) {
		t.Run(tc.Name, func(t *testing.T) {
			body := []byte(`{"verifiableCredential": ` + string(tc.Data) + `}`)
			if !json.Valid(tc.Data) {
				body = tc.Data
			}
			code, b := post("/credentials/verify", body)
			if code == 200 && tc.Want != "verified" {
				t.Fatalf("verified a hostile credential: %.300s", b)
			}
			if code >= 500 {
				t.Fatalf("%d: %.300s", code, b)
			}
		})
	}
	many := strings.Repeat(`{"a":1},`, 30000)
	for _, tc := range []struct {
		name, path, body string
		want             int
	}{
		{"fail/not JSON", "/credentials/verify", `{"verifiableCredential":`, 400},
		{"fail/no credential", "/credentials/verify", `{"credential": {}}`, 400},
		{"fail/duplicate key", "/credentials/verify", `{"verifiableCredential": {}, "verifiableCredential": {}}`, 400},
		{"fail/too many values", "/credentials/verify", `{"verifiableCredential": {"x": [` + many + `{}]}}`, 400},
		{"fail/presentation without proof", "/presentations/verify", `{"verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}}`, 422},
		{"fail/too large", "/credentials/verify", fmt.Sprintf(`{"verifiableCredential": {"x": %q}}`, strings.Repeat("a", 11<<20)), 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, b := post(tc.path, []byte(tc.body)); code != tc.want {
				t.Errorf("%d, want %d: %.300s", code, tc.want, b)
			}
		})
	}
}

// FuzzVCAPI: any request to the VC API's verify endpoints answers below
// 500, within the fuzz input budget. Seeds: a W3C credential with a
// did:key proof and a presentation.
func FuzzVCAPI(f *testing.F) {
	f.Add([]byte(`{"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "credentialSubject": {"id": "did:example:a"}, "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "proofValue": "z1111"}}}`), false)
	f.Add([]byte(`{"verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "verifiableCredential": [{}]}, "options": {"challenge": "c"}}`), true)
	cfg := &config.Config{Name: "Fuzz", URL: "https://registry.example.edu"}
	v := &verifier.Verifier{Fetcher: verifier.Local{}}
	h := (&web.Server{Site: &publish.Site{Config: cfg}, Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}).Handler()
	f.Fuzz(func(t *testing.T, data []byte, presentation bool) {
		path := "/credentials/verify"
		if presentation {
			path = "/presentations/verify"
		}
		var w *httptest.ResponseRecorder
		testkit.Bounded(testkit.FuzzInputBudget, fmt.Sprintf("POST %s of a %d-byte input", path, len(data)), func() {
			w = post(h, path, "application/json", data)
		})
		if w.Code >= 500 {
			t.Fatalf("%d: %s", w.Code, w.Body.String())
		}
	})
}
