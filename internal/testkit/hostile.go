package testkit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/verifier"
)

// Hostile is a credential made to attack the verifier, and the verdict
// it must get.
type Hostile struct {
	Name  string
	Data  []byte
	Want  verifier.Verdict
	Check string // the check that must fail
}

// HostileCredentials issues two credentials with is (6 and 2,000 courses)
// and makes HostileFrom them.
func HostileCredentials(tb testing.TB, is *Issuer) []Hostile {
	tb.Helper()
	good := is.Issue(tb, Batch(1, 6, 11)).Issued[0].JSON
	big := is.Issue(tb, Batch(1, 2000, 12)).Issued[0].JSON
	return HostileFrom(tb, good, big)
}

// HostileFrom mutates good, a transcript credential of a few courses, and
// big, one of 2,000, into attacks on the verifier: oversized, deep, costly
// to canonicalize, duplicate keys, each field of the Merkle proof changed,
// each proof removed. The first two entries are the credentials
// themselves, which verify (test chains allowed).
func HostileFrom(tb testing.TB, good, big []byte) []Hostile {
	tb.Helper()
	mut := func(doc []byte, f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			tb.Fatal(err)
		}
		f(m)
		b, err := json.Marshal(m)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	proofs := func(m map[string]any) []any { return m["proof"].([]any) }
	merkle := func(m map[string]any) map[string]any { p := proofs(m); return p[len(p)-1].(map[string]any) }
	sig := func(m map[string]any) map[string]any { return proofs(m)[0].(map[string]any) }
	subject := func(m map[string]any) map[string]any { return m["credentialSubject"].(map[string]any) }
	// courses repeats the first course n times in the first term.
	courses := func(n int, same bool) func(m map[string]any) {
		return func(m map[string]any) {
			term := subject(m)["terms"].([]any)[0].(map[string]any)
			first := term["courses"].([]any)[0].(map[string]any)
			list := make([]any, n)
			for i := range list {
				c := map[string]any{}
				for k, v := range first {
					c[k] = v
				}
				if !same {
					c["code"] = "X" + strings.Repeat("9", i%7) + string(rune('A'+i%26))
				}
				list[i] = c
			}
			term["courses"] = list
		}
	}
	deep := func(m map[string]any) {
		var v any = "x"
		for range 200 {
			v = map[string]any{"n": v}
		}
		subject(m)["deep"] = v
	}
	// dup states a forged value of key before the true one, in the
	// object that opens at the end of the first occurrence of at.
	dup := func(doc []byte, at, key, forged string) []byte {
		i := bytes.Index(doc, []byte(at))
		if i < 0 || !strings.HasSuffix(at, "{") {
			tb.Fatalf("no %s in the credential", at)
		}
		i += len(at)
		out := append([]byte{}, doc[:i]...)
		out = append(out, `"`+key+`":`+forged+`,`...)
		return append(out, doc[i:]...)
	}
	unsupported := func(m map[string]any) {
		// A term definition only the complete JSON-LD processor handles.
		ctx := m["@context"].([]any)
		ctx[len(ctx)-1].(map[string]any)["byIndex"] = map[string]any{"@id": "https://example.org/byIndex", "@container": "@index"}
	}
	F, I := verifier.Rejected, verifier.CheckIntegrity
	cases := []Hostile{
		{"ok/issued", good, verifier.Verified, ""},
		{"ok/2000 courses", big, verifier.Verified, ""},
		{"fail/too large/30000 courses", mut(good, courses(30000, false)), F, verifier.CheckFormat},
		{"fail/too large/bytes", append(append([]byte(`{"pad":"`), bytes.Repeat([]byte("a"), 9<<20)...), `"}`...), F, verifier.CheckFormat},
		{"fail/deep", mut(good, deep), F, verifier.CheckFormat},
		{"fail/costly/2700 identical courses", mut(good, courses(2700, true)), F, I},
		{"fail/costly/complete processor on 2000 courses", mut(big, unsupported), F, I},
		{"fail/costly/complete processor on 2700 identical courses", mut(good, func(m map[string]any) { courses(2700, true)(m); unsupported(m) }), F, I},
		{"fail/context/term redefined", mut(good, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), map[string]any{"cga": "https://evil.example/cga"})
		}), F, I},
		{"fail/context/protected term redefined", mut(good, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), map[string]any{"name": "https://evil.example/name"})
		}), F, I},
		{"fail/context/vocabulary swapped", mut(good, func(m map[string]any) {
			ctx := m["@context"].([]any)
			ctx[len(ctx)-1].(map[string]any)["et"] = "https://evil.example/transcript#"
		}), F, I},
		{"fail/context/not embedded", mut(good, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://evil.example/context.jsonld")
		}), F, verifier.CheckFormat},
		{"fail/duplicate key/top", dup(good, `{`, "validFrom", `"2020-01-01T00:00:00Z"`), F, verifier.CheckFormat},
		{"fail/duplicate key/subject", dup(mut(good, func(map[string]any) {}), `"credentialSubject":{`, "cga", `"4.300"`), F, verifier.CheckFormat},
		{"fail/duplicate key/course", dup(mut(good, func(map[string]any) {}), `"courses":[{`, "grade", `"A+"`), F, verifier.CheckFormat},
		{"fail/duplicate key/proof", dup(mut(good, func(map[string]any) {}), `"proof":[{`, "proofValue", `"z1"`), F, verifier.CheckFormat},
		{"fail/merkle proof/verificationMethod an Ed25519 key", mut(good, func(m map[string]any) {
			merkle(m)["verificationMethod"] = sig(m)["verificationMethod"]
		}), F, verifier.CheckIssuer},
		{"fail/merkle proof/verificationMethod not the issuer's", mut(good, func(m map[string]any) {
			merkle(m)["verificationMethod"] = "https://elsewhere.example/profile.json#key-eth-1"
		}), F, verifier.CheckIssuer},
		{"fail/merkle proof/verificationMethod removed", mut(good, func(m map[string]any) { delete(merkle(m), "verificationMethod") }), F, verifier.CheckFormat},
		{"fail/merkle proof/proofPurpose", mut(good, func(m map[string]any) { merkle(m)["proofPurpose"] = "authentication" }), F, verifier.CheckFormat},
		{"fail/merkle proof/previousProof removed", mut(good, func(m map[string]any) { delete(merkle(m), "previousProof") }), F, verifier.CheckFormat},
		{"fail/merkle proof/previousProof another", mut(good, func(m map[string]any) { merkle(m)["previousProof"] = "urn:uuid:00000000-0000-4000-8000-000000000000" }), F, verifier.CheckFormat},
		{"fail/merkle proof/id the signature's", mut(good, func(m map[string]any) { merkle(m)["id"] = sig(m)["id"] }), F, verifier.CheckFormat},
		{"fail/signature proof/proofPurpose", mut(good, func(m map[string]any) { sig(m)["proofPurpose"] = "authentication" }), F, verifier.CheckFormat},
		{"fail/merkle proof removed", mut(good, func(m map[string]any) { m["proof"] = proofs(m)[:1] }), F, verifier.CheckFormat},
		{"fail/signature proof removed", mut(good, func(m map[string]any) { m["proof"] = proofs(m)[1:] }), F, verifier.CheckFormat},
		{"fail/signature proof removed and unchained", mut(good, func(m map[string]any) {
			delete(merkle(m), "previousProof")
			m["proof"] = proofs(m)[1:]
		}), F, verifier.CheckFormat},
	}
	return cases
}
