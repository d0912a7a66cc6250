package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
)

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	show := ProgressLine(&b)
	show(issuer.Progress{Stage: issuer.ProgressBuilt, Done: 256, Total: 1000})
	show(issuer.Progress{Stage: issuer.ProgressBuilt, Done: 1000, Total: 1000})
	show(issuer.Progress{Stage: issuer.ProgressAnchored, Done: 1000, Total: 1000})
	show(issuer.Progress{Stage: issuer.ProgressWritten, Done: 512, Total: 1000})
	lines := strings.Split(b.String(), "\r")
	if last := lines[len(lines)-1]; last != "built 1000/1000 · anchored ✓ · written 512/1000 " {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(b.String(), "built 256/1000 · anchored … · written 0/1000") {
		t.Errorf("first line missing: %q", b.String())
	}
}

// TestProgressWhileReading: a batch read as it is built has no total yet;
// the line says how many are built, then the total once it is known.
func TestProgressWhileReading(t *testing.T) {
	var b bytes.Buffer
	show := ProgressLine(&b)
	show(issuer.Progress{Stage: issuer.ProgressBuilt, Done: 256})
	show(issuer.Progress{Stage: issuer.ProgressAnchored, Done: 300, Total: 300})
	if !strings.Contains(b.String(), "built 256 · anchored … · written 0 ") {
		t.Errorf("while reading: %q", b.String())
	}
	if lines := strings.Split(b.String(), "\r"); lines[len(lines)-1] != "built 256/300 · anchored ✓ · written 0/300 " {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
}

// TestIssueReadOnceWithProgress: with a progress display, a batch over the
// size cap is still built as it is read (its progress has no total while
// it is read), and issued.
func TestIssueReadOnceWithProgress(t *testing.T) {
	dir := t.TempDir()
	pass := []byte("progress passphrase")
	cfg := &config.Config{Name: "Test University", URL: "https://registry.example.edu", Email: "registry@example.edu", MaxBatchBytes: 1000}
	if err := Init(dir, cfg, pass, io.Discard); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "batch.json")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := testkit.Batch(300, 3, 1).WriteJSON(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var reading, built int
	opts := IssueOptions{Chain: "mocknet", NoMail: true, NoPDF: true, Passphrase: func() ([]byte, error) { return pass, nil },
		Progress: func(p issuer.Progress) {
			if p.Stage == issuer.ProgressBuilt {
				built = p.Done
				if p.Total == 0 {
					reading++
				}
			}
		}}
	var out bytes.Buffer
	if err := Issue(context.Background(), dir, file, opts, &out); err != nil {
		t.Fatal(err)
	}
	if reading == 0 || built != 300 || !strings.Contains(out.String(), "300 credential(s) issued") {
		t.Errorf("built %d (%d while reading): %s", built, reading, out.String())
	}
}
