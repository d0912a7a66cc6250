package canon

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

const suite = "testdata/rdf-canon/"

// TestW3C runs every test of the W3C RDFC-1.0 suite: canonical N-Quads, the
// issued identifiers maps, and the negative (poison graph) test.
func TestW3C(t *testing.T) {
	b, err := os.ReadFile(suite + "manifest.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Entries []struct {
			ID, Type, Name, Action, Result string
			HashAlgorithm                  string `json:"hashAlgorithm"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) < 80 {
		t.Fatalf("%d tests in the manifest", len(m.Entries))
	}
	for _, e := range m.Entries {
		t.Run(strings.TrimPrefix(e.ID, "#")+"/"+e.Name, func(t *testing.T) {
			in, err := os.ReadFile(suite + e.Action)
			if err != nil {
				t.Fatal(err)
			}
			quads, err := ParseNQuads(string(in))
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{}
			if e.HashAlgorithm == "SHA384" {
				opts.Hash = SHA384
			}
			res, err := Canonicalize(quads, opts)
			// The same through With, the quads split in two.
			if d, derr := NewDataset(quads[:len(quads)/2], opts); derr == nil {
				if d2, derr := d.With(quads[len(quads)/2:]); derr == nil {
					res2, err2 := d2.Canonicalize()
					if (err == nil) != (err2 == nil) || err == nil && string(res2.NQuads) != string(res.NQuads) {
						t.Fatalf("With: %v %v\n%s\nwant\n%s", err, err2, res2.NQuads, res.NQuads)
					}
					// And Sum hashes the same bytes.
					if err == nil {
						h := opts.Hash
						if h == nil {
							h = sha256.New
						}
						sum, _, err3 := d2.Sum(h())
						want := h()
						want.Write(res.NQuads)
						if err3 != nil || string(sum) != string(want.Sum(nil)) {
							t.Fatalf("Sum: %x, %v; want %x", sum, err3, want.Sum(nil))
						}
					}
				}
			}
			switch e.Type {
			case "rdfc:RDFC10NegativeEvalTest":
				if !errors.Is(err, ErrTooComplex) {
					t.Fatalf("err = %v, want ErrTooComplex", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(suite + e.Result)
			if err != nil {
				t.Fatal(err)
			}
			switch e.Type {
			case "rdfc:RDFC10EvalTest":
				if string(res.NQuads) != string(want) {
					t.Errorf("got\n%s\nwant\n%s", res.NQuads, want)
				}
			case "rdfc:RDFC10MapTest":
				var wm map[string]string
				if err := json.Unmarshal(want, &wm); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(res.Issued, wm) {
					t.Errorf("issued %v, want %v", res.Issued, wm)
				}
			default:
				t.Fatalf("unknown test type %s", e.Type)
			}
		})
	}
}
