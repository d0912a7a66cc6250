package jsonstrict

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Default bounds a document from outside when its reader sets no bound of
// its own: 8 MiB, 64 levels, 20,000 values. That fits any transcript
// credential with room to spare (one of 2,000 courses, far more than any
// degree, is about 0.8 MB and 14,300 values; one of 40 courses 20 KB and
// 400), and keeps the work a hostile document can cause small:
// canonicalization is linear in the values up to this cap and refused
// beyond it.
var Default = Limits{MaxBytes: 8 << 20, MaxDepth: 64, MaxValues: 20_000}

// utf8BOM is skipped at the start of a document, as if it were not there.
var utf8BOM = []byte("\xef\xbb\xbf")

// Document is Check for a document from outside, which may start with a
// UTF-8 byte order mark; a zero MaxBytes or MaxDepth is Default's.
func Document(data []byte, lim Limits) error {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = Default.MaxBytes
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = Default.MaxDepth
	}
	return Check(bytes.TrimPrefix(data, utf8BOM), lim)
}

// Decode reads one JSON value within limits, strictly (Document). Numbers
// decode as float64, as JSON-LD processors read them.
func Decode(r io.Reader, lim Limits) (any, error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = Default.MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := Document(data, lim); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return v, nil
}
