package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/etranscript/etranscript/config"
	"github.com/spf13/cobra"
)

// initCommand is 'etranscript init'.
func initCommand(g *globals) *cobra.Command {
	var cfg config.Config
	var email string
	initCmd := &cobra.Command{
		Use:   "init --name NAME --url URL",
		Short: "Create the issuer's keys and configuration",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			pass, err := passphrase(true)
			if err != nil {
				return err
			}
			cfg.Email = config.Address(email)
			return cli.Init(g.dir(), &cfg, pass, c.OutOrStdout())
		},
	}
	initCmd.Flags().StringVar(&cfg.Name, "name", "", "the issuing institution's name")
	initCmd.Flags().StringVar(&cfg.URL, "url", "", "public base URL of the issuer's site")
	initCmd.Flags().StringVar(&email, "email", "", "contact address published in the issuer profile")
	return initCmd
}
