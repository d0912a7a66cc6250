package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/mail"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/store"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/vcapi"
)

// env is an opened data directory: configuration, keys, the store, and
// the issuing service over them.
type env struct {
	cfg    *config.Config
	ring   *keys.Ring
	db     *store.DB
	status *status.Service
	sig    *status.Signer
	scheme *transcript.Scheme
	svc    *delivery.Service
	pass   []byte

	viewKey []byte // makes the view tokens of the PDFs' QR codes

	mu      sync.Mutex
	anchors map[string]issuer.Anchorer
	closers []func()
}

// envOptions choose how the service runs.
type envOptions struct {
	DB    string // DSN
	SMTP  string // smtp:// URL; "" for the outbox
	NoPDF bool
	Out   string // output directory of a batch given on the command line
	Log   *slog.Logger
}

// openEnv opens the data directory dir with the passphrase of its keys.
func openEnv(ctx context.Context, dir string, pass []byte, o envOptions) (*env, error) {
	cfg, ring, err := openIssuer(dir)
	if err != nil {
		return nil, err
	}
	scheme, err := cfg.Scheme()
	if err != nil {
		return nil, Usage(err)
	}
	unlock := []string{keys.Ed25519} // the keys used below, decrypted at once
	if !o.NoPDF {
		unlock = append(unlock, keys.PDFSigning)
	}
	ring.Unlock(pass, unlock...)
	sig, err := statusSigner(cfg, ring, pass)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.Dir(), cfg.DSN(o.DB))
	if err != nil {
		return nil, err
	}
	e := &env{cfg: cfg, ring: ring, db: db, sig: sig, scheme: scheme, pass: pass, anchors: map[string]issuer.Anchorer{}}
	e.closers = append(e.closers, func() { db.Close() })
	e.status = &status.Service{Store: db, BaseURL: cfg.URL, IssuerURL: cfg.ProfileURL(), RevocationListURL: cfg.RevocationListURL()}
	if e.status.W3C, err = w3cForm(ring, pass); err != nil {
		e.Close()
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	var sender mail.Sender
	smtpURL := o.SMTP
	if smtpURL == "" {
		smtpURL = envvar.SMTP.Get()
	}
	if smtpURL != "" {
		s, err := mail.ParseURL(smtpURL)
		if err != nil {
			e.Close()
			return nil, Usage(err)
		}
		sender = s
		e.closers = append(e.closers, s.Close) // the connections kept open
	} else {
		sender = &mail.Outbox{Dir: filepath.Join(dir, "outbox"), Log: log}
	}
	if e.viewKey, err = ring.ViewKey(); err != nil {
		e.Close()
		return nil, err
	}
	view := e.viewURL
	is, err := e.newIssuer(o.NoPDF)
	if err != nil {
		e.Close()
		return nil, err
	}
	e.svc = &delivery.Service{
		Store: db, Sender: sender, Issuer: is, Log: log,
		Inbox: filepath.Join(dir, "inbox"),
		OutDir: func(batch string) string {
			if o.Out != "" {
				return o.Out
			}
			return filepath.Join(dir, "issued", batch)
		},
		Mail:      delivery.MailSettings{From: fromAddress(cfg), Institution: cfg.Name, BaseURL: cfg.URL, VerifyURL: view, MaxShareDays: cfg.MaxShareDays},
		Shares:    db,
		Leases:    db,
		Retention: time.Duration(cfg.RetentionDays) * 24 * time.Hour,
	}
	if is, ok := is.(*issuer.Issuer); ok {
		is.Settings.Locker = e.svc // one anchoring per issuer key across processes
	}
	e.closers = append(e.closers, e.svc.Beat(ctx)) // before the store closes
	return e, nil
}

