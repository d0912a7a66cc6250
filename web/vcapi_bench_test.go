package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/vcapi"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// oneToken accepts the token "t".
type oneToken struct{}

func (oneToken) TokenName(_ context.Context, hash string) (string, error) {
	if hash == "e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8" { // SHA-256 of "t"
		return "bench", nil
	}
	return "", errors.New("unknown token")
}

// vcAPISite is a site issuing and verifying over the W3C VC API, with the
// test issuer's key as its did:key and its status lists in the W3C form.
func vcAPISite(tb testing.TB) (*httptest.Server, string) {
	is := testkit.NewIssuer(tb)
	sig := is.StatusSigner()
	did, vm := dataintegrity.DIDKey(sig.Key.Public().(ed25519.PublicKey))
	is.Status.W3C = &status.W3CForm{Keys: []status.W3CKey{{ID: "key-1", Issuer: did, Signer: &status.Signer{Key: sig.Key, Method: vm}}}}
	site := &publish.Site{Config: is.Config, Status: is.Status}
	v := &verifier.Verifier{Fetcher: publish.Fetcher{Site: site}}
	srv := &web.Server{Site: site,
		Issuing: &web.Issuing{Tokens: oneToken{}, Status: is.Status, VCAPI: &vcapi.Issuer{ID: did, Method: vm, Signer: sig.Key, Status: is.Status}},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6,
			Receipts: &web.Receipts{Signer: &vcapi.Issuer{ID: did, Method: vm, Signer: sig.Key}, Issuer: did, Site: is.Config.URL}}}
	lastHandler = srv.Handler()
	ts := httptest.NewServer(lastHandler)
	tb.Cleanup(ts.Close)
	return ts, did
}

// lastHandler is the handler vcAPISite made last.
var lastHandler http.Handler

// BenchmarkVCAPI: issuing a small credential through POST
// /credentials/issue, one at a time (p50 and p95), and verifying it through
// POST /credentials/verify under load (8 clients, 2,000 requests): its
// proof, no data loss, its status in the W3C-form list (read from the
// site's store, its signature checked), its dates.
func BenchmarkVCAPI(b *testing.B) {
	ts, did := vcAPISite(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	issue := func() (map[string]any, time.Duration) {
		req := fmt.Sprintf(`{"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
			"issuer": %q, "credentialSubject": {"id": "did:example:graduate", "name": "Chan Tai Man"}}}`, did)
		r, _ := http.NewRequest("POST", ts.URL+"/credentials/issue", bytes.NewReader([]byte(req)))
		r.Header.Set("Authorization", "Bearer t")
		r.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(r)
		if err != nil || resp.StatusCode != 201 {
			b.Fatalf("issue: %v %v", err, resp)
		}
		var out struct{ VerifiableCredential map[string]any }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		return out.VerifiableCredential, time.Since(start)
	}
	for b.Loop() {
		lat := make([]time.Duration, 200)
		var vc map[string]any
		for i := range lat {
			vc, lat[i] = issue()
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[100].Microseconds())/1000, "issue-p50-ms")
		b.ReportMetric(float64(lat[190].Microseconds())/1000, "issue-p95-ms")
		body, _ := json.Marshal(map[string]any{"verifiableCredential": vc})
		b.ReportMetric(verifyLoad(b, client, ts.URL, body), "verify/s")
	}
}

// verifyLoad posts body to /credentials/verify from 8 clients, 2,000 times
// in all, and returns the rate.
func verifyLoad(b *testing.B, client *http.Client, base string, body []byte) float64 {
	const total, clients = 2000, 8
	var next, bad atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= total {
				resp, err := client.Post(base+"/credentials/verify", "application/json", bytes.NewReader(body))
				if err != nil {
					bad.Add(1)
					continue
				}
				var buf bytes.Buffer
				buf.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() > 0 {
		b.Fatalf("%d verifications failed", bad.Load())
	}
	return total / time.Since(start).Seconds()
}
