package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// tokenCommand is 'etranscript token'.
func tokenCommand(g *globals) *cobra.Command {
	tokenCmd := &cobra.Command{Use: "token", Short: "Issuer-API bearer tokens"}
	tokenCmd.AddCommand(&cobra.Command{
		Use:   "create NAME",
		Short: "Print a new issuer-API token (only its hash is kept)",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			return cli.CreateToken(c.Context(), g.dir(), g.db, args[0], c.OutOrStdout())
		},
	})
	tokenCmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the issuer-API tokens (names and dates; the tokens themselves are never kept)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.ListTokens(c.Context(), g.dir(), g.db, c.OutOrStdout())
		},
	})
	tokenCmd.AddCommand(&cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke the issuer-API tokens called NAME",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			return cli.RevokeToken(c.Context(), g.dir(), g.db, args[0], c.OutOrStdout())
		},
	})
	return tokenCmd
}
