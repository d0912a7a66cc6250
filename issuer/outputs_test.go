package issuer_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
)

// idText is a second output format, made through the public seam only:
// each credential's id in a text file.
type idText struct{ ext string }

func (o idText) Extension() string { return o.ext }
func (idText) Make(_ context.Context, cred []byte) ([]byte, error) {
	var c struct{ ID string }
	if err := json.Unmarshal(cred, &c); err != nil {
		return nil, err
	}
	return []byte(c.ID), nil
}

// TestOutputs: every output of Settings.Outputs writes its file beside
// each credential, named in the manifest's entry.
func TestOutputs(t *testing.T) {
	is := testkit.NewIssuer(t)
	s := is.Settings()
	s.Outputs = append(s.Outputs, idText{".id.txt"})
	res := testkit.RunWith(t, testkit.Batch(3, 4, 5), s)
	for _, c := range res.Batch.Issued {
		want := strings.TrimSuffix(c.File, ".json") + ".id.txt"
		if !slices.Contains(c.Outputs, want) || c.PDF != "" {
			t.Errorf("%s: outputs %v, pdf %q", c.ID, c.Outputs, c.PDF)
		}
		b, err := os.ReadFile(filepath.Join(res.Out, want))
		if err != nil || string(b) != c.ID {
			t.Errorf("%s: %q, %v", want, b, err)
		}
	}
}

// TestOutputExtension: an output may not overwrite the credential.
func TestOutputExtension(t *testing.T) {
	is := testkit.NewIssuer(t)
	s := is.Settings()
	s.Outputs = []issuer.Output{idText{".json"}}
	b := testkit.Batch(1, 2, 3)
	dir := t.TempDir()
	job := issuer.Job{Dir: filepath.Join(dir, "batch"), Batch: b, Input: issuer.Digest(b), Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: filepath.Join(dir, "out")}
	if _, err := issuer.Run(context.Background(), job, s); err == nil || !strings.Contains(err.Error(), "not be .json") {
		t.Fatalf("an output named .json: %v", err)
	}
}
