package dataintegrity_test

import (
	"bytes"
	"strings"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/internal/jsonstrict"
)

var errTooComplex = canon.ErrTooComplex

const fixtures = "../../testdata/blockcerts/"

// jsonGoldDiverges reports output that json-gold writes differently from
// RDFC-1.0's canonical N-Quads, in its two known cases: a literal holding a
// control character other than tab, newline and carriage return (json-gold
// writes it raw, RDFC-1.0 escapes it), and an IRI holding a character
// N-Quads does not allow in IRIs (json-gold backslash-escapes it; RDFC-1.0
// and jsonld.js write IRIs as they are).
func jsonGoldDiverges(nq []byte) bool {
	quads, err := canon.ParseNQuads(string(nq))
	if err != nil {
		return true // json-gold wrote something that is not N-Quads
	}
	for _, q := range quads {
		for _, t := range []canon.Term{q.S, q.P, q.O, q.G} {
			switch t.Kind {
			case canon.IRI:
				if strings.ContainsAny(t.Value, "\"\\\n\r\t") || strings.ContainsAny(t.Datatype, "\"\\\n\r\t") {
					return true
				}
			case canon.Literal:
				if strings.ContainsAny(t.Datatype, "\"\\\n\r\t") {
					return true
				}
				for _, c := range []byte(t.Value) {
					if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
						return true
					}
				}
			}
		}
	}
	return false
}

// fuzzDoc decodes a fuzz input as a JSON object, within the verifier's
// kind of limits.
func fuzzDoc(b []byte) (map[string]any, bool) {
	v, err := jsonstrict.Decode(bytes.NewReader(b), jsonstrict.Limits{MaxBytes: 64 << 10, MaxDepth: 16})
	if err != nil {
		return nil, false
	}
	doc, ok := v.(map[string]any)
	return doc, ok
}

// mentions reports s among the strings of v: a presentation's
// verifiableCredential is an @graph container that only its type-scoped
// context defines, which json-gold does not honour (jsonld.js and package
// jsonld do), so json-gold is no oracle for presentations.
func mentions(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return x == s
	case []any:
		for _, e := range x {
			if mentions(e, s) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if mentions(e, s) {
				return true
			}
		}
	}
	return false
}
