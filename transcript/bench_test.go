package transcript_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/transcript"
)

// BenchmarkReadFile reads and validates a batch file of 2,000 transcripts
// of 40 courses (7.9 MB).
func BenchmarkReadFile(b *testing.B) {
	js, err := json.Marshal(testkit.Batch(2000, 40, 1))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "batch.json")
	if err := os.WriteFile(path, js, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := transcript.HKUST().ReadFile(path, 0); err != nil {
			b.Fatal(err)
		}
	}
}
