package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
)

func TestTmpLarge(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("N"))
	file := filepath.Join(t.TempDir(), "batch.json")
	f, _ := os.Create(file)
	testkit.Batch(n, 40, 1).WriteJSON(f)
	f.Close()
	pass := []byte("benchmark passphrase")
	dir := filepath.Join(t.TempDir(), "data")
	cfg := &config.Config{Name: "Bench University", URL: "https://registry.example.edu", Email: "registry@example.edu"}
	Init(dir, cfg, pass, io.Discard)
	pf, _ := os.Create("/tmp/large" + os.Getenv("N") + ".prof")
	pprof.StartCPUProfile(pf)
	defer pprof.StopCPUProfile()
	t0 := time.Now()
	last := ""
	opts := IssueOptions{Chain: "mocknet", NoMail: true, NoPDF: true, Passphrase: func() ([]byte, error) { return pass, nil }, Progress: func(p issuer.Progress) {
		if p.Stage != last || p.Done == p.Total {
			t.Logf("%6.0f ms %s %d/%d", float64(time.Since(t0).Microseconds())/1000, p.Stage, p.Done, p.Total)
		}
		last = p.Stage
	}}
	if err := Issue(context.Background(), dir, file, opts, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Logf("%6.0f ms end", float64(time.Since(t0).Microseconds())/1000)
}
