package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/etranscript/etranscript/delivery"
)

// MailOptions are the flags of 'etranscript mail'.
type MailOptions struct {
	DB   string // the store's DSN; "" for the default
	SMTP string // smtp:// URL; "" for $ETRANSCRIPT_SMTP or the outbox
	// Passphrase returns the passphrase of the issuer's keys.
	Passphrase func() ([]byte, error)
}

// Mail sends a held batch's graduates their download links: a batch
// issued with --no-mail, or on a test chain. It sends now, unless a
// running 'serve' does.
func Mail(ctx context.Context, dir, batch string, opts MailOptions, w io.Writer) error {
	if opts.Passphrase == nil {
		opts.Passphrase = func() ([]byte, error) { return nil, Usage(errors.New("passphrase: set $ETRANSCRIPT_PASSPHRASE")) }
	}
	pass, err := opts.Passphrase()
	if err != nil {
		return err
	}
	e, err := openEnv(ctx, dir, pass, envOptions{DB: opts.DB, SMTP: opts.SMTP, NoPDF: true})
	if err != nil {
		return err
	}
	defer e.Close()
	n, err := e.svc.ReleaseMail(ctx, batch)
	switch {
	case errors.Is(err, delivery.ErrNotFound):
		return Usage(fmt.Errorf("mail %s: no batch with that id was issued here", batch))
	case errors.Is(err, delivery.ErrStillIssuing):
		return Usage(err)
	case err != nil:
		return err
	}
	j, err := e.db.Job(ctx, batch)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(w, "batch %s: no mail was held\n", batch)
	} else {
		fmt.Fprintf(w, "batch %s: %d mail(s) released", batch, n)
		if delivery.TestChain(j.Chain) {
			fmt.Fprintf(w, " (test credentials, on %s: the mail says so)", chainLabel(e.cfg, j.Chain))
		}
		fmt.Fprintln(w)
	}
	return sendBatchMail(ctx, e, dir, j, w)
}
