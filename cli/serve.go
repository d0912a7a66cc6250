package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/web"
)

// ServeOptions are the flags of 'etranscript serve'.
type ServeOptions struct {
	Addr string // host:port to listen on
	DB   string // the store's DSN; "" for the default
	// AllowPrivateFetch lets the public verifier fetch from loopback and
	// private addresses (development only).
	AllowPrivateFetch bool
	// Listening, if set, is told the address once the server listens.
	Listening func(addr string)
}

// DefaultAddr is where serve listens by default: loopback only.
const DefaultAddr = "127.0.0.1:8080"

// Serve runs the web service until ctx ends.
func Serve(ctx context.Context, dir string, opts ServeOptions, w io.Writer) error {
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	svc, done, err := openStatus(ctx, cfg, opts.DB)
	if err != nil {
		return err
	}
	defer done()
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return Usage(fmt.Errorf("--addr %s: %w", opts.Addr, err))
	}
	srv := &web.Server{Site: &publish.Site{Config: cfg, Status: svc}, Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	fmt.Fprintf(w, "serving %s on http://%s (issuer profile %s)\n", cfg.Name, ln.Addr(), cfg.ProfileURL())
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}
	return web.Serve(ctx, ln, srv.Handler())
}
