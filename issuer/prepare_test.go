package issuer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/verifier"
)

// prepareFrom is Prepare of b given a chunk at a time through a Pipe, as a
// stream gives it, with the input digest or error that input gives.
func prepareFrom(t *testing.T, is *issuer.Issuer, b *transcript.Batch, input func() ([32]byte, error)) (string, error) {
	t.Helper()
	pipe := transcript.NewPipe()
	go func() {
		for i := 0; i < len(b.Records); i += 100 {
			var recs []*transcript.Record
			for j := i; j < min(i+100, len(b.Records)); j++ {
				recs = append(recs, &b.Records[j])
			}
			pipe.Give(b.ID, recs)
		}
		pipe.Close(nil)
	}()
	return is.Prepare(context.Background(), issuer.Request{Records: pipe, Chain: "mocknet"}, input)
}

// TestPrepare: a batch built as it is read is taken by Run in place of
// building it again, only for its own input and chain; a refused batch
// leaves nothing; what a crashed run left is removed and never counted
// as a batch.
func TestPrepare(t *testing.T) {
	tk := testkit.NewIssuer(t)
	b := testkit.Batch(250, 4, 3)
	digest := issuer.Digest(b)
	newIssuer := func(t *testing.T) *issuer.Issuer {
		return &issuer.Issuer{Settings: tk.Settings(), BatchesDir: filepath.Join(t.TempDir(), "batches")}
	}
	run := func(t *testing.T, is *issuer.Issuer, records transcript.Records, prepared string, input [32]byte) *issuer.Batch {
		t.Helper()
		job := issuer.Job{Dir: filepath.Join(is.BatchesDir, b.ID), Batch: records, Input: input, Chain: "mocknet",
			Anchorer: anchor.MocknetAnchorer{}, Out: filepath.Join(t.TempDir(), "out"), Prepared: prepared}
		res, err := issuer.Run(context.Background(), job, is.Settings)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(prepared); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("what was prepared is still there: %v", err)
		}
		return res
	}
	t.Run("ok/taken", func(t *testing.T) {
		is := newIssuer(t)
		dir, err := prepareFrom(t, is, b, func() ([32]byte, error) { return digest, nil })
		if err != nil {
			t.Fatal(err)
		}
		// The records are not read again: Run is given none.
		res := run(t, is, &transcript.Batch{ID: b.ID}, dir, digest)
		if res.Resumed || len(res.Issued) != len(b.Records) || res.Issued[249].StudentID != b.Records[249].StudentID {
			t.Fatalf("resumed %v, %d issued", res.Resumed, len(res.Issued))
		}
		v := &verifier.Verifier{AllowTestChains: true, Fetcher: tk.Fetcher(nil)}
		for _, i := range []int{0, 249} {
			js, _ := os.ReadFile(filepath.Join(res.Out, res.Issued[i].File))
			if r := v.VerifyJSON(context.Background(), js); r.Status != verifier.Verified {
				t.Errorf("credential %d: %+v", i, r.Checks)
			}
		}
	})
	t.Run("ok/other-input-built-again", func(t *testing.T) {
		is := newIssuer(t)
		dir, err := prepareFrom(t, is, b, func() ([32]byte, error) { return [32]byte{1}, nil })
		if err != nil {
			t.Fatal(err)
		}
		if res := run(t, is, b, dir, digest); len(res.Issued) != len(b.Records) {
			t.Fatalf("%d issued", len(res.Issued))
		}
	})
	t.Run("fail/refused", func(t *testing.T) {
		is := newIssuer(t)
		refused := errors.New("record 250: refused")
		if _, err := prepareFrom(t, is, b, func() ([32]byte, error) { return [32]byte{}, refused }); !errors.Is(err, refused) {
			t.Fatalf("prepare: %v", err)
		}
		if left, _ := os.ReadDir(is.BatchesDir); len(left) != 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	t.Run("ok/stale-removed", func(t *testing.T) {
		is := newIssuer(t)
		// A run that crashed after preparing: its directory, unlocked.
		dir, err := prepareFrom(t, is, b, func() ([32]byte, error) { return digest, nil })
		if err != nil {
			t.Fatal(err)
		}
		if u, err := issuer.Unanchored(is.BatchesDir); err != nil || len(u) != 0 {
			t.Errorf("unanchored: %v %v", u, err)
		}
		small := testkit.Batch(3, 2, 1)
		next, err := prepareFrom(t, is, small, func() ([32]byte, error) { return issuer.Digest(small), nil })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the stale directory is still there: %v", err)
		}
		if _, err := os.Stat(next); err != nil {
			t.Errorf("the new one: %v", err)
		}
	})
}
