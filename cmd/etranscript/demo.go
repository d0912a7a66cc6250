package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// demoCommand is 'etranscript demo'.
func demoCommand(g *globals) *cobra.Command {
	var demo cli.DemoOptions
	demoCmd := &cobra.Command{
		Use:   "demo",
		Short: "Try it out: issue the bundled sample batch on the embedded dev chain, print the download links, serve the site",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.Demo(c.Context(), g.dir(), demo, c.OutOrStdout())
		},
	}
	demoCmd.Flags().StringVar(&demo.Addr, "addr", cli.DefaultAddr, "address of the demo site")
	demoCmd.Long = demoCmd.Short + ".\n\nA new data directory's keys are protected by $ETRANSCRIPT_PASSPHRASE when it is set, else by a passphrase for demonstrations only."
	return demoCmd
}
