// Command etranscript issues and verifies tamper-proof electronic
// transcripts (Blockcerts v3 credentials). Each subcommand parses its flags
// and calls one function of package cli; see docs/commands.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/etranscript/etranscript/cli"
	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/status"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := root().ExecuteContext(ctx)
	stop()
	if err != nil {
		var ee *cli.ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, "etranscript:", err)
		}
		os.Exit(cli.ExitCode(err))
	}
}

func root() *cobra.Command {
	var data, db string
	dir := func() string { return config.DataDir(data) }
	rc := &cobra.Command{
		Use:           "etranscript",
		Short:         "Issue and verify tamper-proof electronic transcripts (Blockcerts v3)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	rc.PersistentFlags().StringVar(&data, "data", "", "data directory (default ./etranscript-data, or $ETRANSCRIPT_DATA)")
	rc.PersistentFlags().StringVar(&db, "db", "", "database: postgres://... (default SQLite in the data directory, or $ETRANSCRIPT_DB, or config.json's \"database\")")
	rc.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.Usage(err) })

	var cfg config.Config
	initCmd := &cobra.Command{
		Use:   "init --name NAME --url URL",
		Short: "Create the issuer's keys and configuration",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			pass, err := passphrase(true)
			if err != nil {
				return err
			}
			return cli.Init(dir(), &cfg, pass, c.OutOrStdout())
		},
	}
	initCmd.Flags().StringVar(&cfg.Name, "name", "", "the issuing institution's name")
	initCmd.Flags().StringVar(&cfg.URL, "url", "", "public base URL of the issuer's site")
	initCmd.Flags().StringVar(&cfg.Email, "email", "", "contact address published in the issuer profile")

	keysCmd := &cobra.Command{Use: "keys", Short: "Issuer keys and profile"}
	var jwks, did bool
	profileCmd := &cobra.Command{
		Use:   "profile [--jwks | --did]",
		Short: "Print the issuer profile JSON (or the JWKS, or the did:web document)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			kind := "profile"
			switch {
			case jwks && did:
				return cli.Usage(errors.New("--jwks and --did: choose one"))
			case jwks:
				kind = "jwks"
			case did:
				kind = "did"
			}
			b, err := cli.Document(dir(), kind)
			if err != nil {
				return err
			}
			_, err = c.OutOrStdout().Write(b)
			return err
		},
	}
	profileCmd.Flags().BoolVar(&jwks, "jwks", false, "print the JSON Web Key Set of the same keys")
	profileCmd.Flags().BoolVar(&did, "did", false, "print the did:web DID document of the same keys")
	keysCmd.AddCommand(profileCmd)

	keysCmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Show the key ids and the Ethereum address",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.ShowKeys(dir(), c.OutOrStdout())
		},
	})

	keysCmd.AddCommand(&cobra.Command{
		Use:   "rotate",
		Short: "Retire the active signing key and make a new one",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			pass, err := passphrase(false)
			if err != nil {
				return err
			}
			return cli.RotateKey(c.Context(), dir(), db, pass, c.OutOrStdout())
		},
	})
	var since string
	revokeKeyCmd := &cobra.Command{
		Use:   "revoke KEY --since DATE",
		Short: "Mark a key compromised since a date",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if since == "" {
				return cli.Usage(errors.New("--since DATE is required"))
			}
			pass, err := passphrase(false)
			if err != nil {
				return err
			}
			return cli.RevokeKey(c.Context(), dir(), db, args[0], since, pass, c.OutOrStdout())
		},
	}
	revokeKeyCmd.Flags().StringVar(&since, "since", "", "the date from which the key is compromised")
	keysCmd.AddCommand(revokeKeyCmd)

	importCmd := &cobra.Command{
		Use:   "import-pdf-cert CERT.pem KEY.pem",
		Short: "Use a document-signing certificate chain (PEM, leaf first) and its key for the PDFs",
		Args:  usageArgs(cobra.ExactArgs(2)),
		RunE: func(c *cobra.Command, args []string) error {
			pass, err := passphrase(false)
			if err != nil {
				return err
			}
			return cli.ImportPDFCert(dir(), args[0], args[1], pass, c.OutOrStdout())
		},
	}
	keysCmd.AddCommand(importCmd)

	var rpcAddr string
	devchainCmd := &cobra.Command{
		Use:   "devchain [--rpc-addr HOST:PORT]",
		Short: "Run the embedded Ethereum dev chain alone, with JSON-RPC on loopback",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.DevChain(c.Context(), dir(), rpcAddr, c.OutOrStdout())
		},
	}
	devchainCmd.Flags().StringVar(&rpcAddr, "rpc-addr", "", "loopback address for JSON-RPC (default: config.json's \"devChainRpc\", else "+cli.DefaultDevChainRPC+")")

	var io cli.IssueOptions
	issueCmd := &cobra.Command{
		Use:   "issue BATCH",
		Short: "Issue a batch file (.json or .csv)",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if term.IsTerminal(int(os.Stderr.Fd())) {
				io.Progress = func(done, total int) { fmt.Fprintf(os.Stderr, "\rissuing %d/%d", done, total) }
				defer fmt.Fprintln(os.Stderr)
			}
			io.Passphrase = func() ([]byte, error) { return passphrase(false) }
			io.DB = db
			return cli.Issue(c.Context(), dir(), args[0], io, c.OutOrStdout())
		},
	}
	issueCmd.Flags().StringVar(&io.Out, "out", "", "directory for the credentials (default DATA/issued/BATCH)")
	issueCmd.Flags().StringVar(&io.Batch, "batch", "", "the batch id (default: the JSON's \"batch\", or the CSV file's name)")
	issueCmd.Flags().StringVar(&io.Chain, "chain", "dev", "chain to anchor on: dev (embedded), mocknet (test, nothing anchored) or a chain named in config.json")
	issueCmd.Flags().BoolVar(&io.NoMail, "no-mail", false, "do not mail the graduates, now or later, until asked ('etranscript mail BATCH')")
	issueCmd.Flags().BoolVar(&io.Mail, "mail", false, "mail the graduates even on a test chain (dev, mocknet), whose batches are otherwise held")
	issueCmd.Flags().BoolVar(&io.NoPDF, "no-pdf", false, "do not render PDFs")
	issueCmd.Flags().StringVar(&io.SMTP, "smtp", "", "mail server: smtp://user:pass@host:port or smtps://... (default: $ETRANSCRIPT_SMTP, else DATA/outbox)")

	var mo cli.MailOptions
	mailCmd := &cobra.Command{
		Use:   "mail BATCH",
		Short: "Mail a held batch's graduates their download links (issued with --no-mail, or on a test chain)",
		Long:  "Mail a held batch's graduates their download links: a batch issued with --no-mail, or on a test chain (dev, mocknet) without --mail.",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			mo.DB = db
			mo.Passphrase = func() ([]byte, error) { return passphrase(false) }
			return cli.Mail(c.Context(), dir(), args[0], mo, c.OutOrStdout())
		},
	}
	mailCmd.Flags().StringVar(&mo.SMTP, "smtp", "", "mail server: smtp://user:pass@host:port or smtps://... (default: $ETRANSCRIPT_SMTP, else DATA/outbox)")

	var vo cli.VerifyOptions
	verifyCmd := &cobra.Command{
		Use:   "verify [--json] [--allow-test-chains] FILE...",
		Short: "Verify credentials (.json) or transcript PDFs (.pdf)",
		Args:  usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			v, done := cli.NewVerifier(c.Context(), dir(), db, vo.AllowTestChains)
			defer done()
			return cli.Verify(c.Context(), v, args, vo, c.OutOrStdout())
		},
	}
	verifyCmd.Flags().BoolVar(&vo.JSON, "json", false, "print one JSON result per file (JSON Lines)")
	verifyCmd.Flags().DurationVar(&vo.Timeout, "timeout", cli.DefaultVerifyTimeout, "time limit of each file's verification")
	verifyCmd.Flags().BoolVar(&vo.AllowTestChains, "allow-test-chains", false, "accept mocknet test credentials (their anchor is not checked)")

	var demo cli.DemoOptions
	demoCmd := &cobra.Command{
		Use:   "demo",
		Short: "Try it out: issue the bundled sample batch on the embedded dev chain, print the download links, serve the site",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.Demo(c.Context(), dir(), demo, c.OutOrStdout())
		},
	}
	demoCmd.Flags().StringVar(&demo.Addr, "addr", cli.DefaultAddr, "address of the demo site")

	var so cli.ServeOptions
	serveCmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT]",
		Short: "Run the whole service: batch jobs, mail, the issuer API, downloads, the issuer's documents",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			so.DB = db
			pass, err := passphrase(false)
			if err != nil {
				return err
			}
			return cli.Serve(c.Context(), dir(), pass, so, c.OutOrStdout())
		},
	}
	serveCmd.Flags().StringVar(&so.Addr, "addr", cli.DefaultAddr, "address to listen on")
	serveCmd.Flags().StringVar(&so.AdminAddr, "admin-addr", "", "a separate address for the issuer API (e.g. an internal interface); the public address then serves no issuer API")
	serveCmd.Flags().StringVar(&so.SMTP, "smtp", "", "mail server: smtp://user:pass@host:port (STARTTLS when offered) or smtps://... (default: $ETRANSCRIPT_SMTP, else DATA/outbox)")
	serveCmd.Flags().BoolVar(&so.AllowPrivateFetch, "allow-private-fetch", false, "DANGEROUS, development only: let the public verifier fetch from loopback and private addresses")

	statusCmd := func(use, short string, p status.Purpose, on bool) *cobra.Command {
		var reason string
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  usageArgs(cobra.ExactArgs(1)),
			RunE: func(c *cobra.Command, args []string) error {
				pass, err := passphrase(false)
				if err != nil {
					return err
				}
				return cli.SetStatus(c.Context(), dir(), db, args[0], cli.StatusChange{Purpose: p, On: on, Reason: reason}, pass, c.OutOrStdout())
			},
		}
		if on {
			c.Flags().StringVar(&reason, "reason", "", "why (published in the revocation list)")
		}
		return c
	}
	tokenCmd := &cobra.Command{Use: "token", Short: "Issuer-API bearer tokens"}
	tokenCmd.AddCommand(&cobra.Command{
		Use:   "create NAME",
		Short: "Print a new issuer-API token (only its hash is kept)",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			return cli.CreateToken(c.Context(), dir(), db, args[0], c.OutOrStdout())
		},
	})
	tokenCmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the issuer-API tokens (names and dates; the tokens themselves are never kept)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.ListTokens(c.Context(), dir(), db, c.OutOrStdout())
		},
	})
	tokenCmd.AddCommand(&cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke the issuer-API tokens called NAME",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			return cli.RevokeToken(c.Context(), dir(), db, args[0], c.OutOrStdout())
		},
	})
	rc.AddCommand(demoCmd, initCmd, keysCmd, issueCmd, mailCmd, verifyCmd, devchainCmd, serveCmd, tokenCmd,
		statusCmd("revoke ID --reason TEXT", "Revoke a credential, for ever", status.Revocation, true),
		statusCmd("suspend ID --reason TEXT", "Suspend a credential until the suspension is lifted", status.Suspension, true),
		statusCmd("unsuspend ID", "Lift a credential's suspension", status.Suspension, false))
	var envList strings.Builder
	envvar.Print(&envList)
	rc.AddCommand(&cobra.Command{ // a help topic: 'etranscript help environment'
		Use:   "environment",
		Short: "The environment variables etranscript reads",
		Long:  "etranscript reads these environment variables (a flag, where there is one, comes first):\n\n" + envList.String(),
	})
	for _, path := range []string{"init", "keys rotate", "keys revoke", "keys import-pdf-cert", "issue", "mail", "serve", "revoke", "suspend", "unsuspend"} {
		if c, _, err := rc.Find(strings.Fields(path)); err == nil {
			withPass(c)
		}
	}
	demoCmd.Long = demoCmd.Short + ".\n\nA new data directory's keys are protected by $ETRANSCRIPT_PASSPHRASE when it is set, else by a passphrase for demonstrations only."
	return rc
}

