package main

import (
	"fmt"
	"os"

	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// issueCommand is 'etranscript issue'.
func issueCommand(g *globals) *cobra.Command {
	var io cli.IssueOptions
	issueCmd := &cobra.Command{
		Use:   "issue BATCH",
		Short: "Issue a batch file (.json or .csv)",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if term.IsTerminal(int(os.Stderr.Fd())) {
				io.Progress = cli.ProgressLine(os.Stderr)
				defer fmt.Fprintln(os.Stderr)
			}
			io.Passphrase = func() ([]byte, error) { return passphrase(false) }
			io.DB = g.db
			return cli.Issue(c.Context(), g.dir(), args[0], io, c.OutOrStdout())
		},
	}
	issueCmd.Flags().StringVar(&io.Out, "out", "", "directory for the credentials (default DATA/issued/BATCH)")
	issueCmd.Flags().StringVar(&io.Batch, "batch", "", "the batch id (default: the JSON's \"batch\", or the CSV file's name)")
	issueCmd.Flags().StringVar(&io.Chain, "chain", "dev", "chain to anchor on: dev (embedded), mocknet (test, nothing anchored) or a chain named in config.json")
	issueCmd.Flags().BoolVar(&io.NoMail, "no-mail", false, "do not mail the graduates, now or later, until asked ('etranscript mail BATCH')")
	issueCmd.Flags().BoolVar(&io.Mail, "mail", false, "mail the graduates even on a test chain (dev, mocknet), whose batches are otherwise held")
	issueCmd.Flags().BoolVar(&io.NoPDF, "no-pdf", false, "do not render PDFs")
	issueCmd.Flags().StringVar(&io.SMTP, "smtp", "", "mail server: smtp://user:pass@host:port or smtps://... (default: $ETRANSCRIPT_SMTP, else DATA/outbox)")
	return issueCmd
}
