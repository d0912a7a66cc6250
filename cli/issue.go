package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/credential/merkleproof"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/mail"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/transcript"
)

// IssueOptions are the flags of 'etranscript issue'.
type IssueOptions struct {
	Out      string
	Batch    string // the batch id, in place of the file's own
	Chain    string
	DB       string // the store's DSN; "" for the default
	SMTP     string // smtp:// URL; "" for $ETRANSCRIPT_SMTP or the outbox
	Log      *slog.Logger
	NoMail   bool // never mail this batch unless asked ('etranscript mail')
	Mail     bool // mail it even on a test chain
	NoPDF    bool
	Progress func(issuer.Progress)
	// Passphrase returns the passphrase of the issuer's keys, when needed.
	Passphrase func() ([]byte, error)
}

// Issue reads, validates and issues a batch file through the issuing
// service (the same pipeline as the issuer API), writing the credentials
// to opts.Out (default DATA/issued/<batch>), then mails each recipient
// their download link unless opts.NoMail. Nothing is written unless the
// whole batch is valid. Running it again on the same batch after a crash
// or an unreachable chain finishes that batch; mail that could not go out
// is retried by 'etranscript serve'.
func Issue(ctx context.Context, dir, batchFile string, opts IssueOptions, w io.Writer) error {
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	if _, err := cfg.Scheme(); err != nil {
		return Usage(err)
	}
	// The file is read once, a record at a time, and built as it is read
	// (no cap, memory flat in its size).
	small, err := underCap(batchFile, cfg.MaxBatchBytes)
	if err != nil {
		return err
	}
	if opts.Chain == "" {
		opts.Chain = DevChainName
	}
	if opts.Passphrase == nil {
		opts.Passphrase = func() ([]byte, error) { return nil, Usage(errors.New("passphrase: set $ETRANSCRIPT_PASSPHRASE")) }
	}
	e, err := openWithPassphrase(ctx, dir, opts)
	if err != nil {
		return err
	}
	defer e.Close()
	if opts.Progress != nil {
		e.svc.Issuer = withProgress{e.svc.Issuer.(issuing), opts.Progress}
	}
	if opts.Mail && opts.NoMail {
		return Usage(errors.New("--mail and --no-mail: choose one"))
	}
	j, err := submit(ctx, e, batchFile, small, opts)
	if err != nil {
		return err
	}
	if j.Chain != opts.Chain {
		return Usage(fmt.Errorf("batch %s was started on chain %q; finish it there (issue it again with --chain %s)", j.ID, j.Chain, j.Chain))
	}
	already := j.State == delivery.JobDelivering || j.State == delivery.JobDone
	resumed := j.State == delivery.JobIssuing
	if j, err = e.svc.Process(ctx, j.ID); err != nil {
		return err
	}
	res, err := batchSummary(e.cfg, j)
	if errors.Is(err, os.ErrNotExist) {
		// Issued before, and its files since removed: written again from
		// the batch's stored state (the same credentials).
		if err = e.reissue(ctx, j); err == nil {
			res, err = batchSummary(e.cfg, j)
		}
	}
	if err != nil {
		return err
	}
	printIssued(w, e.cfg, j, res, opts, already, resumed)
	if j.HoldMail {
		why := "issued with --no-mail"
		if delivery.TestChain(j.Chain) && !opts.NoMail {
			why = chainLabel(e.cfg, j.Chain) + " is a test chain: its credentials are tests (issue with --mail to mail them)"
		}
		fmt.Fprintf(w, "mail: held (%s); to mail the graduates their links: etranscript mail %s\n", why, j.ID)
		return nil
	}
	return sendBatchMail(ctx, e, dir, j, w)
}

// submit records the batch as a job: the batch file read once, checked,
// copied to the inbox and built as it is read. A file up to the size cap
// that is refused is read again whole, so that malformed JSON is named
// with its line (and a file whose "batch" follows its "records", which
// only a whole read takes, is issued from memory).
func submit(ctx context.Context, e *env, batchFile string, small bool, opts IssueOptions) (*delivery.JobRecord, error) {
	hold := opts.NoMail || delivery.TestChain(opts.Chain) && !opts.Mail
	sub := delivery.Submission{Chain: opts.Chain, HoldMail: hold}
	j, _, err := e.svc.SubmitReading(ctx, func(w io.Writer, each transcript.Each) (string, int, error) {
		return e.scheme.StreamFile(batchFile, opts.Batch, w, each)
	}, sub)
	var inv *transcript.InvalidError
	if !small || !errors.As(err, &inv) {
		return j, err
	}
	b, err := e.scheme.ReadFile(batchFile, opts.Batch, e.cfg.MaxBatchBytes)
	if err != nil {
		return nil, err
	}
	j, _, err = e.svc.Submit(ctx, b, sub)
	return j, err
}

// printIssued says what became of a batch: issued now, resumed, or
// issued before.
func printIssued(w io.Writer, cfg *config.Config, j *delivery.JobRecord, res *manifest, opts IssueOptions, already, resumed bool) {
	if already {
		fmt.Fprintf(w, "batch %s: already issued on %s (%d credential(s) on %s, Merkle root %s); nothing was issued again\n",
			j.ID, j.Created.UTC().Format("2006-01-02 15:04Z"), len(res.Files), chainLabel(cfg, res.Chain), res.MerkleRoot)
		where := "its files are in %s\n"
		if opts.Out != "" && !samePath(opts.Out, j.Out) {
			where = "its files are in %s, where it was first written (not in " + opts.Out + ")\n"
		}
		fmt.Fprintf(w, where, j.Out)
	} else {
		if resumed {
			fmt.Fprintf(w, "batch %s: resumed where an earlier run stopped\n", j.ID)
		}
		fmt.Fprintf(w, "batch %s: %d credential(s) issued on %s, Merkle root %s\n", j.ID, len(res.Files), chainLabel(cfg, res.Chain), res.MerkleRoot)
		if a := res.Anchor; a != nil && a.Block > 0 {
			fmt.Fprintf(w, "anchored in transaction %s, block %d (%s), %d confirmation(s)\n", a.TxID, a.Block, a.Time.Format("2006-01-02 15:04:05Z"), a.Confirmations)
		}
		fmt.Fprintf(w, "written to %s\n", j.Out)
	}
}

