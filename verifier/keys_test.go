package verifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/verifier"
)

func check(r *verifier.Result, id string) verifier.Check {
	for _, c := range r.Checks {
		if c.ID == id {
			return c
		}
	}
	return verifier.Check{}
}

func localVerifier(is *testkit.Issuer) *verifier.Verifier {
	return &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil), Chains: map[int64]verifier.ChainReader{}}
}

// TestRotation: issue, rotate, issue again: both batches verify with the
// profile that lists both keys; the retired key signing after its
// retirement does not.
func TestRotation(t *testing.T) {
	is := testkit.NewIssuer(t)
	before := is.Issue(t, testkit.Batch(2, 3, 1))
	oldKey, _ := is.Ring.Active(keys.Ed25519)
	oldSigner, _ := is.Ring.Signer(oldKey.ID, []byte(testkit.Passphrase))
	if _, err := is.Ring.Rotate([]byte(testkit.Passphrase), time.Now()); err != nil {
		t.Fatal(err)
	}
	is.Refresh(t)
	after := is.Issue(t, testkit.Batch(2, 3, 2))
	if n := strings.Count(string(is.Profile), `"type":"Multikey"`); n != 2 {
		t.Fatalf("profile lists %d Ed25519 keys, want 2: %s", n, is.Profile)
	}
	v := localVerifier(is)
	for _, c := range append(before.Issued, after.Issued...) {
		if r := v.VerifyJSON(context.Background(), c.JSON); r.Status != verifier.Verified {
			t.Errorf("%s: %s %+v", c.ID, r.Status, r.Checks)
		}
	}
	// fail/key_validity: the retired key still signing.
	time.Sleep(1100 * time.Millisecond) // past the retirement second
	s := is.Settings()
	s.Signer, s.SigningMethod = oldSigner, is.Config.ProfileURL()+"#"+oldKey.ID
	job := testkit.Batch(1, 3, 3)
	late := testkit.RunWith(t, job, s)
	r := v.VerifyJSON(context.Background(), late.Issued[0].JSON)
	if c := check(r, verifier.CheckKeyValidity); r.Status != verifier.Rejected || c.Status != verifier.Failed || !strings.Contains(c.Message, "retired") {
		t.Errorf("retired key: %s %+v", r.Status, c)
	}
}

// TestRetiredBeforeAnchor: a key must be valid when the anchor is mined,
// not only when it signed.
func TestRetiredBeforeAnchor(t *testing.T) {
	is := testkit.NewIssuer(t)
	res := is.IssueOn(t, testkit.Batch(1, 3, 4), "test", fixedAnchorer{})
	eth, _ := is.Ring.Active(keys.Secp256k1)
	if _, err := is.Ring.Rotate([]byte(testkit.Passphrase), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	is.Refresh(t)
	for _, tc := range []struct {
		name string
		at   time.Duration
		want verifier.Status
	}{
		{"ok/anchored-before-retirement", time.Minute, verifier.Passed},
		{"fail/key_validity/anchored-after-retirement", 2 * time.Hour, verifier.Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := localVerifier(is)
			v.Chains[4242] = &fakeChain{need: 1, info: &anchor.TxInfo{From: eth.Address(), Input: res.MerkleRoot[:], Success: true, Block: 7, Time: time.Now().Add(tc.at), Confirmations: 3}}
			r := v.VerifyJSON(context.Background(), res.Issued[0].JSON)
			if c := check(r, verifier.CheckKeyValidity); c.Status != tc.want {
				t.Errorf("%s %+v", r.Status, c)
			}
		})
	}
}

// TestCompromise: a key revoked since a date fails what it signed unless
// an anchor proves the credential older than the compromise.
func TestCompromise(t *testing.T) {
	is := testkit.NewIssuer(t)
	res := is.IssueOn(t, testkit.Batch(1, 3, 5), "test", fixedAnchorer{})
	key, _ := is.Ring.Active(keys.Ed25519)
	eth, _ := is.Ring.Active(keys.Secp256k1)
	since := time.Now().Add(-time.Minute)
	if err := is.Ring.Revoke(key.ID, since, []byte(testkit.Passphrase), time.Now()); err != nil {
		t.Fatal(err)
	}
	is.Refresh(t)
	// Until the lists are signed again with the new key (etranscript keys
	// revoke does it), they cannot be trusted.
	if r := localVerifier(is).VerifyJSON(context.Background(), res.Issued[0].JSON); check(r, verifier.CheckRevocation).Status != verifier.Unknown ||
		!strings.Contains(check(r, verifier.CheckRevocation).Message, "revoked") {
		t.Errorf("status list signed by a revoked key: %+v", check(r, verifier.CheckRevocation))
	}
	if err := is.Status.PublishAll(context.Background(), is.StatusSigner()); err != nil {
		t.Fatal(err)
	}
	anchoredAt := func(at time.Time) *fakeChain {
		return &fakeChain{need: 1, info: &anchor.TxInfo{From: eth.Address(), Input: res.MerkleRoot[:], Success: true, Block: 7, Time: at, Confirmations: 3}}
	}
	for _, tc := range []struct {
		name  string
		at    time.Time
		want  verifier.Status
		words string
	}{
		{"ok/anchored-before", since.Add(-time.Hour), verifier.Passed, "anchored before"},
		{"fail/key_validity/anchored-after", since.Add(time.Second), verifier.Failed, "anchored after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := localVerifier(is)
			v.Chains[4242] = anchoredAt(tc.at)
			r := v.VerifyJSON(context.Background(), res.Issued[0].JSON)
			if c := check(r, verifier.CheckKeyValidity); c.Status != tc.want || !strings.Contains(c.Message, tc.words) {
				t.Errorf("%s %+v", r.Status, r.Checks)
			}
		})
	}
	// A mocknet credential: no anchor proves it older.
	mock := is.Issue(t, testkit.Batch(1, 3, 6))
	_ = mock // signed by the new key: fine
	if r := localVerifier(is).VerifyJSON(context.Background(), mock.Issued[0].JSON); r.Status != verifier.Verified {
		t.Errorf("new key after compromise: %s %+v", r.Status, r.Checks)
	}
}
