package main

import (
	"errors"

	"github.com/etranscript/etranscript/cli"
	"github.com/spf13/cobra"
)

// keysCommand is 'etranscript keys'.
func keysCommand(g *globals) *cobra.Command {
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
			b, err := cli.Document(g.dir(), kind)
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

	var showJSON bool
	showCmd := &cobra.Command{
		Use:   "show",
		Short: "Show the key ids and the Ethereum address (--json: and the VC API's issuer did:key)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			return cli.ShowKeys(g.dir(), showJSON, c.OutOrStdout())
		},
	}
	showCmd.Flags().BoolVar(&showJSON, "json", false, "print JSON: the keys, and vcApiIssuer, the did:key /credentials/issue signs as")
	keysCmd.AddCommand(showCmd)

	keysCmd.AddCommand(&cobra.Command{
		Use:   "rotate",
		Short: "Retire the active signing key and make a new one",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			pass, err := passphrase(false)
			if err != nil {
				return err
			}
			return cli.RotateKey(c.Context(), g.dir(), g.db, pass, c.OutOrStdout())
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
			return cli.RevokeKey(c.Context(), g.dir(), g.db, args[0], since, pass, c.OutOrStdout())
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
			return cli.ImportPDFCert(g.dir(), args[0], args[1], pass, c.OutOrStdout())
		},
	}
	keysCmd.AddCommand(importCmd)
	return keysCmd
}
