package cli

import (
	"os"
	"testing"

	"github.com/etranscript/etranscript/internal/testkit"
)

// TestMain removes the benchmarks' directories (testkit.BenchDir) only
// when every benchmark has run.
func TestMain(m *testing.M) {
	code := m.Run()
	testkit.RemoveBenchDirs()
	os.Exit(code)
}
