package credential_test

import (
	"encoding/json"
	"testing"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/internal/testkit"
)

// BenchmarkCanonicalize canonicalizes one issued 40-course transcript
// credential (with the fallback vocabulary, as for the target hash).
func BenchmarkCanonicalize(b *testing.B) {
	is := testkit.NewIssuer(b)
	res := is.Issue(b, testkit.Batch(1, 40, 1))
	var doc map[string]any
	if err := json.Unmarshal(res.Issued[0].JSON, &doc); err != nil {
		b.Fatal(err)
	}
	in, err := credential.HashInput(doc, 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		c    credential.Canonicalizer
	}{{"jsongold", credential.JSONGold{}}, {"fast", credential.Fast{}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.c.Canonicalize(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
