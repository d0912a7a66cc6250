package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
)

// IssueOptions are the flags of 'etranscript issue'.
type IssueOptions struct {
	Out      string
	Chain    string
	NoMail   bool
	NoPDF    bool
	Progress func(done, total int)
}

// Issue reads, validates and issues a batch file, writing the credentials
// to opts.Out (default DATA/issued/<batch>). Nothing is written unless the
// whole batch is valid and issued.
func Issue(ctx context.Context, dir, batchFile string, opts IssueOptions, w io.Writer) error {
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	scheme, err := cfg.Scheme()
	if err != nil {
		return Usage(err)
	}
	b, err := scheme.ReadFile(batchFile, cfg.MaxBatchBytes)
	if err != nil {
		return err
	}
	out := opts.Out
	if out == "" {
		out = filepath.Join(dir, "issued", b.ID)
	}
	ring, err := keys.Open(dir)
	if err != nil {
		return err
	}
	key, ok := ring.Active(keys.Secp256k1)
	if !ok {
		return fmt.Errorf("no active Ethereum key in %s", dir)
	}
	res, err := issuer.Issue(ctx, b, opts.Chain, issuer.Settings{
		IssuerURL: cfg.ProfileURL(), IssuerName: cfg.Name, Scheme: scheme, Progress: opts.Progress,
		VerificationMethod: cfg.ProfileURL() + "#" + key.ID,
	})
	if err != nil {
		return err
	}
	files, err := res.Write(out)
	if err != nil {
		return fmt.Errorf("batch %s: write %s: %w", b.ID, out, err)
	}
	fmt.Fprintf(w, "batch %s: %d credential(s) issued on %s, Merkle root %x\n", b.ID, len(files), res.Chain, res.MerkleRoot)
	fmt.Fprintf(w, "written to %s\n", out)
	if !opts.NoMail {
		fmt.Fprintln(w, "mail: not sent (email delivery is not part of this build)")
	}
	return nil
}