// passHelp is said by every command that unlocks the issuer's keys.
const passHelp = "The passphrase of the issuer's keys is read from $ETRANSCRIPT_PASSPHRASE, or asked on the terminal."

// withPass adds passHelp to the help of commands that unlock the keys.
func withPass(cs ...*cobra.Command) {
	for _, c := range cs {
		if c.Long == "" {
			c.Long = c.Short + "."
		}
		if !strings.Contains(c.Long, "ETRANSCRIPT_PASSPHRASE") {
			c.Long += "\n\n" + passHelp
		}
	}
}

func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error { return cli.Usage(check(c, args)) }
}

// passphrase reads $ETRANSCRIPT_PASSPHRASE, or asks on the terminal.
func passphrase(confirm bool) ([]byte, error) {
	if p := envvar.Passphrase.Get(); p != "" {
		return []byte(p), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, cli.Usage(errors.New("passphrase: set $ETRANSCRIPT_PASSPHRASE or run on a terminal"))
	}
	fmt.Fprint(os.Stderr, "Passphrase for the issuer keys: ")
	p, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return nil, err
	}
	if confirm {
		fmt.Fprint(os.Stderr, "Again: ")
		q, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return nil, err
		}
		if string(p) != string(q) {
			return nil, cli.Usage(errors.New("passphrase: the two entries differ"))
		}
	}
	return p, nil
}
