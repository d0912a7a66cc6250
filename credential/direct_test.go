package credential_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/transcript"
)

var statusPair = []credential.StatusEntry{
	{ID: "https://registry.example.edu/issuer/status/1/revocation#7", Type: "BitstringStatusListEntry", StatusPurpose: "revocation", StatusListIndex: "7", StatusListCredential: "https://registry.example.edu/issuer/status/1/revocation"},
	{ID: "https://registry.example.edu/issuer/status/1/suspension#7", Type: "BitstringStatusListEntry", StatusPurpose: "suspension", StatusListIndex: "7", StatusListCredential: "https://registry.example.edu/issuer/status/1/suspension"},
}

// built is credential.Build's credential for record i of a generated batch.
func built(t testing.TB, courses int, seed uint64, status []credential.StatusEntry) *credential.Credential {
	t.Helper()
	b := testkit.Batch(1, courses, seed)
	in := credential.Issue{Issuer: "https://registry.example.edu/issuer/profile.json", IssuerName: "Test University",
		Issued: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Scheme: transcript.HKUST()}
	c, err := credential.Build(&b.Records[0], in, "urn:uuid:4e2b3c1d-0000-4000-8000-00000000000a", status)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sameAsDoc requires the credential's direct quads (when want says it has
// them) to canonicalize as package jsonld's expansion of its Doc does, and
// Seal to give what SignAndHash gives on the Doc with oracle.
func sameAsDoc(t *testing.T, name string, c *credential.Credential, direct bool, oracle dataintegrity.Canonicalizer) {
	t.Helper()
	doc, err := c.Doc()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got, ok := credential.DirectNQuads(c)
	if ok != direct {
		t.Fatalf("%s: direct conversion %v, want %v", name, ok, direct)
	}
	if ok {
		in, err := dataintegrity.HashInput(doc, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := dataintegrity.Fast{}.Canonicalize(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: direct quads\n%s\nexpansion of the document\n%s", name, got, want)
		}
	}
	sameSealAsDoc(t, name, c, oracle, "urn:uuid:4e2b3c1d-0000-4000-8000-000000000001", "https://registry.example.edu/issuer/profile.json#key-1", "2026-06-30T00:00:00Z")
}

// sameSealAsDoc requires Seal to give what SignAndHash gives on the Doc
// with oracle, for a proof of the given id, verification method and date.
func sameSealAsDoc(t *testing.T, name string, c *credential.Credential, oracle dataintegrity.Canonicalizer, id, vm, created string) {
	t.Helper()
	doc, err := c.Doc()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p, leaf, err := credential.Seal(context.Background(), dataintegrity.Fast{}, c, sealKey, id, vm, created)
	wp, wleaf, werr := dataintegrity.SignAndHash(context.Background(), oracle, doc, sealKey, id, vm, created)
	if (err == nil) != (werr == nil) {
		t.Fatalf("%s: Seal error %v, SignAndHash %v", name, err, werr)
	}
	if err == nil && (*p != *wp || leaf != wleaf) {
		t.Fatalf("%s: Seal gives %+v %x, SignAndHash %+v %x", name, p, leaf, wp, wleaf)
	}
}

func TestDirectOK(t *testing.T) {
	if !credential.DirectOK() {
		t.Fatal("the direct conversion disagrees with package jsonld on the probe credential")
	}
}

// TestDirect: the direct conversion gives the quads of the document on
// every shape of credential Build makes, and json-gold's signature and
// hash through Seal; credentials of other shapes go through the document.
func TestDirect(t *testing.T) {
	type mut struct {
		name   string
		direct bool
		f      func(c *credential.Credential)
	}
	muts := []mut{
		{"ok/as-built", true, func(c *credential.Credential) {}},
		{"ok/no-status", true, func(c *credential.Credential) { c.CredentialStatus = nil }},
		{"ok/one-status", true, func(c *credential.Credential) { c.CredentialStatus = c.CredentialStatus[:1] }},
		{"ok/same-status-twice", true, func(c *credential.Credential) { c.CredentialStatus[1] = c.CredentialStatus[0] }},
		{"ok/valid-until", true, func(c *credential.Credential) { c.ValidUntil = "2030-01-01T00:00:00Z" }},
		{"ok/no-name", true, func(c *credential.Credential) { c.Name = "" }},
		{"ok/no-display", true, func(c *credential.Credential) { c.Display = nil }},
		{"ok/display-encoding", true, func(c *credential.Credential) { c.Display.ContentEncoding = "base64" }},
		{"ok/no-award", true, func(c *credential.Credential) { c.CredentialSubject.Award = nil }},
		{"ok/bare-award", true, func(c *credential.Credential) {
			c.CredentialSubject.Award = &credential.Award{Degree: "BSc", Classification: "First"}
		}},
		{"ok/no-terms", true, func(c *credential.Credential) { c.CredentialSubject.Terms = nil }},
		{"ok/empty-terms", true, func(c *credential.Credential) { c.CredentialSubject.Terms = []credential.Term{} }},
		{"ok/term-without-courses", true, func(c *credential.Credential) { c.CredentialSubject.Terms[0].Courses = nil }},
		{"ok/same-course-twice", true, func(c *credential.Credential) {
			t := &c.CredentialSubject.Terms[0]
			t.Courses = append(t.Courses, t.Courses[0])
		}},
		{"ok/same-term-twice", true, func(c *credential.Credential) {
			s := &c.CredentialSubject
			s.Terms = append(s.Terms, s.Terms[0])
		}},
		{"ok/empty-values", true, func(c *credential.Credential) {
			s := &c.CredentialSubject
			s.Name, s.NameLocal, s.StudentID, s.CGA, s.Scale, s.Program = "", "", "", "", "", credential.Program{}
			s.Recipient.Hashed = false
			s.Terms[0].Courses[0] = credential.Course{}
			s.Terms[0].TGA, s.Terms[0].Term = "", ""
		}},
		{"ok/odd-text", true, func(c *credential.Credential) {
			s := &c.CredentialSubject
			s.Name = "Quote \" backslash \\ newline \n tab \t return \r"
			s.NameLocal = "ζ 陳大文 \u2028 😀"
			s.Terms[0].Courses[0].Title = "<b>&amp;</b> @id _:b0 http://x"
			s.Program.Admitted = "not a date"
		}},
		{"ok/did-issuer", true, func(c *credential.Credential) { c.Issuer = "did:example:123" }},
		{"ok/http-ids", true, func(c *credential.Credential) {
			c.ID = "https://registry.example.edu/credentials/1"
			c.CredentialStatus[0].ID = "http://registry.example.edu/s#1"
		}},
		{"fail/compact-issuer", false, func(c *credential.Credential) { c.Issuer = "schema:Person" }},
		{"fail/blank-issuer", false, func(c *credential.Credential) { c.Issuer = "_:b0" }},
		{"fail/relative-issuer", false, func(c *credential.Credential) { c.Issuer = "issuer/profile.json" }},
		{"fail/empty-issuer", false, func(c *credential.Credential) { c.Issuer = "" }},
		{"fail/space-in-id", false, func(c *credential.Credential) { c.ID = "urn:uuid:a b" }},
		{"fail/other-scheme", false, func(c *credential.Credential) { c.ID = "et:credential-1" }},
		{"fail/status-type", false, func(c *credential.Credential) { c.CredentialStatus[0].Type = "StatusList2021Entry" }},
		{"fail/status-list", false, func(c *credential.Credential) { c.CredentialStatus[1].StatusListCredential = "bc:list" }},
		{"fail/type", false, func(c *credential.Credential) { c.Type = append(c.Type, "OpenBadgeCredential") }},
		{"fail/context", false, func(c *credential.Credential) { c.Context = c.Context[:3] }},
		{"fail/foreign-context", false, func(c *credential.Credential) {
			c.Context[3] = json.RawMessage(`{"code":"https://example.org/code"}`)
		}},
	}
	for i, m := range muts {
		c := built(t, 12, uint64(i), statusPair)
		c.CredentialStatus = append([]credential.StatusEntry(nil), c.CredentialStatus...)
		m.f(c)
		sameAsDoc(t, m.name, c, m.direct, dataintegrity.JSONGold{})
	}
	// Proofs the direct conversion takes (an http verification method, a
	// date that is not one) and those it leaves to package jsonld.
	c := built(t, 3, 1, statusPair)
	for _, p := range []struct{ name, id, vm, created string }{
		{"ok/proof-http-method", "urn:uuid:4e2b3c1d-0000-4000-8000-000000000002", "http://registry.example.edu/k#1", "2026-06-30T00:00:00Z"},
		{"ok/proof-did-method", "urn:uuid:4e2b3c1d-0000-4000-8000-000000000002", "did:example:123#key-1", "not a date"},
		{"ok/proof-no-method", "urn:uuid:4e2b3c1d-0000-4000-8000-000000000002", "", "2026-06-30T00:00:00Z"},
		{"ok/proof-compact-method", "urn:uuid:4e2b3c1d-0000-4000-8000-000000000002", "sec:key", "2026-06-30T00:00:00Z"},
		{"ok/proof-no-id", "", "https://registry.example.edu/issuer/profile.json#key-1", "2026-06-30T00:00:00Z"},
		{"ok/proof-blank-id", "_:p", "https://registry.example.edu/issuer/profile.json#key-1", "2026-06-30T00:00:00Z"},
	} {
		sameSealAsDoc(t, p.name, c, dataintegrity.JSONGold{}, p.id, p.vm, p.created)
	}
	// Sizes, with and without the optional fields, against package jsonld.
	r := rand.New(rand.NewPCG(3, 4))
	for _, courses := range []int{0, 1, 2, 5, 13, 40, 77, 120, 200} {
		c := built(t, courses, uint64(courses), statusPair[:r.IntN(3)])
		if r.IntN(2) == 0 {
			c.CredentialSubject.Award = nil
		}
		sameAsDoc(t, fmt.Sprintf("ok/%d-courses", courses), c, true, separate{})
	}
}

// FuzzDirect compares the direct conversion with the expansion of the
// document on credentials whose text fields and IRIs the fuzzer chooses.
func FuzzDirect(f *testing.F) {
	f.Add("STUDENT", "Course", "https://registry.example.edu/issuer/profile.json", "urn:uuid:4e2b3c1d-0000-4000-8000-00000000000a", "https://registry.example.edu/issuer/status/1/revocation#7", "2026-06-30T00:00:00Z", "A+", "1.5")
	f.Add("", "\x00\"\\\n", "did:example:1", "http://a.example/b?c#d", "https://x.example/%zz", "", "", "")
	f.Add("é", "😀", "schema:x", "_:b0", "urn:a", "x", "\t", "\u2028")
	f.Fuzz(func(t *testing.T, name, title, issuer, id, statusID, validFrom, grade, credits string) {
		c := built(t, 3, 1, statusPair)
		c.CredentialStatus = append([]credential.StatusEntry(nil), c.CredentialStatus...)
		s := &c.CredentialSubject
		s.Name, s.Terms[0].Courses[0].Title, s.Terms[0].Courses[1].Grade, s.Terms[0].Courses[2].Credits = name, title, grade, credits
		c.Issuer, c.ID, c.CredentialStatus[0].ID, c.ValidFrom = issuer, id, statusID, validFrom
		_, direct := credential.DirectNQuads(c)
		sameAsDoc(t, "input", c, direct, separate{})
		// The same text as the proof's id, verification method and date.
		sameSealAsDoc(t, "proof", built(t, 1, 1, nil), separate{}, statusID, issuer, name)
	})
}

var sealKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))

// separate is Fast under another type, so that SignAndHash takes its two
// separate calls: the oracle for Seal's direct path.
type separate struct{ dataintegrity.Fast }
