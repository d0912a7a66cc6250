package dataintegrity_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"testing"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/internal/testkit"
)

// separate is Fast under another type, so that SignAndHash takes the two
// separate calls: the oracle for its fast path.
type separate struct{ dataintegrity.Fast }

var sealKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))

func unsigned(doc map[string]any) map[string]any {
	c := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			c[k] = v
		}
	}
	return c
}

// sameSeal requires SignAndHash with Fast to give what the separate calls
// give with oracle (Ed25519 signatures are deterministic), or to fail
// alike.
func sameSeal(t *testing.T, name string, doc map[string]any, oracle dataintegrity.Canonicalizer) {
	t.Helper()
	const vm, created = "https://registry.example.edu/issuer/profile.json#key-1", "2026-06-30T00:00:00Z"
	p, leaf, err := dataintegrity.SignAndHash(context.Background(), dataintegrity.Fast{}, doc, sealKey, "urn:uuid:4e2b3c1d-0000-4000-8000-000000000001", vm, created)
	wp, wleaf, werr := dataintegrity.SignAndHash(context.Background(), oracle, doc, sealKey, "urn:uuid:4e2b3c1d-0000-4000-8000-000000000001", vm, created)
	if (err == nil) != (werr == nil) {
		t.Fatalf("%s: fast path error %v, separate calls %v", name, err, werr)
	}
	if err != nil {
		return
	}
	if *p != *wp || leaf != wleaf {
		t.Fatalf("%s: fast path gives %+v %x, separate calls %+v %x", name, p, leaf, wp, wleaf)
	}
}

// TestSignAndHash: the fast path gives json-gold's signature and target
// hash on generated transcripts of 1 to 200 courses.
func TestSignAndHash(t *testing.T) {
	is := testkit.NewIssuer(t)
	for _, courses := range []int{1, 2, 5, 13, 40, 77, 120, 200} {
		for _, c := range is.Issue(t, testkit.Batch(2, courses, uint64(courses))).Issued {
			sameSeal(t, c.ID, unsigned(c.Credential), dataintegrity.JSONGold{})
		}
	}
	// Unmapped terms are reported as without the fast path.
	doc := unsigned(is.Issue(t, testkit.Batch(1, 3, 9)).Issued[0].Credential)
	doc["notDefined"] = "x"
	sameSeal(t, "unmapped", doc, dataintegrity.JSONGold{})
	if _, _, err := dataintegrity.SignAndHash(context.Background(), dataintegrity.Fast{}, doc, sealKey, "urn:uuid:1", "k", "2026-01-01T00:00:00Z"); err == nil {
		t.Fatal("unmapped term: no error")
	}
}

// FuzzSignAndHash compares the fast path with the separate calls on
// mutated credentials.
func FuzzSignAndHash(f *testing.F) {
	for _, name := range []string{"v3/mocknet-vc-v2-data-integrity-proof.json", "v3/testnet-v3-did.json"} {
		b, _ := os.ReadFile(fixtures + name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, ok := fuzzDoc(b)
		if !ok {
			return
		}
		sameSeal(t, "input", unsigned(doc), separate{})
	})
}
