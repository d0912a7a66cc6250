package dataintegrity

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/credential/merkleproof"
	"github.com/etranscript/etranscript/internal/jsonstrict"
)

const fixtures = "../../testdata/blockcerts/"

func readFixture(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonstrict.Decode(bytes.NewReader(b), jsonstrict.Default)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}

func proofValue(t testing.TB, doc map[string]any) string {
	p, ok := doc["proof"].(map[string]any)
	if !ok {
		t.Fatal("no single proof")
	}
	return p["proofValue"].(string)
}

// TestTargetHashFixtures recomputes the targetHash of upstream credentials.
func TestTargetHashFixtures(t *testing.T) {
	for _, f := range []string{"v3/mocknet-vc-v2-data-integrity-proof.json", "v3/ethereum-sepolia-v3.json", "v3/testnet-v3-did.json", "v3/mocknet-vc-v2-name-description-multilingual.json"} {
		doc := readFixture(t, f)
		mp, err := merkleproof.Decode(proofValue(t, doc))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		h, err := TargetHash(context.Background(), JSONGold{}, doc, 0)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if h != mp.TargetHash {
			t.Errorf("%s: target hash %x, proof says %x", f, h, mp.TargetHash)
		}
	}
}

func TestUnmapped(t *testing.T) {
	_, err := TargetHash(context.Background(), JSONGold{}, readFixture(t, "tampered/unmapped-field.json"), 0)
	var um *UnmappedError
	if !errors.As(err, &um) || len(um.Fields) != 1 || um.Fields[0] != "gpa" {
		t.Fatalf("err = %v, want unmapped gpa", err)
	}
}

func TestUnknownContextNotFetched(t *testing.T) {
	doc := readFixture(t, "v3/mocknet-vc-v2-data-integrity-proof.json")
	doc["@context"] = append(doc["@context"].([]any), "https://evil.example/context.json")
	_, err := TargetHash(context.Background(), JSONGold{}, doc, 0)
	if !errors.Is(err, ldcontext.ErrUnknown) {
		t.Fatalf("err = %v, want ldcontext.ErrUnknown", err)
	}
}
