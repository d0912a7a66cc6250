package issuer_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/transcript"
)

// TestScale issues a large batch on mocknet and reports the time and the
// peak heap in use. It runs only when ETRANSCRIPT_SCALE gives the batch
// size (docs/benchmarks.md records the command), as it takes minutes.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(envvar.Scale.Get())
	if n == 0 {
		t.Skip("set ETRANSCRIPT_SCALE=100000 to run")
	}
	is := testkit.NewIssuer(t)
	// The batch as the service saves it, then read from that file a chunk
	// at a time, as the service issues it.
	b := testkit.Batch(n, 40, 1)
	js, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	input := sha256.Sum256(js)
	src := &transcript.BatchFile{Path: filepath.Join(t.TempDir(), "batch.json"), ID: b.ID, Count: n}
	if err := os.WriteFile(src.Path, js, 0o600); err != nil {
		t.Fatal(err)
	}
	b, js = nil, nil
	runtime.GC()
	debug.FreeOSMemory()
	var peak, peakRSS uint64
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
				peakRSS = max(peakRSS, rss())
			}
		}
	}()
	start := time.Now()
	_, err = issuer.Run(context.Background(), issuer.Job{Dir: t.TempDir(), Batch: src, Input: input, Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: t.TempDir()}, is.Settings())
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("%d transcripts of 40 courses: %v (%.0f/s), peak heap in use %d MiB, peak resident %d MiB",
		n, d, float64(n)/d.Seconds(), peak>>20, peakRSS>>20)
}

// rss is the process's resident memory (Linux), or 0.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}
