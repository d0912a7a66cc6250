package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/testkit"
)

// BenchmarkIssueCommand times 'etranscript issue' in process, on a fresh
// data directory each time (SQLite, mocknet, no mail): what a registry
// runs, from the batch file to the files written. The batch's size and
// whether PDFs are made are in the name; b.N is batches.
func BenchmarkIssueCommand(b *testing.B) {
	for _, tc := range []struct {
		n   int
		pdf bool
	}{{8000, false}, {1000, true}} {
		name := fmt.Sprintf("%dx40", tc.n)
		if tc.pdf {
			name += "-pdf"
		}
		b.Run(name, func(b *testing.B) {
			file := filepath.Join(testkit.BenchDir(b), "batch.json")
			f, err := os.Create(file)
			if err != nil {
				b.Fatal(err)
			}
			if err := testkit.Batch(tc.n, 40, 1).WriteJSON(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
			pass := []byte("benchmark passphrase")
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				dir := filepath.Join(testkit.BenchDir(b), "data")
				cfg := &config.Config{Name: "Bench University", URL: "https://registry.example.edu", Email: "registry@example.edu"}
				if err := Init(dir, cfg, pass, io.Discard); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				opts := IssueOptions{Chain: "mocknet", NoMail: true, NoPDF: !tc.pdf, Passphrase: func() ([]byte, error) { return pass, nil }}
				if err := Issue(context.Background(), dir, file, opts, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tc.n*b.N)/b.Elapsed().Seconds(), "transcripts/s")
		})
	}
}
