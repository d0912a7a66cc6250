package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// ServeOptions are the flags of 'etranscript serve'.
type ServeOptions struct {
	Addr string // host:port to listen on
	// AdminAddr, if set, is the issuer API's own host:port (an internal
	// address), and the public Addr serves no issuer API.
	AdminAddr string
	DB        string // the store's DSN; "" for the default
	SMTP      string // smtp:// URL; "" for $ETRANSCRIPT_SMTP or the outbox
	// AllowPrivateFetch lets the public verifier fetch from loopback and
	// private addresses (development only).
	AllowPrivateFetch bool
	// Listening, if set, is told the address once the server listens.
	Listening func(addr string)
	// Poll is how often the worker looks for retries (0: 5 s).
	Poll time.Duration
	// TLS, if set, makes the public address answer https.
	TLS TLSOptions
}

// DefaultAddr is where serve listens by default: loopback only.
const DefaultAddr = "127.0.0.1:8080"

// Serve runs the whole service until ctx ends: the batch worker (it first
// resumes what an earlier run left), mail delivery, the issuer API, the
// download links and the issuer's published documents.
func Serve(ctx context.Context, dir string, pass []byte, opts ServeOptions, w io.Writer) error {
	if err := opts.TLS.Validate(); err != nil {
		return Usage(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	e, err := openEnv(ctx, dir, pass, envOptions{DB: opts.DB, SMTP: opts.SMTP, Log: log})
	if err != nil {
		return err
	}
	defer e.Close()
	return serve(ctx, e, opts, w, log)
}

func serve(ctx context.Context, e *env, opts ServeOptions, w io.Writer, log *slog.Logger) error {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return Usage(fmt.Errorf("--addr %s: %w", opts.Addr, err))
	}
	site := &publish.Site{Config: e.cfg, Status: e.status}
	// The public verifier: this issuer's documents read locally, anything
	// else fetched over https from public addresses only (unless
	// --allow-private-fetch), anchors read through the configured chains.
	// Other issuers' documents and the chains behind bounded caches (30
	// s): under load the site asks each once, not once per credential. Its
	// own documents are read from its store at each verification, so a
	// revocation here shows at once.
	v := &verifier.Verifier{Chains: map[int64]verifier.ChainReader{}, Trusted: trustList(e.cfg), Log: log, RevokedKey: revokedKeys(e.cfg.Dir()),
		Fetcher: publish.Fetcher{Site: site, Next: &verifier.CachingFetcher{TTL: 30 * time.Second,
			Next: verifier.NewHTTPFetcher(opts.AllowPrivateFetch, 0)}}}
	rs, closeReaders, devErr := readers(e.cfg, e.ring)
	if devErr != nil {
		log.Warn("the embedded dev chain cannot be read: anchors on eth:dev cannot be checked", "err", devErr)
	}
	defer closeReaders()
	for id, r := range rs {
		v.Chains[id] = &verifier.CachingChain{Next: r, TTL: 30 * time.Second}
	}
	if _, ok := v.Chains[e.cfg.DevChain()]; !ok {
		// No dev chain yet: the first batch makes it.
		dev := &lazyDev{cfg: e.cfg, ring: e.ring}
		defer dev.Close()
		v.Chains[e.cfg.DevChain()] = &verifier.CachingChain{Next: dev, TTL: 30 * time.Second}
	}
	proxies, err := e.cfg.Web.Proxies()
	if err != nil {
		ln.Close()
		return Usage(err)
	}
	srv := &web.Server{Site: site, Log: log, SeparateAdmin: opts.AdminAddr != "",
		Issuing: &web.Issuing{Service: e.svc, Tokens: e.db, Status: e.status, Signer: e.sig, Scheme: e.scheme,
			MaxBatchBytes: e.cfg.MaxBatchBytes, Chain: DevChainName, VCAPI: e.vcAPI(),
			ViewToken: func(id string) string { return keys.ViewToken(e.viewKey, id) }},
		Verifying: &web.Verifying{Verifier: v,
			PerSecond: e.cfg.Web.PerSecond, Burst: e.cfg.Web.Burst, MaxBody: e.cfg.Web.MaxUploadBytes,
			MaxConcurrent: e.cfg.Web.MaxConcurrent, TrustedProxies: proxies,
			Receipts: &web.Receipts{Signer: e.vcAPI(), Issuer: e.vcAPI().ID, Site: e.cfg.URL, PDF: pdf.NewRenderer().ReceiptPDF}}}
	var adminLn net.Listener
	if opts.AdminAddr != "" {
		if adminLn, err = net.Listen("tcp", opts.AdminAddr); err != nil {
			ln.Close()
			return Usage(fmt.Errorf("--admin-addr %s: %w", opts.AdminAddr, err))
		}
		defer adminLn.Close()
		fmt.Fprintf(w, "issuer API on http://%s (not on the public address)\n", adminLn.Addr())
	}
	scheme := "http"
	if opts.TLS.enabled() {
		tc, fp, err := opts.TLS.config(certHosts(ln.Addr().String(), e.cfg.URL))
		if err != nil {
			ln.Close()
			return Usage(err)
		}
		ln, scheme = tls.NewListener(ln, tc), "https"
		if fp != "" {
			fmt.Fprintf(w, "a self-signed certificate for development, SHA-256 fingerprint %s\n", fp)
		}
	}
	fmt.Fprintf(w, "serving %s on %s://%s (issuer profile %s)\n", e.cfg.Name, scheme, ln.Addr(), e.cfg.ProfileURL())
	did, _ := vcAPIMethod(e.sig)
	fmt.Fprintf(w, "W3C VC API: %s://%s/credentials/issue as %s, /credentials/verify, /presentations/verify\n", scheme, ln.Addr(), did)
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}
	release, err := delivery.MarkServing(e.cfg.Dir())
	if err != nil {
		ln.Close()
		return err
	}
	defer release()
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.svc.Work(wctx, opts.Poll)
	}()
	if adminLn != nil {
		admin := srv.AdminHandler()
		go func() {
			if err := web.Serve(wctx, adminLn, admin); err != nil && !errors.Is(err, net.ErrClosed) {
				log.Error("the issuer API's listener stopped", "err", err)
			}
		}()
	}
	err = web.Serve(ctx, ln, srv.Handler())
	stop()
	<-done
	return err
}

// lazyDev reads the embedded dev chain, opened on first use.
type lazyDev struct {
	cfg    *config.Config
	ring   *keys.Ring
	mu     sync.Mutex
	r      *anchor.Reader
	closer func()
}

func (l *lazyDev) Lookup(ctx context.Context, txid string) (*anchor.TxInfo, error) {
	l.mu.Lock()
	if l.r == nil {
		cl, closer, err := devClient(l.cfg, l.ring)
		if err != nil {
			l.mu.Unlock()
			return nil, fmt.Errorf("%w: %v", anchor.ErrUnreachable, err)
		}
		l.r = &anchor.Reader{ChainID: l.cfg.DevChain(), Confirmations: 1, Network: "dev", Endpoints: []anchor.TxReader{cl}}
		l.closer = closer
	}
	r := l.r
	l.mu.Unlock()
	return r.Lookup(ctx, txid)
}

func (l *lazyDev) Required() uint64 { return 1 }

// NetworkName names the dev chain as the command line does.
func (l *lazyDev) NetworkName() string { return "dev" }

func (l *lazyDev) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closer != nil {
		l.closer()
	}
}
