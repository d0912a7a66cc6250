package jsonld

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// TestLeftToJSONGold: what json-gold refuses or drops and this package
// would have taken is left to it (ErrUnsupported), found by
// FuzzFastVsJSONGold; a clean document of the same shape is not.
func TestLeftToJSONGold(t *testing.T) {
	tests := []struct {
		name, doc string
		left      bool
	}{
		{"ok/clean", `{"@context": {"id": "@id", "T": {"@id": "https://e.example/T", "@type": "@id"}}, "id": "urn:x:1", "T": "https://e.example/v"}`, false},
		{"left/type-empty", `{"@context": {"T": {"@id": "https://e.example/T", "@type": ""}}, "T": "v"}`, true},
		{"left/type-through-an-alias", `{"@context": {"id": "@id", "T": {"@id": "https://e.example/T", "@type": "id"}}, "T": "https://e.example/v"}`, true},
		{"left/id-through-an-alias", `{"@context": {"id": "@id", "T": {"@id": "id"}}, "T": "urn:x:1", "https://e.example/p": "v"}`, true},
		{"left/iri-with-an-unreadable-port", `{"@context": {"T": {"@id": "https://e.example/T", "@type": "@id"}}, "T": "kttps://h.example:::x/a"}`, true},
		{"left/term-with-an-unreadable-port", `{"@context": {"T": "kttps://h.example:::x/T"}, "T": "v"}`, true},
	}
	noRemote := func(url string) (any, error) { return nil, errors.New("no remote contexts here") }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
				t.Fatal(err)
			}
			_, err := ToRDF(context.Background(), doc, noRemote)
			if left := errors.Is(err, ErrUnsupported); left != tc.left {
				t.Errorf("left to json-gold: %v (%v), want %v", left, err, tc.left)
			}
		})
	}
}
