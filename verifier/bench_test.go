package verifier_test

import (
	"context"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/verifier"
)

// BenchmarkVerify40 verifies one 40-course transcript credential, issuer
// profile answered locally.
func BenchmarkVerify40(b *testing.B) {
	is := testkit.NewIssuer(b)
	doc := is.Issue(b, testkit.Batch(1, 40, 1)).Issued[0].JSON
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	b.ReportAllocs()
	for b.Loop() {
		if r := v.VerifyJSON(context.Background(), doc); r.Status != verifier.Verified {
			b.Fatal(r.Checks)
		}
	}
}
