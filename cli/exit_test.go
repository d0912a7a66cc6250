package cli

import (
	"testing"

	"github.com/etranscript/etranscript/verifier"
)

// TestExitCodes: docs/commands.md's exit statuses, and the worst of
// several files wins.
func TestExitCodes(t *testing.T) {
	if verdictExit(verifier.Verified) != 0 || verdictExit(verifier.Rejected) != 1 || verdictExit(verifier.Indeterminate) != 3 {
		t.Error("exit codes differ from docs/commands.md")
	}
	if worstExit(0, 3, 1, 0) != 1 || worstExit(0, 3) != 3 || worstExit() != 0 || worstExit(1, 2) != 2 {
		t.Error("worstExit")
	}
}
