package status_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/status"
)

func TestBitstring(t *testing.T) {
	bits := make([]byte, status.ListSize/8)
	for _, i := range []int{0, 7, 8, 131071} {
		status.Set(bits, i, true)
	}
	if bits[0] != 0x81 || bits[1] != 0x80 || bits[len(bits)-1] != 0x01 {
		t.Fatalf("bit order: % x ... % x", bits[:2], bits[len(bits)-1])
	}
	enc, err := status.Encode(bits)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "H4sI") || len(enc) > 200 {
		t.Errorf("encodedList %q: expected base64url GZIP with no multibase prefix, small", enc)
	}
	for _, form := range []string{enc, "u" + enc} {
		got, err := status.Decode(form, status.MaxListBytes)
		if err != nil || string(got) != string(bits) {
			t.Fatalf("decode %.10s...: %v", form, err)
		}
	}
	if _, err := status.Get(bits, status.ListSize); err == nil {
		t.Error("an index past the end was read")
	}
	// The official fixture's list: every entry clear.
	var fx struct {
		CredentialSubject struct{ EncodedList string } `json:"credentialSubject"`
	}
	b, err := os.ReadFile("../testdata/blockcerts/issuers/blockcerts-status-list-2021.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	got, err := status.Decode(fx.CredentialSubject.EncodedList, status.MaxListBytes)
	if err != nil || len(got) != status.ListSize/8 {
		t.Fatalf("fixture list: %d bytes, %v", len(got), err)
	}
}

func TestDecodeLimits(t *testing.T) {
	huge, err := status.Encode(make([]byte, 4<<20))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{
		"fail/too-large": huge, "fail/not-base64": "H4sI!!", "fail/not-gzip": "aGVsbG8", "fail/empty": "",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := status.Decode(in, 1<<20); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	enc, _ := status.Encode(make([]byte, 16))
	f.Add(enc)
	f.Add("u" + enc)
	f.Fuzz(func(t *testing.T, s string) {
		status.Decode(s, 1<<16)
	})
}

func TestService(t *testing.T) {
	ctx := context.Background()
	pub, priv, _ := ed25519.GenerateKey(nil)
	sig := &status.Signer{Key: priv, Method: "https://r.example.edu/issuer/profile.json#key-1"}
	svc := &status.Service{Store: status.NewMemStore(), BaseURL: "https://r.example.edu",
		IssuerURL: "https://r.example.edu/issuer/profile.json", RevocationListURL: "https://r.example.edu/issuer/revocations.json",
		Now: func() time.Time { return time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC) }}
	entries, err := svc.Assign(ctx, "b1", []string{"urn:uuid:a", "urn:uuid:b"}, sig)
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	if len(e) != 2 || e[0].StatusPurpose != "revocation" || e[1].StatusPurpose != "suspension" ||
		e[0].StatusListIndex != e[1].StatusListIndex || e[0].StatusListCredential != "https://r.example.edu/issuer/status/1/revocation" ||
		e[0].Type != "BitstringStatusListEntry" || e[0].ID != e[0].StatusListCredential+"#"+e[0].StatusListIndex {
		t.Fatalf("entries %+v", e)
	}
	// The list was published with the assignment.
	read := func(p status.Purpose) (map[string]any, []byte) {
		t.Helper()
		b, _, err := svc.ListDocument(ctx, 1, p)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		proof := doc["proof"].(map[string]any)
		if err := dataintegrity.VerifyEdDSA(context.Background(), dataintegrity.Default, doc, proof, pub); err != nil {
			t.Fatalf("list signature: %v", err)
		}
		bits, err := status.Decode(doc["credentialSubject"].(map[string]any)["encodedList"].(string), status.MaxListBytes)
		if err != nil {
			t.Fatal(err)
		}
		return doc, bits
	}
	idx, _ := strconv.Atoi(e[0].StatusListIndex)
	if _, bits := read(status.Revocation); must(status.Get(bits, idx)) {
		t.Fatal("revoked before revocation")
	}
	if _, err := svc.Set(ctx, "urn:uuid:a", status.Revocation, true, "issued in error", sig); err != nil {
		t.Fatal(err)
	}
	doc, bits := read(status.Revocation)
	if !must(status.Get(bits, idx)) {
		t.Fatal("the revocation is not in the published list")
	}
	if doc["issuer"] != svc.IssuerURL || doc["id"] != e[0].StatusListCredential {
		t.Errorf("list credential %v", doc)
	}
	if _, bits := read(status.Suspension); must(status.Get(bits, idx)) {
		t.Error("revocation set the suspension bit")
	}
	rl, err := svc.RevocationList(ctx, "urn:uuid:a")
	if err != nil || !strings.Contains(string(rl), `"revocationReason": "issued in error"`) || !strings.Contains(string(rl), `"type": "RevocationList"`) {
		t.Errorf("revocation list: %s %v", rl, err)
	}
	if rl, _ := svc.RevocationList(ctx, "urn:uuid:b"); strings.Contains(string(rl), "urn:uuid:") {
		t.Errorf("revocation list for a valid credential: %s", rl)
	}
	if _, err := svc.Set(ctx, "urn:uuid:missing", status.Revocation, true, "", sig); err == nil {
		t.Error("revoked a credential never issued")
	}
	if _, _, err := svc.ListDocument(ctx, 1, "other"); err == nil {
		t.Error("a list of an unknown purpose")
	}
}

func must(b bool, err error) bool {
	if err != nil {
		panic(err)
	}
	return b
}
