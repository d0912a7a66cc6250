// Package envvar is the one list of the environment variables etranscript
// reads: each is read through it, and 'etranscript help environment'
// prints the list.
package envvar

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
)

// Var is an environment variable.
type Var struct {
	Name    string
	Meaning string
	// Secret: its value is never printed or logged.
	Secret bool
	// Test: read by the test suite only.
	Test bool
}

// Get returns the variable's value, "" when unset.
func (v Var) Get() string { return os.Getenv(v.Name) }

// The variables.
var (
	Passphrase   = Var{Name: "ETRANSCRIPT_PASSPHRASE", Meaning: "the passphrase of the issuer's keys (else asked on the terminal)", Secret: true}
	Data         = Var{Name: "ETRANSCRIPT_DATA", Meaning: "the data directory, when --data is not given (default ./etranscript-data)"}
	DB           = Var{Name: "ETRANSCRIPT_DB", Meaning: "the database (postgres://...), when --db is not given (default SQLite in the data directory)", Secret: true}
	SMTP         = Var{Name: "ETRANSCRIPT_SMTP", Meaning: "the mail server (smtp://user:pass@host:port or smtps://...), when --smtp is not given (default the outbox)", Secret: true}
	Fault        = Var{Name: "ETRANSCRIPT_TEST_FAULT", Meaning: "a fault point at which the process kills itself (crash tests)", Test: true}
	TestDB       = Var{Name: "ETRANSCRIPT_TEST_POSTGRES", Meaning: "a PostgreSQL server for the store tests", Test: true, Secret: true}
	RequireDB    = Var{Name: "ETRANSCRIPT_REQUIRE_POSTGRES", Meaning: "fail, not skip, the tests that need PostgreSQL", Test: true}
	RequireTools = Var{Name: "ETRANSCRIPT_REQUIRE_TOOLS", Meaning: "fail, not skip, the tests that need poppler, zbar and qpdf", Test: true}
	Geth         = Var{Name: "ETRANSCRIPT_GETH", Meaning: "the geth binary of the integration tests (default geth on PATH)", Test: true}
	Scale        = Var{Name: "ETRANSCRIPT_SCALE", Meaning: "the number of transcripts of the scale test (it is skipped without)", Test: true}
	Artifacts    = Var{Name: "ETRANSCRIPT_ARTIFACTS", Meaning: "a directory for the browser tests' screenshots", Test: true}
)

// All lists every variable.
var All = []Var{Passphrase, Data, DB, SMTP, Fault, TestDB, RequireDB, RequireTools, Geth, Scale, Artifacts}

// Print lists the variables for people: what each means, and whether it
// is set (never its value).
func Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tSET\tMEANING")
	for _, v := range All {
		set := "no"
		if v.Get() != "" {
			set = "yes"
		}
		m := v.Meaning
		if v.Test {
			m = "(tests) " + m
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Name, set, m)
	}
	return tw.Flush()
}
