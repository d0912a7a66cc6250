package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential/merkleproof"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/verifier"
)

type issued struct {
	is   *testkit.Issuer
	docs [][]byte
}

func issue(t *testing.T) issued {
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(3, 6, 7))
	var out issued
	out.is = is
	for _, c := range res.Issued {
		out.docs = append(out.docs, c.JSON)
	}
	return out
}

func (x issued) verifier(docs map[string][]byte) *verifier.Verifier {
	if docs == nil {
		return &verifier.Verifier{AllowTestChains: true, Fetcher: x.is.Fetcher(nil)}
	}
	// The given documents in place of the profile; the status lists as
	// published.
	all := map[string][]byte{}
	site := x.is.Fetcher(nil)
	for _, p := range []string{"/issuer/status/1/revocation", "/issuer/status/1/suspension"} {
		b, err := site.Fetch(context.Background(), x.is.Config.URL+p, 1<<20)
		if err != nil {
			panic(err)
		}
		all[x.is.Config.URL+p] = b
	}
	for u, b := range docs {
		all[u] = b
	}
	return &verifier.Verifier{AllowTestChains: true, Fetcher: verifier.Local{Docs: all}}
}

func mutate(t *testing.T, doc []byte, f func(m map[string]any)) []byte {
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, _ := json.Marshal(m)
	return b
}

// proof is the Merkle proof (the last one), sig the signature proof.
func proof(m map[string]any) map[string]any {
	if l, ok := m["proof"].([]any); ok {
		return l[len(l)-1].(map[string]any)
	}
	return m["proof"].(map[string]any)
}

func sig(m map[string]any) map[string]any { return m["proof"].([]any)[0].(map[string]any) }

// TestChecks: each failing case is one mutation of a credential we issued.
func TestChecks(t *testing.T) {
	x := issue(t)
	otherProfile, _ := json.Marshal(map[string]any{"id": "https://elsewhere.example/profile.json", "type": "BlockcertsIssuerProfile", "name": "Impostor"})
	notProfile, _ := json.Marshal(map[string]any{"id": x.is.Config.ProfileURL(), "type": "Person"})
	tests := []struct {
		name   string
		doc    []byte
		docs   map[string][]byte
		want   verifier.Verdict
		check  string
		status verifier.Status
	}{
		{"ok/issued", x.docs[0], nil, verifier.Verified, "", ""},
		{"fail/format/no-zone", mutate(t, x.docs[0], func(m map[string]any) { proof(m)["created"] = "2026-11-23T10:00:00" }), nil, verifier.Rejected, verifier.CheckFormat, verifier.Failed},
		{"fail/format/unknown-context", mutate(t, x.docs[0], func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://attacker.example/ctx.json")
		}), nil, verifier.Rejected, verifier.CheckFormat, verifier.Failed},
		{"fail/format/proof-value", mutate(t, x.docs[0], func(m map[string]any) { proof(m)["proofValue"] = "zzzz" }), nil, verifier.Rejected, verifier.CheckFormat, verifier.Failed},
		{"fail/integrity/subject", mutate(t, x.docs[0], func(m map[string]any) { m["credentialSubject"].(map[string]any)["cga"] = "4.300" }), nil, verifier.Rejected, verifier.CheckIntegrity, verifier.Failed},
		{"fail/merkle/other-root", mutate(t, x.docs[0], func(m map[string]any) {
			// Keep the target hash, claim another root: the path cannot lead there.
			p, _ := merkleproof.Decode(proof(m)["proofValue"].(string))
			p.MerkleRoot[0] ^= 1
			proof(m)["proofValue"], _ = p.Encode()
		}), nil, verifier.Rejected, verifier.CheckMerkle, verifier.Failed},
		{"fail/merkle/path-bit", mutate(t, x.docs[0], func(m map[string]any) {
			p, _ := merkleproof.Decode(proof(m)["proofValue"].(string))
			p.Path[0].Hash[31] ^= 0x80
			proof(m)["proofValue"], _ = p.Encode()
		}), nil, verifier.Rejected, verifier.CheckMerkle, verifier.Failed},
		{"fail/issuer/other-id", x.docs[0], map[string][]byte{x.is.Config.ProfileURL(): otherProfile}, verifier.Rejected, verifier.CheckIssuer, verifier.Failed},
		{"fail/issuer/not-a-profile", x.docs[0], map[string][]byte{x.is.Config.ProfileURL(): notProfile}, verifier.Rejected, verifier.CheckIssuer, verifier.Failed},
		{"unknown/issuer/unreachable", x.docs[0], map[string][]byte{}, verifier.Indeterminate, verifier.CheckIssuer, verifier.Unknown},
		{"fail/integrity/valid-until-added", mutate(t, x.docs[0], func(m map[string]any) { m["validUntil"] = "2020-01-01T00:00:00Z" }), nil, verifier.Rejected, verifier.CheckIntegrity, verifier.Failed},
		{"fail/format/not-json", []byte("{"), nil, verifier.Rejected, verifier.CheckFormat, verifier.Failed},
		{"fail/format/deep", []byte(strings.Repeat("[", 5000)), nil, verifier.Rejected, verifier.CheckFormat, verifier.Failed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := x.verifier(tc.docs).VerifyJSON(context.Background(), tc.doc)
			if r.Status != tc.want {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.want, r.Checks)
			}
			if tc.check == "" {
				if len(r.Checks) != 9 {
					t.Errorf("want 9 checks, got %+v", r.Checks)
				}
				return
			}
			for _, c := range r.Checks {
				if c.Status == tc.status {
					if c.ID != tc.check {
						t.Errorf("first %s check is %s (%s), want %s", tc.status, c.ID, c.Message, tc.check)
					}
					return
				}
			}
			t.Errorf("no %s check: %+v", tc.status, r.Checks)
		})
	}
}

