// Package cli holds what the etranscript command does for each subcommand,
// so that cmd/etranscript only parses flags: the issuing and verifying
// commands as library calls, their terminal output, and the one mapping from
// errors to the exit statuses of docs/commands.md.
package cli
