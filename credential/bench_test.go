package credential_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
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
	in, err := dataintegrity.HashInput(doc, 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		c    dataintegrity.Canonicalizer
	}{{"jsongold", dataintegrity.JSONGold{}}, {"fast", dataintegrity.Fast{}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.c.Canonicalize(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPrepare is issuing's work for one transcript of 6 and of 40
// courses, as issuer's prepare does it for each record: build the
// credential, sign it, hash the signed credential for its Merkle leaf, and
// write it. (The peer in issue 8, OpenAttestation's wrapDocuments, salts
// and hashes each field and signs nothing: docs/benchmarks.md.)
func BenchmarkPrepare(b *testing.B) {
	is := testkit.NewIssuer(b)
	s := is.Settings()
	in := credential.Issue{Issuer: s.IssuerURL, IssuerName: s.IssuerName, Issued: time.Now(), Scheme: s.Scheme}
	st, err := s.Status(context.Background(), "bench", []string{credential.NewID()})
	if err != nil {
		b.Fatal(err)
	}
	for _, courses := range []int{6, 40} {
		batch := testkit.Batch(1, courses, 1)
		b.Run(fmt.Sprintf("%dcourses", courses), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c, err := credential.Build(&batch.Records[0], in, credential.NewID(), st[0])
				if err != nil {
					b.Fatal(err)
				}
				sig, _, err := credential.Seal(context.Background(), dataintegrity.Fast{}, c, s.Signer, credential.NewID(), s.SigningMethod, c.ValidFrom)
				if err != nil {
					b.Fatal(err)
				}
				c.Proof = []any{sig}
				if _, err := json.Marshal(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
