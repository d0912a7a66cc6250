package verifier_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/verifier"
)

// TestRevocation: revocation, suspension and its lifting show in the
// published, signed lists; a list that cannot be fetched or trusted never
// lets a credential pass.
func TestRevocation(t *testing.T) {
	ctx := context.Background()
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(3, 3, 11))
	sig := is.StatusSigner()
	set := func(i int, p status.Purpose, on bool) {
		t.Helper()
		if _, err := is.Status.Set(ctx, res.Issued[i].ID, p, on, "test reason", sig); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(t *testing.T, i int, f verifier.Fetcher) *verifier.Result {
		return (&verifier.Verifier{AllowTestChains: true, Fetcher: f}).VerifyJSON(ctx, res.Issued[i].JSON)
	}
	expect := func(t *testing.T, r *verifier.Result, want verifier.Verdict, st verifier.Status, words string) {
		t.Helper()
		c := check(r, verifier.CheckRevocation)
		if r.Status != want || c.Status != st || !strings.Contains(c.Message, words) {
			t.Errorf("%s, revocation %+v; want %s/%s with %q", r.Status, c, want, st, words)
		}
	}

	t.Run("ok/not-revoked", func(t *testing.T) {
		expect(t, verify(t, 0, is.Fetcher(nil)), verifier.Verified, verifier.Passed, "not revoked")
	})
	set(1, status.Revocation, true)
	set(2, status.Suspension, true)
	t.Run("fail/revocation/revoked", func(t *testing.T) {
		expect(t, verify(t, 1, is.Fetcher(nil)), verifier.Rejected, verifier.Failed, "revoked by the issuer")
	})
	t.Run("fail/revocation/suspended", func(t *testing.T) {
		expect(t, verify(t, 2, is.Fetcher(nil)), verifier.Rejected, verifier.Failed, "suspended by the issuer")
	})
	t.Run("ok/others-unaffected", func(t *testing.T) {
		expect(t, verify(t, 0, is.Fetcher(nil)), verifier.Verified, verifier.Passed, "not revoked")
	})

	// The published list, as served, to tamper with.
	listURL := is.Config.URL + "/issuer/status/1/revocation"
	served, err := is.Fetcher(nil).Fetch(ctx, listURL, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	with := func(u string, b []byte) verifier.Fetcher {
		return verifier.Local{Docs: map[string][]byte{u: b}, Next: is.Fetcher(nil)}
	}
	tamper := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(served, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	cleared := tamper(func(m map[string]any) {
		enc, _ := status.Encode(make([]byte, status.ListSize/8))
		m["credentialSubject"].(map[string]any)["encodedList"] = enc
	})
	t.Run("unknown/revocation/cleared-list-unsigned", func(t *testing.T) {
		// Someone serving an altered list cannot un-revoke: its signature
		// fails and the status is unknown, never passed.
		expect(t, verify(t, 1, with(listURL, cleared)), verifier.Indeterminate, verifier.Unknown, "does not verify")
	})
	t.Run("unknown/revocation/unreachable", func(t *testing.T) {
		f := verifier.Local{Docs: map[string][]byte{is.Config.ProfileURL(): is.Profile}}
		expect(t, verify(t, 0, f), verifier.Indeterminate, verifier.Unknown, "could not be fetched")
	})
	t.Run("unknown/revocation/other-issuer", func(t *testing.T) {
		b := tamper(func(m map[string]any) { m["issuer"] = "https://elsewhere.example/profile.json" })
		expect(t, verify(t, 0, with(listURL, b)), verifier.Indeterminate, verifier.Unknown, "not by the credential's issuer")
	})
	t.Run("unknown/revocation/not-a-list", func(t *testing.T) {
		expect(t, verify(t, 0, with(listURL, is.Profile)), verifier.Indeterminate, verifier.Unknown, "not a status list")
	})
	t.Run("unknown/revocation/wrong-purpose", func(t *testing.T) {
		b, _ := is.Fetcher(nil).Fetch(ctx, is.Config.URL+"/issuer/status/1/suspension", 1<<20)
		expect(t, verify(t, 0, with(listURL, b)), verifier.Indeterminate, verifier.Unknown, "is for \"suspension\"")
	})
	set(2, status.Suspension, false)
	t.Run("ok/suspension-lifted", func(t *testing.T) {
		expect(t, verify(t, 2, is.Fetcher(nil)), verifier.Verified, verifier.Passed, "not suspended")
	})
	t.Run("fail/revocation/final", func(t *testing.T) {
		if _, err := is.Status.Set(ctx, res.Issued[1].ID, status.Revocation, false, "", sig); err == nil {
			t.Error("a revocation was lifted")
		}
	})
}
