//go:build interop

package interop

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/keys"
)

// TestOfficialVerifierRotation: after a rotation the official verifier
// still accepts what the retired key signed (the profile gives it no
// "expires", docs/credential.md §6) and what the new key signs; after a
// compromise it refuses what the revoked key signed, which is the safe
// side (our verifier accepts it only with an anchor older than the
// compromise).
func TestOfficialVerifierRotation(t *testing.T) {
	is := testkit.NewIssuer(t)
	before := is.Issue(t, testkit.Batch(1, 5, 1))
	if _, err := is.Ring.Rotate([]byte(testkit.Passphrase), time.Now()); err != nil {
		t.Fatal(err)
	}
	is.Refresh(t)
	after := is.Issue(t, testkit.Batch(1, 5, 2))

	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	site := serve(t, is) // the profile, as the key ring now has it, and the status lists
	old, cur := write("old.json", before.Issued[0].JSON), write("new.json", after.Issued[0].JSON)
	got := runOfficial(t, nil, []string{old, cur}, site...)
	for _, f := range []string{old, cur} {
		if got[f].Status != "success" {
			t.Errorf("%s after rotation: %s %s %v", filepath.Base(f), got[f].Status, got[f].Message, got[f].Failed)
		}
	}
	active, _ := is.Ring.Active(keys.Ed25519)
	if err := is.Ring.Revoke(active.ID, time.Now().Add(-time.Hour), []byte(testkit.Passphrase), time.Now()); err != nil {
		t.Fatal(err)
	}
	is.Refresh(t)
	if err := is.Status.PublishAll(context.Background(), is.StatusSigner()); err != nil { // as keys revoke does
		t.Fatal(err)
	}
	got = runOfficial(t, nil, []string{cur, old}, site...)
	if got[cur].Status != "failure" {
		t.Errorf("signed by a compromised key: %s %s", got[cur].Status, got[cur].Message)
	}
	if got[old].Status != "success" {
		t.Errorf("signed by the retired, uncompromised key: %s %s %v", got[old].Status, got[old].Message, got[old].Failed)
	}
}
