package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// serveCommand is 'etranscript serve'.
func serveCommand(g *globals) *cobra.Command {
	var so cli.ServeOptions
	serveCmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT]",
		Short: "Run the whole service: batch jobs, mail, the issuer API, downloads, the issuer's documents",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			so.DB = g.db
			pass, err := passphrase(false)
			if err != nil {
				return err
			}
			return cli.Serve(c.Context(), g.dir(), pass, so, c.OutOrStdout())
		},
	}
	serveCmd.Flags().StringVar(&so.Addr, "addr", cli.DefaultAddr, "address to listen on")
	serveCmd.Flags().StringVar(&so.TLS.CertFile, "tls-cert", "", "serve https with this certificate (PEM; the chain, leaf first)")
	serveCmd.Flags().StringVar(&so.TLS.KeyFile, "tls-key", "", "the private key of --tls-cert (PEM)")
	serveCmd.Flags().BoolVar(&so.TLS.SelfSigned, "tls-self-signed", false, "serve https with a certificate made at start (development and tests; its fingerprint is printed)")
	serveCmd.Flags().StringVar(&so.AdminAddr, "admin-addr", "", "a separate address for the issuer API (e.g. an internal interface); the public address then serves no issuer API")
	serveCmd.Flags().StringVar(&so.SMTP, "smtp", "", "mail server: smtp://user:pass@host:port (STARTTLS when offered) or smtps://... (default: $ETRANSCRIPT_SMTP, else DATA/outbox)")
	serveCmd.Flags().BoolVar(&so.AllowPrivateFetch, "allow-private-fetch", false, "DANGEROUS, development only: let the public verifier fetch from loopback and private addresses")
	return serveCmd
}