// TestSignature: the signature proof tampered with, taken from another
// credential, or naming a key the issuer does not have. The Merkle proof
// covers the signature, so integrity fails too; the signature check must
// fail on its own account.
func TestSignature(t *testing.T) {
	x := issue(t)
	var other map[string]any
	json.Unmarshal(x.docs[1], &other)
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		says   string
	}{
		{"fail/signature/proof-value", func(m map[string]any) {
			pv := sig(m)["proofValue"].(string)
			sig(m)["proofValue"] = pv[:len(pv)-2] + "zz"
		}, "does not verify"},
		{"fail/signature/swapped", func(m map[string]any) { m["proof"].([]any)[0] = sig(other) }, "does not verify"},
		{"fail/signature/unknown-key", func(m map[string]any) {
			sig(m)["verificationMethod"] = x.is.Config.ProfileURL() + "#key-ed25519-9"
		}, "not an assertion key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := x.verifier(nil).VerifyJSON(context.Background(), mutate(t, x.docs[0], tc.mutate))
			if r.Status != verifier.Rejected {
				t.Fatalf("verdict %s", r.Status)
			}
			for _, c := range r.Checks {
				if c.ID == verifier.CheckSignature {
					if c.Status != verifier.Failed || !strings.Contains(c.Message, tc.says) {
						t.Errorf("signature check %s %q, want failed saying %q", c.Status, c.Message, tc.says)
					}
					return
				}
			}
			t.Error("no signature check")
		})
	}
}

func TestMocknetWithoutTestChains(t *testing.T) {
	x := issue(t)
	v := x.verifier(nil)
	v.AllowTestChains = false
	r := v.VerifyJSON(context.Background(), x.docs[1])
	c, _ := r.FirstFailed()
	if r.Status != verifier.Rejected || c.ID != verifier.CheckAnchor || !strings.Contains(c.Message, "test credential, not anchored") {
		t.Fatalf("%s %+v", r.Status, r.Checks)
	}
}

func TestFetchPolicy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("a", 5000)))
		case "/slow":
			time.Sleep(2 * time.Second)
		case "/redirect":
			http.Redirect(w, r, "http://127.0.0.1:1/x", http.StatusFound)
		default:
			w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	public := verifier.NewHTTPFetcher(false, 500*time.Millisecond)
	if _, err := public.Fetch(ctx, srv.URL+"/ok", 1000); !errors.Is(err, verifier.ErrBlockedAddress) {
		t.Errorf("public policy fetched loopback over http: %v", err)
	}
	if _, err := public.Fetch(ctx, strings.Replace(srv.URL, "http:", "https:", 1), 1000); !errors.Is(err, verifier.ErrBlockedAddress) {
		t.Errorf("public policy dialled loopback: %v", err)
	}
	if _, err := public.Fetch(ctx, "file:///etc/passwd", 1000); !errors.Is(err, verifier.ErrBlockedAddress) {
		t.Errorf("file URL: %v", err)
	}
	local := verifier.NewHTTPFetcher(true, 500*time.Millisecond)
	if _, err := local.Fetch(ctx, srv.URL+"/ok", 1000); err != nil {
		t.Errorf("local policy: %v", err)
	}
	if _, err := local.Fetch(ctx, srv.URL+"/big", 1000); err == nil {
		t.Error("size cap not enforced")
	}
	start := time.Now()
	if _, err := local.Fetch(ctx, srv.URL+"/slow", 1000); err == nil || time.Since(start) > 1500*time.Millisecond {
		t.Errorf("timeout not enforced: %v after %v", err, time.Since(start))
	}
	// The command line's policy: loopback (over http too), nothing else
	// that is not public.
	cli := verifier.NewLoopbackFetcher(500 * time.Millisecond)
	if _, err := cli.Fetch(ctx, srv.URL+"/ok", 1000); err != nil {
		t.Errorf("loopback policy refused loopback: %v", err)
	}
	for _, u := range []string{"http://169.254.169.254/latest/meta-data", "http://10.1.2.3/x", "https://192.168.0.1/x", "http://[fe80::1]/x"} {
		if _, err := cli.Fetch(ctx, u, 1000); !errors.Is(err, verifier.ErrBlockedAddress) {
			t.Errorf("loopback policy fetched %s: %v", u, err)
		}
	}
	for _, a := range []string{"127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "fc00::1", "100.64.0.1", "0.0.0.0"} {
		if verifier.IsPublic(netip.MustParseAddr(a)) {
			t.Errorf("%s counted as public", a)
		}
	}
	if !verifier.IsPublic(netip.MustParseAddr("8.8.8.8")) {
		t.Error("8.8.8.8 not public")
	}
}

func FuzzVerifyJSON(f *testing.F) {
	is := testkit.NewIssuer(f)
	res := is.Issue(f, testkit.Batch(2, 3, 1))
	f.Add(res.Issued[0].JSON)
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","proof":{"type":"MerkleProof2019","proofValue":"z1"}}`))
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var r *verifier.Result
		testkit.Bounded(testkit.FuzzInputBudget, fmt.Sprintf("VerifyJSON of a %d-byte input", len(doc)), func() {
			r = v.VerifyJSON(context.Background(), doc)
		})
		if r.Status == verifier.Verified && string(doc) != string(res.Issued[0].JSON) {
			// Another document may verify only if it canonicalizes the same.
			var m map[string]any
			if json.Unmarshal(doc, &m) != nil {
				t.Fatal("non-JSON verified")
			}
		}
		if len(r.Checks) == 0 {
			t.Fatal("no checks reported")
		}
	})
}
