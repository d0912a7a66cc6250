package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/etranscript/etranscript/internal/jsonstrict"
)

// Limits bound what DecodeJSON accepts from outside.
type Limits struct {
	MaxBytes  int64 // whole document
	MaxDepth  int   // nesting of objects and arrays
	MaxValues int   // JSON values of every kind (0: no limit)
}

// DefaultLimits fit any transcript credential with room to spare (a
// transcript of 2,000 courses, far more than any degree, is about 0.8 MB
// and 14,300 values; one of 40 courses 20 KB and 400), and keep the work a hostile document can cause small:
// canonicalization is linear in the values up to this cap and refused
// beyond it.
var DefaultLimits = Limits{MaxBytes: 8 << 20, MaxDepth: 64, MaxValues: 20_000}

// ErrTooLarge and ErrTooDeep report a document over the limits.
var (
	ErrTooLarge = errors.New("document too large")
	ErrTooDeep  = errors.New("document nested too deeply")
)

// utf8BOM is skipped at the start of a document, as if it were not there.
var utf8BOM = []byte("\xef\xbb\xbf")

// DecodeJSON reads one JSON value within limits, strictly (CheckJSON).
// Numbers decode as float64, as JSON-LD processors read them.
func DecodeJSON(r io.Reader, lim Limits) (any, error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultLimits.MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := CheckJSON(data, lim); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	return v, nil
}

// CheckJSON enforces the limits on raw JSON without decoding it, for a
// caller that then decodes into its own types, and refuses what readers
// could read differently (package jsonstrict): a member name twice in an
// object, invalid UTF-8, data after the value. A leading UTF-8 byte order
// mark is allowed.
func CheckJSON(data []byte, lim Limits) error {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultLimits.MaxBytes
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultLimits.MaxDepth
	}
	if int64(len(data)) > lim.MaxBytes {
		return fmt.Errorf("%w: over %d bytes", ErrTooLarge, lim.MaxBytes)
	}
	err := jsonstrict.Check(bytes.TrimPrefix(data, utf8BOM), jsonstrict.Limits{MaxDepth: lim.MaxDepth, MaxValues: lim.MaxValues})
	switch {
	case errors.Is(err, jsonstrict.ErrTooDeep):
		return fmt.Errorf("%w: %v", ErrTooDeep, err)
	case errors.Is(err, jsonstrict.ErrTooMany):
		return fmt.Errorf("%w: %v", ErrTooLarge, err)
	}
	return err
}
