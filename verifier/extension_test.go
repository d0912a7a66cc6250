package verifier_test

import (
	"context"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/verifier"
)

// TestExtension: a check of the user's own, through the public seam only,
// takes its place in the table, and its failure fails the credential.
func TestExtension(t *testing.T) {
	is := testkit.NewIssuer(t)
	doc := is.Issue(t, testkit.Batch(1, 6, 2)).Issued[0].JSON
	minimum := func(min string) verifier.Extension {
		return verifier.Extension{
			ID: "cga_minimum",
			Check: func(_ context.Context, c map[string]any) (verifier.Status, string, map[string]string) {
				cga, _ := c["credentialSubject"].(map[string]any)["cga"].(string)
				if cga < min {
					return verifier.Failed, "cga_minimum.below", map[string]string{"cga": cga, "min": min}
				}
				return verifier.Passed, "cga_minimum.ok", map[string]string{"cga": cga}
			},
			Messages: map[string]string{"cga_minimum.below": "CGA {cga}, below the {min} this office requires", "cga_minimum.ok": "CGA {cga}"},
		}
	}
	for _, tc := range []struct {
		name, min string
		want      verifier.Verdict
	}{{"ok/above", "0.000", verifier.Verified}, {"fail/cga_minimum", "9.000", verifier.Rejected}} {
		t.Run(tc.name, func(t *testing.T) {
			v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil), Extensions: []verifier.Extension{minimum(tc.min)}}
			r := v.VerifyJSON(context.Background(), doc)
			last := r.Checks[len(r.Checks)-1]
			if r.Status != tc.want || last.ID != "cga_minimum" || last.Message == "" || last.Message[0] != 'C' {
				t.Fatalf("%s: %+v", r.Status, last)
			}
			t.Logf("%s: %s", last.Status, last.Message)
		})
	}
}
