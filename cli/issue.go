package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/transcript"
)

// IssueOptions are the flags of 'etranscript issue'.
type IssueOptions struct {
	Out      string
	Chain    string
	DB       string // the store's DSN; "" for the default
	NoMail   bool
	NoPDF    bool
	Progress func(done, total int)
	// Passphrase returns the passphrase of the issuer's keys, when needed.
	Passphrase func() ([]byte, error)
}

// Issue reads, validates and issues a batch file, writing the credentials
// to opts.Out (default DATA/issued/<batch>). Nothing is written unless the
// whole batch is valid. Running it again on the same batch after a crash
// or an unreachable chain finishes that batch.
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
	ring, err := keys.Open(dir)
	if err != nil {
		return err
	}
	if opts.Chain == "" {
		opts.Chain = DevChainName
	}
	if opts.Passphrase == nil {
		opts.Passphrase = func() ([]byte, error) { return nil, Usage(errors.New("passphrase: set $ETRANSCRIPT_PASSPHRASE")) }
	}
	ask := opts.Passphrase
	var pass []byte
	opts.Passphrase = func() ([]byte, error) { // asked once
		if pass != nil {
			return pass, nil
		}
		p, err := ask()
		pass = p
		return p, err
	}
	a, closeChain, err := openAnchorer(ctx, cfg, ring, opts.Chain, opts.Passphrase)
	if err != nil {
		return err
	}
	defer closeChain()
	eth, _ := ring.Active(keys.Secp256k1)
	ed, ok := ring.Active(keys.Ed25519)
	if !ok {
		return Usage(errors.New("no active signing key: run 'etranscript keys rotate'"))
	}
	pw, err := opts.Passphrase()
	if err != nil {
		return err
	}
	signer, err := ring.Signer(ed.ID, pw)
	if err != nil {
		return err
	}
	sig := &status.Signer{Key: signer, Method: cfg.ProfileURL() + "#" + ed.ID}
	svc, closeStore, err := openStatus(ctx, cfg, opts.DB)
	if err != nil {
		return err
	}
	defer closeStore()
	var maker *pdf.Maker
	if !opts.NoPDF {
		if maker, err = pdfMaker(cfg, ring, scheme, pw); err != nil {
			return err
		}
	}
	out := opts.Out
	if out == "" {
		out = filepath.Join(dir, "issued", b.ID)
	}
	job := issuer.Job{Dir: cfg.BatchDir(b.ID), Batch: b, Input: issuer.Digest(b), Chain: opts.Chain, Anchorer: a, Out: out}
	res, err := issuer.Run(ctx, job, issuer.Settings{
		IssuerURL: cfg.ProfileURL(), IssuerName: cfg.Name, Scheme: scheme, Progress: opts.Progress,
		VerificationMethod: cfg.ProfileURL() + "#" + eth.ID,
		Signer:             signer, SigningMethod: sig.Method,
		Status: func(ctx context.Context, batch string, ids []string) ([][]credential.StatusEntry, error) {
			return svc.Assign(ctx, batch, ids, sig)
		},
		PDF: pdfOrNil(maker),
	})
	if err != nil {
		return err
	}
	if res.Resumed {
		fmt.Fprintf(w, "batch %s: resumed where an earlier run stopped\n", b.ID)
	}
	fmt.Fprintf(w, "batch %s: %d credential(s) issued on %s, Merkle root %x\n", b.ID, len(res.Issued), res.Chain, res.MerkleRoot)
	if a := res.Anchor; a != nil && a.Block > 0 {
		fmt.Fprintf(w, "anchored in transaction %s, block %d (%s), %d confirmation(s)\n", a.TxID, a.Block, a.Time.Format("2006-01-02 15:04:05Z"), a.Confirmations)
	}
	fmt.Fprintf(w, "written to %s\n", out)
	if !opts.NoMail {
		fmt.Fprintln(w, "mail: not sent (email delivery is not part of this build)")
	}
	return nil
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// pdfMaker makes the batch's PDF maker with the active document-signing
// key, making a self-signed one first for a data directory that has none.
func pdfMaker(cfg *config.Config, ring *keys.Ring, scheme *transcript.Scheme, pass []byte) (*pdf.Maker, error) {
	if _, ok := ring.Active(keys.PDFSigning); !ok {
		if _, err := ring.AddPDFCert(cfg.Name, pass, time.Now()); err != nil {
			return nil, err
		}
	}
	key, chain, err := ring.PDFSigner(pass)
	if err != nil {
		return nil, err
	}
	return &pdf.Maker{
		Renderer: pdf.NewRenderer(), Institution: cfg.Name, VerifyURL: cfg.VerifyURL, Scheme: scheme,
		Signing: pdf.Signing{Key: key, Chain: chain, TimestampURL: cfg.PDFTimestampURL, Reason: "Official transcript issued by " + cfg.Name},
	}, nil
}

// pdfOrNil keeps a nil *pdf.Maker a nil interface.
func pdfOrNil(m *pdf.Maker) issuer.PDFMaker {
	if m == nil {
		return nil
	}
	return m
}