// sendBatchMail sends a batch's due mail now, unless a running 'serve'
// does, and says what went where.
func sendBatchMail(ctx context.Context, e *env, dir string, j *delivery.JobRecord, w io.Writer) error {
	if delivery.Serving(dir) {
		fmt.Fprintln(w, "mail: the running 'etranscript serve' sends it")
		return nil
	}
	sent, err := e.svc.SendDue(ctx, j.Total+10)
	if err != nil {
		return err
	}
	if _, err := e.svc.Process(ctx, j.ID); err != nil {
		return err
	}
	ds, err := e.db.Deliveries(ctx, j.ID)
	if err != nil {
		return err
	}
	pending := 0
	for _, d := range ds {
		if d.State == delivery.DeliveryPending || d.State == delivery.DeliverySending {
			pending++
		}
	}
	where := "by SMTP"
	if _, ok := e.svc.Sender.(*mail.Outbox); ok {
		where = "to the outbox " + filepath.Join(dir, "outbox") + " (no SMTP server configured)"
	}
	fmt.Fprintf(w, "mail: %d sent %s", sent, where)
	if pending > 0 {
		fmt.Fprintf(w, "; %d waiting to be retried by 'etranscript serve'", pending)
	}
	fmt.Fprintln(w)
	return nil
}

// manifest is what issue reports of a finished batch, read from its
// manifest.
type manifest struct {
	Chain      string          `json:"chain"`
	MerkleRoot string          `json:"merkleRoot"`
	Anchor     *anchor.Result  `json:"anchor"`
	Files      []issuer.Issued `json:"credentials"`
}

// batchSummary reads a finished batch's manifest; os.ErrNotExist when it,
// or the first or last of the credential files it lists, is missing.
func batchSummary(cfg *config.Config, j *delivery.JobRecord) (*manifest, error) {
	b, err := issuer.ReadManifest(cfg.BatchDir(j.ID), j.Out, j.ID)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("batch %s: its manifest: %w", j.ID, err)
	}
	if n := len(m.Files); n > 0 {
		for _, f := range []string{m.Files[0].File, m.Files[n-1].File} {
			if _, err := os.Stat(filepath.Join(j.Out, f)); err != nil {
				return nil, err
			}
		}
	}
	return &m, nil
}

// pdfMaker makes the batch's PDF maker with the active document-signing
// key, making a self-signed one first for a data directory that has none.
func pdfMaker(cfg *config.Config, ring *keys.Ring, scheme *transcript.Scheme, pass []byte, verifyURL func(string) string) (*pdf.Maker, error) {
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
		Renderer: pdf.NewRenderer(), Institution: cfg.Name, VerifyURL: verifyURL, Scheme: scheme,
		Signing: pdf.Signing{Key: key, Chain: chain, TimestampURL: cfg.PDFTimestampURL, Reason: "Official transcript issued by " + cfg.Name},
	}, nil
}

// chainLabel names a chain of config (by its --chain name) as the
// verifier and the site do (anchor.Label).
func chainLabel(cfg *config.Config, name string) string {
	switch name {
	case anchor.Mocknet:
		return anchor.Label(anchor.Mocknet, "")
	case DevChainName:
		return anchor.Label("eth", "dev")
	}
	ch, ok := cfg.Chains[name]
	switch {
	case ok && ch.Network != "":
		return anchor.Label("eth", ch.Network)
	case ok:
		return anchor.Label("eth", merkleproof.Anchor{Chain: "eth", Network: ch.ChainID}.NetworkName())
	}
	return anchor.Label("eth", name)
}

// samePath reports whether two paths name the same directory.
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && filepath.Clean(aa) == filepath.Clean(bb)
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// ProgressLine shows a batch's progress on one terminal line of w, stage
// by stage: built, anchored, written (the mail follows, said after).
func ProgressLine(w io.Writer) func(issuer.Progress) {
	var built, written, total int
	anchored := "…"
	return func(p issuer.Progress) {
		switch p.Stage {
		case issuer.ProgressBuilt:
			built = p.Done
		case issuer.ProgressAnchored:
			anchored = "✓"
		case issuer.ProgressWritten:
			written = p.Done
		}
		if p.Total > 0 { // 0 while a large batch is still being read
			total = p.Total
		}
		of := ""
		if total > 0 {
			of = fmt.Sprintf("/%d", total)
		}
		fmt.Fprintf(w, "\rbuilt %d%s · anchored %s · written %d%s ", built, of, anchored, written, of)
	}
}

// openWithPassphrase asks for the passphrase and opens the issuer's
// environment with it.
func openWithPassphrase(ctx context.Context, dir string, opts IssueOptions) (*env, error) {
	pass, err := opts.Passphrase()
	if err != nil {
		return nil, err
	}
	return openEnv(ctx, dir, pass, envOptions{DB: opts.DB, SMTP: opts.SMTP, NoPDF: opts.NoPDF, Out: opts.Out, Log: opts.Log})
}

// underCap reports whether a batch file is no larger than the size cap:
// such a file, when it is refused, is read again whole (ReadFile).
func underCap(path string, max int64) (bool, error) {
	if max <= 0 {
		max = transcript.DefaultMaxBatchBytes
	}
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return fi.Size() <= max, nil
}
