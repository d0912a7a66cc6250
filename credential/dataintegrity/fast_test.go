package dataintegrity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/jsonld"
)

// sameAsJSONGold canonicalizes doc (as prepared for its target hash) both
// ways and requires the same bytes, or the same failure.
func sameAsJSONGold(t *testing.T, name string, doc map[string]any) {
	t.Helper()
	in, err := dataintegrity.HashInput(doc, 0)
	if err != nil {
		return
	}
	want, werr := dataintegrity.JSONGold{}.Canonicalize(context.Background(), in)
	got, gerr := dataintegrity.Fast{}.Canonicalize(context.Background(), in)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: json-gold error %v, fast error %v", name, werr, gerr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: output differs from json-gold\nfast:\n%s\njson-gold:\n%s", name, got, want)
	}
}

func TestFastMatchesJSONGoldOnFixtures(t *testing.T) {
	files, _ := filepath.Glob(fixtures + "*/*.json")
	if len(files) < 40 {
		t.Fatalf("%d fixture files", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var doc map[string]any
		if json.Unmarshal(b, &doc) != nil || mentions(doc, "VerifiablePresentation") {
			continue // json-gold is no oracle for presentations (mentions)
		}
		sameAsJSONGold(t, filepath.Base(f), doc)
	}
}

func TestFastMatchesJSONGoldOnTranscripts(t *testing.T) {
	is := testkit.NewIssuer(t)
	for _, courses := range []int{1, 2, 5, 13, 40, 77, 120, 200} {
		res := is.Issue(t, testkit.Batch(2, courses, uint64(courses)))
		for _, c := range res.Issued {
			sameAsJSONGold(t, c.ID, c.Credential)
		}
	}
}

// FuzzFastVsJSONGold uses json-gold as the oracle. Inputs that ever
// disagreed are kept in testdata/fuzz.
func FuzzFastVsJSONGold(f *testing.F) {
	for _, name := range []string{"v3/mocknet-vc-v2-data-integrity-proof.json", "v3/testnet-v3-did.json", "tampered/unmapped-field.json"} {
		b, _ := os.ReadFile(fixtures + name)
		f.Add(b)
	}
	f.Add([]byte(`{"@context":{"@vocab":"http://e.org/"},"a":{"b":"c"},"d":[{"e":1},{"e":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, ok := fuzzDoc(b)
		if !ok {
			return
		}
		want, werr := dataintegrity.JSONGold{}.Canonicalize(context.Background(), doc)
		got, gerr := dataintegrity.Fast{}.Canonicalize(context.Background(), doc)
		if werr != nil || gerr != nil {
			if (werr == nil) != (gerr == nil) && !errors.Is(gerr, errTooComplex) {
				t.Fatalf("json-gold error %v, fast error %v", werr, gerr)
			}
			return
		}
		if !bytes.Equal(got, want) && !jsonGoldDiverges(want) && !mentions(doc, "VerifiablePresentation") {
			t.Fatalf("differs from json-gold\nfast:\n%s\njson-gold:\n%s", got, want)
		}
	})
}

// TestOurCredentialsTakeTheFastPath: the documents we issue never need the
// json-gold fallback.
func TestOurCredentialsTakeTheFastPath(t *testing.T) {
	is := testkit.NewIssuer(t)
	for _, c := range is.Issue(t, testkit.Batch(3, 40, 3)).Issued {
		in, _ := dataintegrity.HashInput(c.Credential, 0)
		if _, err := jsonld.ToRDF(context.Background(), in, ldcontext.Load); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		with1, _ := dataintegrity.HashInput(c.Credential, 1)
		if _, err := jsonld.ToRDF(context.Background(), with1, ldcontext.Load); err != nil {
			t.Fatalf("%s with its proof: %v", c.ID, err)
		}
	}
}
