package cli

import (
	"errors"
	"io/fs"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/store"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/verifier"
)

// UsageError is bad usage or bad input: exit status 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usage wraps err as bad usage.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return &UsageError{Err: err}
}

// ExitError carries an exit status decided by the command itself (verify's
// verdicts), with nothing more to print.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return "" }

// ExitCode maps an error to the design's exit statuses: 0 success, 1 a
// verification failed, 2 bad usage or bad input, 3 could not complete.
func ExitCode(err error) int {
	var ee *ExitError
	var inv *transcript.InvalidError
	var ue *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &inv), errors.As(err, &ue),
		errors.Is(err, config.ErrNotInitialized), errors.Is(err, config.ErrInvalid), errors.Is(err, keys.ErrNoKeys),
		errors.Is(err, keys.ErrPassphrase), errors.Is(err, issuer.ErrChain), errors.Is(err, issuer.ErrOtherInput),
		errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, store.ErrDSN):
		return ExitBadInput
	}
	return ExitIndeterminate
}

// Exit codes (docs/commands.md): 0 verified, 1 a check failed, 3 a check could
// not be made.
const (
	ExitOK            = 0
	ExitFailed        = 1
	ExitBadInput      = 2
	ExitIndeterminate = 3
)

// verdictExit maps a verdict to the command's exit status.
func verdictExit(v verifier.Verdict) int {
	switch v {
	case verifier.Verified:
		return ExitOK
	case verifier.Rejected:
		return ExitFailed
	}
	return ExitIndeterminate
}

// worstExit combines the exit statuses of several inputs: a failure
// outranks an indeterminate result, which outranks success.
func worstExit(codes ...int) int {
	rank := map[int]int{ExitOK: 0, ExitIndeterminate: 1, ExitFailed: 2, ExitBadInput: 3}
	w := ExitOK
	for _, c := range codes {
		if rank[c] > rank[w] {
			w = c
		}
	}
	return w
}
