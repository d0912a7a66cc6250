package issuer_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
)

// TestScale issues a large batch on mocknet and reports the time and the
// peak heap in use. It runs only when ETRANSCRIPT_SCALE gives the batch
// size (docs/benchmarks.md records the command), as it takes minutes.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ETRANSCRIPT_SCALE"))
	if n == 0 {
		t.Skip("set ETRANSCRIPT_SCALE=100000 to run")
	}
	is := testkit.NewIssuer(t)
	b := testkit.Batch(n, 40, 1)
	runtime.GC()
	var peak uint64
	done := make(chan bool)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	start := time.Now()
	_, err := issuer.Run(context.Background(), issuer.Job{Dir: t.TempDir(), Batch: b, Input: issuer.Digest(b), Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: t.TempDir()}, is.Settings())
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("%d transcripts of 40 courses: %v (%.0f/s), peak heap in use %d MiB (the batch input itself included)", n, d, float64(n)/d.Seconds(), peak>>20)
}
