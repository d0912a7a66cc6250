package issuer_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/merkleproof"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/verifier"
)

func TestIssueWrite(t *testing.T) {
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(5, 4, 1))
	dir := res.Out
	var files []string
	for _, c := range res.Issued {
		files = append(files, c.File)
	}
	if len(files) != 5 {
		t.Fatalf("%d files", len(files))
	}
	var man struct {
		Credentials []struct{ StudentID, Credential, File string }
	}
	// The output directory holds the credentials and nothing else; the
	// manifest is in the batch's working directory.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.Contains(files, filepath.Join(dir, e.Name())) {
			t.Errorf("%s in the output directory", e.Name())
		}
	}
	b, _ := os.ReadFile(issuer.ManifestFile(filepath.Join(filepath.Dir(dir), "batch")))
	if err := json.Unmarshal(b, &man); err != nil || len(man.Credentials) != 5 || man.Credentials[0].StudentID != "20000000" {
		t.Fatalf("manifest %s: %v", b, err)
	}
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if r := v.VerifyJSON(context.Background(), b); r.Status != verifier.Verified {
			t.Errorf("%s: %+v", f, r.Checks)
		}
	}
}

// TestDeterministicLeaves: the Merkle tree does not depend on how the
// workers were scheduled: leaf i is credential i's target hash.
func TestDeterministicLeaves(t *testing.T) {
	is := testkit.NewIssuer(t)
	s := is.Settings()
	s.Workers = 4
	b := testkit.Batch(40, 3, 2)
	run, err := issuer.Run(context.Background(), issuer.Job{Dir: t.TempDir(), Batch: b, Input: issuer.Digest(b), Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: t.TempDir()}, s)
	if err != nil {
		t.Fatal(err)
	}
	res := testkit.ReadBack(t, run)
	for i, c := range res.Issued {
		if c.StudentID != testkit.Batch(40, 3, 2).Records[i].StudentID {
			t.Fatalf("credential %d is student %s", i, c.StudentID)
		}
		var m map[string]any
		json.Unmarshal(c.JSON, &m)
		proofs := m["proof"].([]any)
		p, _ := merkleproof.Decode(proofs[1].(map[string]any)["proofValue"].(string))
		h, _ := dataintegrity.TargetHash(context.Background(), dataintegrity.Default, m, 1)
		if h != p.TargetHash || p.MerkleRoot != res.MerkleRoot {
			t.Fatalf("credential %d: proof does not match", i)
		}
	}
	if !reflect.DeepEqual(res.Issued[0].Credential["type"], []any{"VerifiableCredential", "BlockcertsCredential"}) {
		t.Error("types")
	}
}

// failing is a chain that is down.
type failing struct{ calls int }

func (f *failing) Anchor(context.Context, [32]byte, anchor.Journal) (*anchor.Result, error) {
	f.calls++
	return nil, anchor.ErrUnreachable
}

// counting anchors on mocknet and counts.
type counting struct{ calls int }

func (c *counting) Anchor(ctx context.Context, root [32]byte, j anchor.Journal) (*anchor.Result, error) {
	c.calls++
	return anchor.MocknetAnchorer{}.Anchor(ctx, root, j)
}

