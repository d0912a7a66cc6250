package cli

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/envvar"
)

//go:embed sample/sample-batch.json
var sampleBatch []byte

// DemoPassphrase protects the keys of a data directory made by the demo. It
// is not a secret: demo data directories are for trying the software out.
const DemoPassphrase = "etranscript-demo-only"

// DemoOptions are the flags of 'etranscript demo'.
type DemoOptions struct {
	Addr string // where the demo site listens (default 127.0.0.1:8080)
	// Listening, if set, is told the address once the site listens.
	Listening func(addr string)
}

// Demo is the first-run experience: it initializes dir if needed (a test
// issuer whose site is http://ADDR), issues the bundled sample batch on
// the embedded Ethereum dev chain, mails every graduate their download
// link into the outbox, prints the links, and serves everything on ADDR
// until ctx ends.
func Demo(ctx context.Context, dir string, opts DemoOptions, w io.Writer) error {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	pass := []byte(envvar.Passphrase.Get())
	if len(pass) == 0 {
		pass = []byte(DemoPassphrase)
	}
	if _, err := config.Load(dir); errors.Is(err, config.ErrNotInitialized) {
		if string(pass) == DemoPassphrase {
			fmt.Fprintf(w, "demo: keys protected by the demo passphrase %q (set $ETRANSCRIPT_PASSPHRASE for your own)\n", DemoPassphrase)
		}
		cfg := &config.Config{Name: "Demo University (test issuer)", URL: "http://" + opts.Addr}
		if err := Init(dir, cfg, pass, w); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := openEnv(ctx, dir, pass, envOptions{Log: log})
	if err != nil {
		return err
	}
	defer e.Close()
	b, err := e.scheme.ReadJSON("sample-batch.json", bytes.NewReader(sampleBatch), 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "issuing the sample batch %q (%d graduates) on the embedded Ethereum dev chain (data in %s)...\n", b.ID, len(b.Records), e.cfg.DevChainDir())
	// The demo mails its test batch, asked for: to the outbox.
	if _, _, err := e.svc.Submit(ctx, b, delivery.Submission{Chain: DevChainName}); err != nil {
		return err
	}
	j, err := e.svc.Process(ctx, b.ID)
	if err != nil {
		return err
	}
	if _, err := e.svc.SendDue(ctx, 100); err != nil {
		return err
	}
	if m, err := batchSummary(e.cfg, j); err == nil && m.Anchor != nil {
		fmt.Fprintf(w, "anchored: Merkle root %s in transaction %s, block %d\n", m.MerkleRoot, m.Anchor.TxID, m.Anchor.Block)
	}
	fmt.Fprintf(w, "credentials and signed PDFs: %s\nmail (no SMTP server configured): %s\n\ndownload links, one per graduate:\n", j.Out, filepath.Join(dir, "outbox"))
	ds, err := e.db.Deliveries(ctx, b.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Kind != delivery.KindHolder {
			continue
		}
		tok, err := e.svc.NewLink(ctx, d.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-16s %s/d/%s\n", d.Name, e.cfg.URL, tok)
	}
	fmt.Fprintf(w, "\nthe issuer's profile: %s   (Ctrl-C stops the demo)\n", e.cfg.ProfileURL())
	return serve(ctx, e, ServeOptions{Addr: opts.Addr, Listening: opts.Listening}, w, log)
}
