package credential

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor/merkle"
	"github.com/etranscript/etranscript/transcript"
	"github.com/fxamacker/cbor/v2"
	"github.com/mr-tron/base58"
)

const fixtures = "../testdata/blockcerts/"

func readFixture(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := DecodeJSON(bytes.NewReader(b), DefaultLimits)
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
		mp, err := DecodeMerkleProof(proofValue(t, doc))
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
	if !errors.Is(err, ErrUnknownContext) {
		t.Fatalf("err = %v, want ErrUnknownContext", err)
	}
}

func TestManifest(t *testing.T) {
	all, err := Contexts()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1",
		"https://w3id.org/blockcerts/v2", "https://w3id.org/blockcerts/v3", "https://w3id.org/blockcerts/v3.1", "https://w3id.org/blockcerts/v3.2",
		"https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/suites/merkle-2019/v1",
		"https://w3id.org/security/suites/chained-2021/v1", "https://w3id.org/security/suites/ed25519-2020/v1",
		"https://w3id.org/security/suites/secp256k1-2019/v1", "https://w3id.org/vc/status-list/2021/v1",
		"https://w3id.org/openbadges/v2", "https://www.w3.org/ns/did/v1",
	} {
		c, ok := all[u]
		if !ok {
			t.Errorf("context %s is not embedded", u)
			continue
		}
		if sum := sha256.Sum256(c.Raw); hex.EncodeToString(sum[:]) != c.SHA256 || c.Source == "" {
			t.Errorf("context %s: manifest entry incomplete or wrong", u)
		}
	}
}

// TestDecodeFixture decodes cert-issuer's encoding (hex text inside byte
// strings, txid with 0x).
func TestDecodeFixture(t *testing.T) {
	mp, err := DecodeMerkleProof(proofValue(t, readFixture(t, "v3/ethereum-sepolia-v3.json")))
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
	mock, err := DecodeMerkleProof(proofValue(t, readFixture(t, "v3/mocknet-vc-v2-data-integrity-proof.json")))
	if err != nil {
		t.Fatal(err)
	}
	if mock.Anchors[0].Chain != "mocknet" || mock.Anchors[0].TxID != MocknetTxID {
		t.Errorf("mocknet anchor %+v", mock.Anchors[0])
	}
}

// jsEncode encodes as lds-merkle-proof-2019's Encoder.js does: raw bytes
// inside byte strings, keys in JSON order.
func jsEncode(t testing.TB, p *MerkleProof) string {
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

func sampleProof() *MerkleProof {
	return &MerkleProof{
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
		got, err := DecodeMerkleProof(pv)
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
		if _, err := DecodeMerkleProof(pv); !errors.Is(err, ErrProofValue) {
			t.Errorf("%s: err = %v, want ErrProofValue", name, err)
		}
	}
}

func FuzzDecodeMerkleProof(f *testing.F) {
	good, _ := sampleProof().Encode()
	f.Add(good)
	f.Add(jsEncode(f, sampleProof()))
	f.Add("z")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeMerkleProof(s)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same proof.
		if len(p.Anchors) > 0 && p.Anchors[0].Chain != "" {
			again, err := p.Encode()
			if err != nil {
				return
			}
			q, err := DecodeMerkleProof(again)
			if err != nil || q.MerkleRoot != p.MerkleRoot || q.TargetHash != p.TargetHash || len(q.Path) != len(p.Path) {
				t.Fatalf("re-encoding changed the proof: %v", err)
			}
		}
	})
}

// TestBuild checks the credential we issue: contexts, dates with a zone,
// no email in clear, the recipient bound by a salted hash, the local-script
// name intact, every field escaped in the display.
func TestBuild(t *testing.T) {
	rec := transcript.Record{
		StudentID: "20481234", Name: `<script>alert(1)</script>`, NameLocal: "陳大文", Email: "TMChan@connect.example.edu",
		Program: transcript.Program{Code: "BSC", Name: "B.Sc. & <b>Honours</b>", Level: "undergraduate"},
		Terms: []transcript.Term{{Term: "2022-23 Fall", Courses: []transcript.Course{
			{Code: "COMP1021", Title: "Intro", Credits: transcript.DecimalOf(3), Grade: "A-"}}}},
	}
	c, err := Build(&rec, Issue{Issuer: "https://registry.example.edu/issuer/profile.json", IssuerName: "Test", Issued: time.Date(2026, 11, 15, 9, 0, 0, 0, time.FixedZone("HKT", 8*3600)), Scheme: transcript.HKUST()}, NewID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(c)
	if bytes.Contains(bytes.ToLower(js), []byte("tmchan@")) {
		t.Error("the email address is in the credential in clear")
	}
	if !c.CredentialSubject.Recipient.Matches("tmchan@connect.example.edu") || c.CredentialSubject.Recipient.Matches("other@example.edu") {
		t.Error("recipient hash does not bind the address")
	}
	if c.ValidFrom != "2026-11-15T01:00:00Z" {
		t.Errorf("validFrom %s", c.ValidFrom)
	}
	if strings.Contains(c.Display.Content, "<script>") || strings.Contains(c.Display.Content, "<b>") {
		t.Errorf("display not escaped: %s", c.Display.Content)
	}
	if !strings.Contains(c.Display.Content, "陳大文") || !bytes.Contains(js, []byte("陳大文")) {
		t.Error("local-script name lost")
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := TargetHash(context.Background(), JSONGold{}, m, 0); err != nil {
		t.Fatalf("our credential does not hash: %v", err)
	}
}

func TestDecodeJSONLimits(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if _, err := DecodeJSON(strings.NewReader(deep), Limits{MaxBytes: 1 << 20, MaxDepth: 64}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("deep: %v", err)
	}
	if _, err := DecodeJSON(strings.NewReader(`"`+strings.Repeat("a", 2000)+`"`), Limits{MaxBytes: 1000, MaxDepth: 8}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("large: %v", err)
	}
	if _, err := DecodeJSON(strings.NewReader(`{"a": "[[[["}`), Limits{MaxBytes: 100, MaxDepth: 2}); err != nil {
		t.Errorf("brackets in strings count as depth: %v", err)
	}
}
