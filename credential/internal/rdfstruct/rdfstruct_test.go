package rdfstruct

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/canon"
)

var testVocab = &Vocab{Prefixes: map[string]string{"ex": "https://ex.example/"}, Types: map[string]string{"Thing": "https://ex.example/Thing"}}

type leaf struct {
	V string `json:"v" ld:"ex:v"`
}

type whole struct {
	ID    string   `json:"id" ld:"@id"`
	Type  []string `json:"type" ld:"@type"`
	S     string   `json:"s" ld:"ex:s"`
	O     string   `json:"o,omitempty" ld:"ex:o"`
	D     string   `json:"d,omitempty" ld:"ex:d,date"`
	L     string   `json:"l,omitempty" ld:"ex:l,iri"`
	B     bool     `json:"b" ld:"ex:b"`
	N     leaf     `json:"n" ld:"ex:n"`
	P     *leaf    `json:"p,omitempty" ld:"ex:p"`
	NS    []leaf   `json:"ns" ld:"ex:ns"`
	Tags  []string `json:"tags,omitempty" ld:"ex:tags"`
	Skip  any      `json:"skip,omitempty" ld:"-"`
	inner int
}

// TestMap: Map is the JSON round trip, with and without the optional
// fields.
func TestMap(t *testing.T) {
	full := whole{}
	testVocab.Fill(&full)
	full.Type = []string{"Thing"}
	for name, w := range map[string]whole{"ok/empty": {}, "ok/full": full, "ok/empty list": {NS: []leaf{}}} {
		got := testVocab.Map(&w)
		js, _ := json.Marshal(w)
		var want map[string]any
		if err := json.Unmarshal(js, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Map %v, round trip %v", name, got, want)
		}
	}
}

func TestEmit(t *testing.T) {
	w := whole{}
	testVocab.Fill(&w)
	w.Type = []string{"Thing"}
	e := NewEmitter()
	testVocab.Emit(e, testVocab.Node(e, &w), &w)
	q, ok := e.Done()
	if !ok {
		t.Fatal("not emitted")
	}
	// type, s, o, d, l, b, n + n.v, p + p.v, ns + ns.v, tags
	if len(q) != 13 {
		t.Fatalf("%d quads: %v", len(q), q)
	}
	if q[0].S != IRITerm("https://probe.example/id") || q[0].P.Value != RDFType {
		t.Errorf("first quad %v", q[0])
	}
	w.Type = []string{"Unknown"}
	e = NewEmitter()
	testVocab.Emit(e, testVocab.Node(e, &w), &w)
	if _, ok := e.Done(); ok {
		t.Error("fail/unknown type: emitted")
	}
	w.Type, w.L = nil, "relative"
	e = NewEmitter()
	testVocab.Emit(e, canon.Term{Kind: canon.Blank, Value: "b"}, &w)
	if _, ok := e.Done(); ok {
		t.Error("fail/relative IRI: emitted")
	}
}

type noTag struct {
	A string `json:"a"`
}
type badPrefix struct {
	A string `json:"a" ld:"nope:a"`
}
type badKind struct {
	A int `json:"a" ld:"ex:a"`
}
type conflict struct {
	A string `json:"a" ld:"ex:a"`
	N leaf2  `json:"n" ld:"ex:n"`
}
type leaf2 struct {
	A string `json:"a" ld:"ex:other"`
}

func TestDeclarationErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"fail/no ld tag", noTag{}, "no ld tag"},
		{"fail/unknown prefix", badPrefix{}, "unknown prefix"},
		{"fail/kind", badKind{}, "cannot be a term"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), tc.want) {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			testVocab.Map(tc.v)
		})
	}
	if _, err := testVocab.Context("ex", conflict{}); err == nil || !strings.Contains(err.Error(), `term "a"`) {
		t.Errorf("fail/conflict: %v", err)
	}
}

func TestContext(t *testing.T) {
	b, err := testVocab.Context("ex", whole{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if m["d"].(map[string]any)["@type"] != "xsd:date" || m["l"].(map[string]any)["@type"] != "@id" || m["s"] != "ex:s" || m["xsd"] != XSD {
		t.Errorf("context %s", b)
	}
}
