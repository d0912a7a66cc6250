package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// verifyCommand is 'etranscript verify'.
func verifyCommand(g *globals) *cobra.Command {
	var vo cli.VerifyOptions
	verifyCmd := &cobra.Command{
		Use:   "verify [--json] [--allow-test-chains] FILE...",
		Short: "Verify credentials (.json) or transcript PDFs (.pdf)",
		Args:  usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			v, done := cli.NewVerifier(c.Context(), g.dir(), g.db, vo.AllowTestChains)
			defer done()
			return cli.Verify(c.Context(), v, args, vo, c.OutOrStdout())
		},
	}
	verifyCmd.Flags().BoolVarP(&vo.Verbose, "verbose", "v", false, "also say, on standard error, what servers and decoders answered behind each result")
	verifyCmd.Flags().BoolVar(&vo.JSON, "json", false, "print one JSON result per file (JSON Lines)")
	verifyCmd.Flags().DurationVar(&vo.Timeout, "timeout", cli.DefaultVerifyTimeout, "time limit of each file's verification")
	verifyCmd.Flags().BoolVar(&vo.AllowTestChains, "allow-test-chains", false, "accept mocknet test credentials (their anchor is not checked)")
	return verifyCmd
}
