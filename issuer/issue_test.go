package issuer_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/verifier"
)

func TestIssueWrite(t *testing.T) {
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(5, 4, 1))
	dir := t.TempDir()
	files, err := res.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5 {
		t.Fatalf("%d files", len(files))
	}
	var man struct {
		Credentials []struct{ StudentID, Credential, File string }
	}
	b, _ := os.ReadFile(filepath.Join(dir, "gen-5-4.manifest.json"))
	if err := json.Unmarshal(b, &man); err != nil || len(man.Credentials) != 5 || man.Credentials[0].StudentID != "20000000" {
		t.Fatalf("manifest %s: %v", b, err)
	}
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: verifier.Local{Docs: map[string][]byte{is.Config.ProfileURL(): is.Profile}}}
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
	res, err := issuer.Issue(context.Background(), testkit.Batch(40, 3, 2), "mocknet", s)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range res.Issued {
		if c.StudentID != testkit.Batch(40, 3, 2).Records[i].StudentID {
			t.Fatalf("credential %d is student %s", i, c.StudentID)
		}
		var m map[string]any
		json.Unmarshal(c.JSON, &m)
		p, _ := credential.DecodeMerkleProof(m["proof"].(map[string]any)["proofValue"].(string))
		h, _ := credential.TargetHash(credential.Default, m, 0)
		if h != p.TargetHash || p.MerkleRoot != res.MerkleRoot {
			t.Fatalf("credential %d: proof does not match", i)
		}
	}
	if !reflect.DeepEqual(res.Issued[0].Credential.Type, []string{"VerifiableCredential", "BlockcertsCredential"}) {
		t.Error("types")
	}
}

func TestUnsupportedChain(t *testing.T) {
	is := testkit.NewIssuer(t)
	if _, err := issuer.Issue(context.Background(), testkit.Batch(1, 1, 1), "sepolia", is.Settings()); err == nil {
		t.Fatal("issued on a chain it cannot anchor on")
	}
}

// BenchmarkIssue1000x40 issues 1,000 transcripts of 40 courses on mocknet
// with every core (credentials per second, memory).
func BenchmarkIssue1000x40(b *testing.B) {
	is := testkit.NewIssuer(b)
	batch := testkit.Batch(1000, 40, 42)
	s := is.Settings()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := issuer.Issue(context.Background(), batch, "mocknet", s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "credentials/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}
