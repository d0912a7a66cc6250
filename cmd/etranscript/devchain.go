package main

import (
	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// devchainCommand is 'etranscript devchain'.
func devchainCommand(g *globals) *cobra.Command {
	var rpcAddr string
	devchainCmd := &cobra.Command{
		Use:   "devchain [--rpc-addr HOST:PORT]",
		Short: "Run the embedded Ethereum dev chain alone, with JSON-RPC on loopback",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.DevChain(c.Context(), g.dir(), rpcAddr, c.OutOrStdout())
		},
	}
	devchainCmd.Flags().StringVar(&rpcAddr, "rpc-addr", "", "loopback address for JSON-RPC (default: config.json's \"devChainRpc\", else "+cli.DefaultDevChainRPC+")")
	return devchainCmd
}
