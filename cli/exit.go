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
		return verifier.ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &inv), errors.As(err, &ue),
		errors.Is(err, config.ErrNotInitialized), errors.Is(err, config.ErrInvalid), errors.Is(err, keys.ErrNoKeys),
		errors.Is(err, keys.ErrPassphrase), errors.Is(err, issuer.ErrChain), errors.Is(err, issuer.ErrOtherInput),
		errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, store.ErrDSN):
		return verifier.ExitBadInput
	}
	return verifier.ExitIndeterminate
}
