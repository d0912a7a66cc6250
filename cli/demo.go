package cli

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/etranscript/etranscript/config"
)

//go:embed sample/sample-batch.json
var sampleBatch []byte

// DemoPassphrase protects the keys of a data directory made by the demo. It
// is not a secret: demo data directories are for trying the software out.
const DemoPassphrase = "etranscript-demo-only"

// Demo is the first-run experience: it initializes dir if needed (as a test
// issuer on http://127.0.0.1:8080), issues the bundled sample batch on the
// mocknet test chain, and verifies what it issued.
func Demo(ctx context.Context, dir string, w io.Writer) error {
	pass := []byte(os.Getenv("ETRANSCRIPT_PASSPHRASE"))
	if len(pass) == 0 {
		pass = []byte(DemoPassphrase)
	}
	if _, err := config.Load(dir); errors.Is(err, config.ErrNotInitialized) {
		if string(pass) == DemoPassphrase {
			fmt.Fprintf(w, "demo: keys protected by the demo passphrase %q (set $ETRANSCRIPT_PASSPHRASE for your own)\n", DemoPassphrase)
		}
		cfg := &config.Config{Name: "Demo University (test issuer)", URL: "http://127.0.0.1:8080"}
		if err := Init(dir, cfg, pass, w); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	batch := filepath.Join(dir, "sample-batch.json")
	if err := os.WriteFile(batch, sampleBatch, 0o600); err != nil {
		return err
	}
	out := filepath.Join(dir, "issued", "demo")
	if err := os.RemoveAll(out); err != nil { // the demo's own folder, remade each run
		return err
	}
	opts := IssueOptions{Out: out, Chain: "mocknet", NoMail: true, Passphrase: func() ([]byte, error) { return pass, nil }}
	if err := Issue(ctx, dir, batch, opts, w); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(out, "*-*-*-*-*.json"))
	if err != nil {
		return err
	}
	var creds []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".manifest.json") {
			creds = append(creds, f)
		}
	}
	fmt.Fprintf(w, "\nverifying what was issued (mocknet test credentials, so test chains are allowed):\n\n")
	v, done := NewVerifier(ctx, dir, "", true)
	defer done()
	err = Verify(ctx, v, creds, VerifyOptions{AllowTestChains: true}, w)
	fmt.Fprintf(w, "\nnext: go run ./cmd/etranscript --data %s verify --allow-test-chains %s\n", dir, creds[0])
	fmt.Fprintf(w, "(these are mocknet test credentials; without --allow-test-chains the verifier rejects them, as it should)\n")
	return err
}
