package delivery_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/transcript"
)

// TestSubmitReading: a batch submitted as it is read is built as it is
// read, once: Process takes what was built and does not read the saved
// copy again; a batch found wrong late leaves nothing built and no status
// slot held; a batch submitted again is not built again.
func TestSubmitReading(t *testing.T) {
	onStores(t, namedTest{"ok/built-once", testReadOnce}, namedTest{"fail/problem-late", testReadLateProblem})
}

// readingService is service with the status slots its issuer holds
// counted (allocated less freed).
func readingService(t *testing.T, open func(testing.TB) delivery.JobStore) (*delivery.Service, *issuer.Issuer, *atomic.Int64) {
	svc, _, _, _ := service(t, open, 0)
	is := svc.Issuer.(*issuer.Issuer)
	var slots atomic.Int64
	assign, unassign := is.Settings.Status, is.Settings.Unassign
	is.Settings.Status = func(ctx context.Context, batch string, ids []string) ([][]credential.StatusEntry, error) {
		slots.Add(int64(len(ids)))
		return assign(ctx, batch, ids)
	}
	is.Settings.Unassign = func(ctx context.Context, batch string, ids []string) error {
		slots.Add(-int64(len(ids)))
		return unassign(ctx, batch, ids)
	}
	return svc, is, &slots
}

// reader reads js as a batch file streamed.
func reader(js []byte) func(io.Writer, transcript.Each) (string, int, error) {
	return func(w io.Writer, each transcript.Each) (string, int, error) {
		return transcript.HKUST().StreamJSON("batch.json", bytes.NewReader(js), "", w, each)
	}
}

func testReadOnce(t *testing.T, open func(testing.TB) delivery.JobStore) {
	ctx := context.Background()
	svc, is, slots := readingService(t, open)
	b := testkit.Batch(2*issuer.Chunk+5, 4, 7)
	var js bytes.Buffer
	if err := b.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var built atomic.Int64
	is.Settings.Progress = func(p issuer.Progress) {
		if p.Stage == issuer.ProgressBuilt {
			built.Store(int64(p.Done))
		}
	}
	j, created, err := svc.SubmitReading(ctx, reader(js.Bytes()), delivery.Submission{Chain: "mocknet"})
	if err != nil || !created || j.Total != len(b.Records) {
		t.Fatalf("submit: %+v %v %v", j, created, err)
	}
	if built.Load() != int64(len(b.Records)) || slots.Load() != int64(len(b.Records)) {
		t.Fatalf("built %d and allocated %d slots as it was read, want %d", built.Load(), slots.Load(), len(b.Records))
	}
	// The saved copy is not read again: spoiled, it changes nothing.
	if err := os.WriteFile(j.Source, []byte("not read again"), 0o600); err != nil {
		t.Fatal(err)
	}
	if j, err = svc.Process(ctx, b.ID); err != nil || j.State != delivery.JobDelivering || j.Done != len(b.Records) {
		t.Fatalf("process: %+v %v", j, err)
	}
	man, err := issuer.ReadManifest(filepath.Join(is.BatchesDir, b.ID), j.Out, b.ID)
	if err != nil || !bytes.Contains(man, []byte(b.Records[len(b.Records)-1].StudentID)) {
		t.Fatalf("manifest: %v\n%.300s", err, man)
	}
	ds, err := svc.Store.Deliveries(ctx, b.ID)
	if err != nil || len(ds) != len(b.Records) {
		t.Fatalf("%d deliveries, %v", len(ds), err)
	}
	to := map[string]bool{}
	for _, d := range ds {
		to[d.Email] = true
	}
	for _, r := range b.Records {
		if !to[r.Email] {
			t.Fatalf("no delivery to %s", r.Email)
		}
	}
	noneLeft(t, is.BatchesDir)

	// Submitted again: its job is found, and nothing is built again.
	if _, created, err := svc.SubmitReading(ctx, reader(js.Bytes()), delivery.Submission{Chain: "mocknet"}); err != nil || created {
		t.Fatalf("submitted again: created %v, %v", created, err)
	}
	if slots.Load() != int64(len(b.Records)) {
		t.Errorf("submitted again: %d slots allocated, want %d", slots.Load(), len(b.Records))
	}
	noneLeft(t, is.BatchesDir)
}

func testReadLateProblem(t *testing.T, open func(testing.TB) delivery.JobStore) {
	ctx := context.Background()
	svc, is, slots := readingService(t, open)
	b := testkit.Batch(2*issuer.Chunk+5, 4, 7)
	b.Records[len(b.Records)-2].Terms[0].Courses[0].Grade = "Q" // found after two chunks are built
	var js bytes.Buffer
	if err := b.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	_, _, err := svc.SubmitReading(ctx, reader(js.Bytes()), delivery.Submission{Chain: "mocknet"})
	var inv *transcript.InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 1 || inv.Problems[0].Record != len(b.Records)-1 {
		t.Fatalf("submit: %v", err)
	}
	if _, err := svc.Store.Job(ctx, b.ID); !errors.Is(err, delivery.ErrNotFound) {
		t.Errorf("a job for a refused batch: %v", err)
	}
	noneLeft(t, is.BatchesDir)
	if n := slots.Load(); n != 0 {
		t.Errorf("%d status slots still held by the refused batch", n)
	}
	if _, err := os.Stat(filepath.Join(is.BatchesDir, b.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused batch has a directory: %v", err)
	}
}

// noneLeft fails t if what a batch built as it was read is left behind.
func noneLeft(t *testing.T, batches string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(batches, "+prepared.*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