// TestResume: a chain that is down loses nothing; a later run finishes the
// same credentials (same ids, same root) and anchors once; running again
// after that writes the same documents and anchors nothing.
func TestResume(t *testing.T) {
	is := testkit.NewIssuer(t)
	b := testkit.Batch(5, 3, 9)
	job := issuer.Job{Dir: t.TempDir(), Batch: b, Input: issuer.Digest(b), Chain: "mocknet", Anchorer: &failing{}, Out: t.TempDir()}
	if _, err := issuer.Run(context.Background(), job, is.Settings()); !errors.Is(err, anchor.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
	c := &counting{}
	job.Anchorer = c
	run, err := issuer.Run(context.Background(), job, is.Settings())
	if err != nil {
		t.Fatal(err)
	}
	first := testkit.ReadBack(t, run)
	if !run.Resumed || c.calls != 1 {
		t.Errorf("resumed %v, anchored %d times", first.Resumed, c.calls)
	}
	// Each credential's recipient, from the stored index, is its record's.
	for i, r := range b.Records {
		if want := (issuer.Recipient{Email: r.Email, Name: r.Name, NameLocal: r.NameLocal}); run.Issued[i].Recipient != want {
			t.Errorf("credential %d goes to %+v, want %+v", i, run.Issued[i].Recipient, want)
		}
	}
	job.Out = t.TempDir()
	run, err = issuer.Run(context.Background(), job, is.Settings())
	if err != nil {
		t.Fatal(err)
	}
	again := testkit.ReadBack(t, run)
	if c.calls != 1 {
		t.Errorf("anchored again: %d calls", c.calls)
	}
	for i := range first.Issued {
		if string(first.Issued[i].JSON) != string(again.Issued[i].JSON) {
			t.Fatalf("credential %d differs between runs", i)
		}
	}
	// Another batch file under the same id is refused.
	other := testkit.Batch(5, 3, 10)
	job.Batch, job.Input = other, issuer.Digest(other)
	if _, err := issuer.Run(context.Background(), job, is.Settings()); !errors.Is(err, issuer.ErrOtherInput) {
		t.Errorf("other input: %v", err)
	}
}

// BenchmarkIssue1000x40 issues 1,000 transcripts of 40 courses on mocknet
// with every core (credentials per second, memory).
func BenchmarkIssue1000x40(b *testing.B) {
	is := testkit.NewIssuer(b)
	batch := testkit.Batch(1000, 40, 42)
	input := issuer.Digest(batch) // computed once, when the batch is submitted
	s := is.Settings()
	// Warm, as a running issuer is: contexts compiled, buffers pooled.
	is.Issue(b, testkit.Batch(20, 40, 7))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		job := issuer.Job{Dir: testkit.BenchDir(b), Batch: batch, Input: input, Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: testkit.BenchDir(b)}
		if _, err := issuer.Run(context.Background(), job, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "credentials/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}

// BenchmarkIssue1000x40PDF is BenchmarkIssue1000x40 with a signed PDF per
// credential (a cold renderer per batch, as etranscript issue has).
func BenchmarkIssue1000x40PDF(b *testing.B) {
	is := testkit.NewIssuer(b)
	is.EnablePDF(b)
	batch := testkit.Batch(1000, 40, 42)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		is.PDF.Renderer = pdf.NewRenderer()
		job := issuer.Job{Dir: testkit.BenchDir(b), Batch: batch, Input: issuer.Digest(batch), Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: testkit.BenchDir(b)}
		if _, err := issuer.Run(context.Background(), job, is.Settings()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "credentials/s")
}

// records is a batch that says it has n records and yields those of b,
// then err if set.
type records struct {
	b   *transcript.Batch
	n   int
	err error
}

func (r records) BatchID() string { return r.b.ID }
func (r records) Len() int        { return r.n }
func (r records) All() iter.Seq2[*transcript.Record, error] {
	return func(yield func(*transcript.Record, error) bool) {
		for i := range r.b.Records {
			if !yield(&r.b.Records[i], nil) {
				return
			}
		}
		if r.err != nil {
			yield(nil, r.err)
		}
	}
}

// TestRecordCount: a batch with fewer or more records than it says, or
// whose reading fails, is not issued, whichever chunk it fails in.
func TestRecordCount(t *testing.T) {
	is := testkit.NewIssuer(t)
	b := testkit.Batch(issuer.Chunk+3, 1, 5)
	for _, c := range []struct {
		name string
		r    records
		want string
	}{
		{"fail/fewer", records{b, len(b.Records) + 1, nil}, "records, 260 expected"},
		{"fail/more", records{b, len(b.Records) - 1, nil}, "more records than the 258 expected"},
		{"fail/more-in-first-chunk", records{b, 10, nil}, "more records than the 10 expected"},
		{"fail/read", records{b, len(b.Records), errors.New("disk on fire")}, "disk on fire"},
	} {
		job := issuer.Job{Dir: t.TempDir(), Batch: c.r, Input: issuer.Digest(b), Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: t.TempDir()}
		_, err := issuer.Run(context.Background(), job, is.Settings())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
