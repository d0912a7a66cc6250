package verifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/verifier"
)

// TestHostile: each attack gets its verdict, from the check that must
// catch it, within 2 s (docs/security.md).
func TestHostile(t *testing.T) {
	is := testkit.NewIssuer(t)
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	for _, tc := range testkit.HostileCredentials(t, is) {
		t.Run(tc.Name, func(t *testing.T) {
			start := time.Now()
			r := v.VerifyJSON(context.Background(), tc.Data)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if r.Status != tc.Want {
				t.Fatalf("verdict %s, want %s: %+v", r.Status, tc.Want, r.Checks)
			}
			reasoned(t, r)
			if tc.Check == "" {
				return
			}
			for _, c := range r.Checks {
				if c.ID == tc.Check {
					if c.Status != verifier.Failed {
						t.Fatalf("%s is %s: %+v", c.ID, c.Status, r.Checks)
					}
					t.Logf("%s: %s", c.ID, c.Message)
					return
				}
			}
			t.Fatalf("no %s check: %+v", tc.Check, r.Checks)
		})
	}
}

// TestStopped: a verification whose context ends stops, and says it could
// not finish (not that the credential is bad).
func TestStopped(t *testing.T) {
	is := testkit.NewIssuer(t)
	doc := is.Issue(t, testkit.Batch(1, 2000, 3)).Issued[0].JSON
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := v.VerifyJSON(ctx, doc)
	if r.Status != verifier.Indeterminate {
		t.Fatalf("verdict %s: %+v", r.Status, r.Checks)
	}
}

// reasoned requires every check of r to carry a reason of the catalogue,
// its message rendered whole.
func reasoned(t *testing.T, r *verifier.Result) {
	t.Helper()
	for _, c := range r.Checks {
		if verifier.Messages[c.Reason] == "" || strings.Contains(c.Message, "{") || c.Message == "" {
			t.Errorf("check %s: reason %q, message %q", c.ID, c.Reason, c.Message)
		}
	}
	if r.MediaType != verifier.ResultMediaType {
		t.Errorf("media type %q", r.MediaType)
	}
}
