package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// mailCommand is 'etranscript mail'.
func mailCommand(g *globals) *cobra.Command {
	var mo cli.MailOptions
	mailCmd := &cobra.Command{
		Use:   "mail BATCH",
		Short: "Mail a held batch's graduates their download links (issued with --no-mail, or on a test chain)",
		Long:  "Mail a held batch's graduates their download links: a batch issued with --no-mail, or on a test chain (dev, mocknet) without --mail.",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			mo.DB = g.db
			mo.Passphrase = func() ([]byte, error) { return passphrase(false) }
			return cli.Mail(c.Context(), g.dir(), args[0], mo, c.OutOrStdout())
		},
	}
	mailCmd.Flags().StringVar(&mo.SMTP, "smtp", "", "mail server: smtp://user:pass@host:port or smtps://... (default: $ETRANSCRIPT_SMTP, else DATA/outbox)")
	return mailCmd
}
