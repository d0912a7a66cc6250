package credential

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Limits bound what DecodeJSON accepts from outside.
type Limits struct {
	MaxBytes int64 // whole document
	MaxDepth int   // nesting of objects and arrays
}

// DefaultLimits fit any transcript credential with room to spare, and keep
// a hostile document cheap to refuse.
var DefaultLimits = Limits{MaxBytes: 8 << 20, MaxDepth: 64}

// ErrTooLarge and ErrTooDeep report a document over the limits.
var (
	ErrTooLarge = errors.New("document too large")
	ErrTooDeep  = errors.New("document nested too deeply")
)

// DecodeJSON reads one JSON value within limits. Numbers decode as float64,
// as JSON-LD processors read them. Trailing data is an error.
func DecodeJSON(r io.Reader, lim Limits) (any, error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultLimits.MaxBytes
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultLimits.MaxDepth
	}
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, err
	}
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
// caller that then decodes into its own types.
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
	return checkDepth(data, lim.MaxDepth)
}

// checkDepth scans the raw bytes so that a deeply nested document is
// refused before the decoder recurses into it.
func checkDepth(data []byte, max int) error {
	depth, inStr, esc := 0, false, false
	for _, c := range data {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > max {
				return fmt.Errorf("%w: over %d levels", ErrTooDeep, max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