// fromAddress is the sender of delivery mail: the configured contact
// address, or registry@ the site's host.
func fromAddress(cfg *config.Config) string {
	addr := string(cfg.Email)
	if addr == "" {
		host := "localhost"
		if u, err := url.Parse(cfg.URL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		addr = "registry@" + host
	}
	return fmt.Sprintf("%q <%s>", cfg.Name, addr)
}

// Close releases the chains and the store.
func (e *env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

// anchorer opens the chain a job anchors on, once.
func (e *env) anchorer(ctx context.Context, chain string) (issuer.Anchorer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if a, ok := e.anchors[chain]; ok {
		return a, nil
	}
	a, closer, err := openAnchorer(ctx, e.cfg, e.ring, chain, func() ([]byte, error) { return e.pass, nil })
	if err != nil {
		return nil, err
	}
	e.anchors[chain] = a
	e.closers = append(e.closers, closer)
	return a, nil
}

// viewURL is a credential's verification page with its view token: the
// page with the transcript, which the PDF's QR code and the graduate's mail
// carry.
func (e *env) viewURL(id string) string {
	return e.cfg.VerifyURL(id) + "?k=" + keys.ViewToken(e.viewKey, id)
}

// vcAPI is the issuer of the W3C VC API: the active Ed25519 key as its
// did:key, the W3C-form status lists.
func (e *env) vcAPI() *vcapi.Issuer {
	did, vm := vcAPIMethod(e.sig)
	return &vcapi.Issuer{ID: did, Method: vm, Signer: e.sig.Key, Status: e.status}
}

// Anchorer opens the chain a job anchors on, once (issuer.Chains).
func (e *env) Anchorer(ctx context.Context, chain string) (issuer.Anchorer, error) {
	return e.anchorer(ctx, chain)
}

// newIssuer is the issuer of this data directory's keys; an issuer that
// refuses, saying why, when no key can sign.
func (e *env) newIssuer(noPDF bool) (issuing, error) {
	eth, _ := e.ring.Active(keys.Secp256k1)
	ed, ok := e.ring.Active(keys.Ed25519)
	if !ok {
		return cannotIssue{Usage(errors.New("no active signing key: run 'etranscript keys rotate'"))}, nil
	}
	signer, err := e.ring.Signer(ed.ID, e.pass)
	if err != nil {
		return nil, err
	}
	var outputs []issuer.Output
	if !noPDF {
		maker, err := pdfMaker(e.cfg, e.ring, e.scheme, e.pass, e.viewURL)
		if err != nil {
			return nil, err
		}
		outputs = append(outputs, maker)
	}
	return &issuer.Issuer{
		Chains: e, BatchesDir: e.cfg.BatchesDir(),
		Settings: issuer.Settings{
			IssuerURL: e.cfg.ProfileURL(), IssuerName: e.cfg.Name, Scheme: e.scheme,
			VerificationMethod: e.cfg.ProfileURL() + "#" + eth.ID,
			Signer:             signer, SigningMethod: e.sig.Method,
			Status: func(ctx context.Context, batch string, ids []string) ([][]credential.StatusEntry, error) {
				return e.status.Assign(ctx, batch, ids, e.sig)
			},
			Unassign: e.status.Unassign,
			Outputs:  outputs,
		},
	}, nil
}

// cannotIssue is the issuer of keys that cannot sign.
type cannotIssue struct{ err error }

func (c cannotIssue) Issue(context.Context, issuer.Request) (*issuer.Batch, error) { return nil, c.err }

func (c cannotIssue) Prepare(context.Context, issuer.Request, func() ([32]byte, error)) (string, error) {
	return "", c.err
}

// issuing is the issuer newIssuer makes: it issues, and builds a batch
// as it is read.
type issuing interface {
	delivery.Issuer
	delivery.Preparer
}

// withProgress is an issuer that also tells show how far a batch is.
type withProgress struct {
	issuing
	show func(issuer.Progress)
}

func (w withProgress) Issue(ctx context.Context, r issuer.Request) (*issuer.Batch, error) {
	r.Progress = w.also(r.Progress)
	return w.issuing.Issue(ctx, r)
}

func (w withProgress) Prepare(ctx context.Context, r issuer.Request, input func() ([32]byte, error)) (string, error) {
	r.Progress = w.also(r.Progress)
	return w.issuing.Prepare(ctx, r, input)
}

// also is inner, if any, then show.
func (w withProgress) also(inner func(issuer.Progress)) func(issuer.Progress) {
	return func(p issuer.Progress) {
		if inner != nil {
			inner(p)
		}
		w.show(p)
	}
}

// reissue writes a job's credentials again from the batch's stored state
// (the same credentials).
func (e *env) reissue(ctx context.Context, j *delivery.JobRecord) error {
	input, err := j.Digest()
	if err != nil {
		return err
	}
	_, err = e.svc.Issuer.Issue(ctx, issuer.Request{Records: j.Records(), Input: input, Chain: j.Chain, Out: j.Out})
	return err
}
