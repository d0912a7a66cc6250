package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/etranscript/etranscript/status"
	"github.com/spf13/cobra"
)

// statusCommands are 'etranscript revoke', 'suspend' and 'unsuspend'.
func statusCommands(g *globals) []*cobra.Command {
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
				return cli.SetStatus(c.Context(), g.dir(), g.db, args[0], cli.StatusChange{Purpose: p, On: on, Reason: reason}, pass, c.OutOrStdout())
			},
		}
		if on {
			c.Flags().StringVar(&reason, "reason", "", "why (published in the revocation list)")
		}
		return c
	}
	return []*cobra.Command{
		statusCmd("revoke ID --reason TEXT", "Revoke a credential, for ever", status.Revocation, true),
		statusCmd("suspend ID --reason TEXT", "Suspend a credential until the suspension is lifted", status.Suspension, true),
		statusCmd("unsuspend ID", "Lift a credential's suspension", status.Suspension, false),
	}
}
