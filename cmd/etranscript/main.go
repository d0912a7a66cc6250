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

// globals are the flags every command takes.
type globals struct{ data, db string }

// dir is the data directory the flags and the environment name.
func (g *globals) dir() string { return config.DataDir(g.data) }

func root() *cobra.Command {
	g := &globals{}
	rc := &cobra.Command{
		Use:           "etranscript",
		Short:         "Issue and verify tamper-proof electronic transcripts (Blockcerts v3)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	rc.PersistentFlags().StringVar(&g.data, "data", "", "data directory (default ./etranscript-data, or $ETRANSCRIPT_DATA)")
	rc.PersistentFlags().StringVar(&g.db, "db", "", "database: postgres://... (default SQLite in the data directory, or $ETRANSCRIPT_DB, or config.json's \"database\")")
	rc.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.Usage(err) })
	rc.AddCommand(demoCommand(g), initCommand(g), keysCommand(g), issueCommand(g), mailCommand(g), verifyCommand(g),
		devchainCommand(g), serveCommand(g), tokenCommand(g), environmentTopic())
	rc.AddCommand(statusCommands(g)...)
	for _, path := range []string{"init", "keys rotate", "keys revoke", "keys import-pdf-cert", "issue", "mail", "serve", "revoke", "suspend", "unsuspend"} {
		if c, _, err := rc.Find(strings.Fields(path)); err == nil {
			withPass(c)
		}
	}
	return rc
}

// environmentTopic is 'etranscript help environment'.
func environmentTopic() *cobra.Command {
	var envList strings.Builder
	envvar.Print(&envList)
	return &cobra.Command{ // a help topic: no Run
		Use:   "environment",
		Short: "The environment variables etranscript reads",
		Long:  "etranscript reads these environment variables (a flag, where there is one, comes first):\n\n" + envList.String(),
	}
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
