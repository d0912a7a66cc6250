package merkleproof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/anchor/merkle"
	"github.com/etranscript/etranscript/internal/base58"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/fxamacker/cbor/v2"
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

// TestDecodeFixture decodes cert-issuer's encoding (hex text inside byte
// strings, txid with 0x).
func TestDecodeFixture(t *testing.T) {
	mp, err := Decode(proofValue(t, readFixture(t, "v3/ethereum-sepolia-v3.json")))
	if err != nil {
		t.Fatal(err)
	}
	a := mp.Anchors[0]
	if a.Blink() != "blink:eth:sepolia:0x1f615470024000c3ab532ed74c5a60b8f6c2feb6489a67be20f103831996f9ab" {
		t.Errorf("anchor %s", a.Blink())
	}
	if hex.EncodeToString(mp.MerkleRoot[:]) != "b2c64ed78cccda992431c265a1d0bb657e8cefd14b1ef15ceadcc697c566994f" {
		t.Errorf("root %x", mp.MerkleRoot)
	}
	mock, err := Decode(proofValue(t, readFixture(t, "v3/mocknet-vc-v2-data-integrity-proof.json")))
	if err != nil {
		t.Fatal(err)
	}
	if mock.Anchors[0].Chain != "mocknet" || mock.Anchors[0].TxID != MocknetTxID {
		t.Errorf("mocknet anchor %+v", mock.Anchors[0])
	}
}

// jsEncode encodes as lds-merkle-proof-2019's Encoder.js does: raw bytes
// inside byte strings, keys in JSON order.
func jsEncode(t testing.TB, p *Proof) string {
	w := func(b []byte) []byte {
		inner, _ := cbor.Marshal(b)
		return inner
	}
	var path []any
	for _, s := range p.Path {
		side := 1
		if s.Left {
			side = 0
		}
		path = append(path, []any{side, w(s.Hash[:])})
	}
	tx, _ := hex.DecodeString(strings.TrimPrefix(p.Anchors[0].TxID, "0x"))
	doc := []any{
		[]any{0, w(p.MerkleRoot[:])}, []any{1, w(p.TargetHash[:])},
		[]any{2, []any{[]any{[]any{0, 1}, []any{1, p.Anchors[0].Network}, []any{2, w(tx)}}}},
		[]any{3, path},
	}
	b, err := cbor.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return "z" + base58.Encode(b)
}

func sampleProof() *Proof {
	return &Proof{
		MerkleRoot: sha256.Sum256([]byte("root")), TargetHash: sha256.Sum256([]byte("leaf")),
		Path:    []merkle.Step{{Left: true, Hash: sha256.Sum256([]byte("a"))}, {Left: false, Hash: sha256.Sum256([]byte("b"))}},
		Anchors: []Anchor{{Chain: "eth", Network: 11155111, TxID: "0x" + strings.Repeat("ab", 32)}},
	}
}

func TestRoundTripBothEncodings(t *testing.T) {
	p := sampleProof()
	ours, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for name, pv := range map[string]string{"ok/cert-issuer": ours, "ok/js": jsEncode(t, p)} {
		got, err := Decode(pv)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.MerkleRoot != p.MerkleRoot || got.TargetHash != p.TargetHash || len(got.Path) != 2 ||
			got.Path[0] != p.Path[0] || got.Path[1] != p.Path[1] || got.Anchors[0].Network != 11155111 ||
			strings.TrimPrefix(got.Anchors[0].TxID, "0x") != strings.Repeat("ab", 32) {
			t.Errorf("%s: decoded %+v", name, got)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good, _ := sampleProof().Encode()
	raw, _ := base58.Decode(good[1:])
	enc := func(v any) string { b, _ := cbor.Marshal(v); return "z" + base58.Encode(b) }
	for name, pv := range map[string]string{
		"fail/empty":       "",
		"fail/no-z":        good[1:],
		"fail/base58":      "z0OIl",
		"fail/truncated":   "z" + base58.Encode(raw[:len(raw)-5]),
		"fail/not-array":   enc(map[string]int{"a": 1}),
		"fail/missing":     enc([]any{[]any{0, []byte{0x40}}}),
		"fail/short-hash":  enc([]any{[]any{0, []byte{0x42, 1, 2}}, []any{1, []byte{0x40}}, []any{2, []any{}}}),
		"fail/too-long":    "z" + strings.Repeat("2", 20000),
		"fail/unknown-key": enc([]any{[]any{9, 1}}),
	} {
		if _, err := Decode(pv); !errors.Is(err, ErrProofValue) {
			t.Errorf("%s: err = %v, want ErrProofValue", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := sampleProof().Encode()
	f.Add(good)
	f.Add(jsEncode(f, sampleProof()))
	f.Add("z")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Decode(s)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same proof.
		if len(p.Anchors) > 0 && p.Anchors[0].Chain != "" {
			again, err := p.Encode()
			if err != nil {
				return
			}
			q, err := Decode(again)
			if err != nil || q.MerkleRoot != p.MerkleRoot || q.TargetHash != p.TargetHash || len(q.Path) != len(p.Path) {
				t.Fatalf("re-encoding changed the proof: %v", err)
			}
		}
	})
}

// TestBuild checks the credential we issue: contexts, dates with a zone,
// no email in clear, the recipient bound by a salted hash, the local-script
// name intact, every field escaped in the display.
