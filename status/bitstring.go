package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ListSize is the number of entries in every status list we publish: the
// minimum of W3C Bitstring Status List v1.0 §6.1 (131,072 entries, 16 KiB).
const ListSize = 131072

// MaxListBytes caps a decoded bitstring (16 MiB: 134 million entries), so a
// hostile list cannot exhaust memory by decompression.
const MaxListBytes = 16 << 20

// Encode is the encodedList of a bitstring (Bitstring Status List v1.0
// §4.1, "Generate Algorithm"): GZIP, then base64url without padding. It is
// written without the multibase "u" prefix of the W3C text, because the
// official Blockcerts verifier decodes with @digitalbazaar/vc-revocation-list,
// which does not strip it (docs/credential.md §7); Decode accepts both.
func Encode(bits []byte) (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode reads an encodedList, with or without the multibase "u" prefix
// (Bitstring Status List v1.0 §4.2), refusing lists larger than max bytes
// once decompressed.
func Decode(s string, max int) ([]byte, error) {
	// A GZIP stream always starts 1f 8b, "H4sI" in base64: a leading "u"
	// can only be the multibase prefix.
	s = strings.TrimRight(strings.TrimPrefix(s, "u"), "=")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("encodedList: not base64url: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("encodedList: not GZIP: %w", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w", err)
	}
	if len(bits) > max {
		return nil, fmt.Errorf("encodedList: larger than %d bytes once decompressed", max)
	}
	if len(bits) == 0 {
		return nil, errors.New("encodedList: empty")
	}
	return bits, nil
}

// Get reports bit i of a bitstring: index 0 is the most significant bit of
// the first byte (Bitstring Status List v1.0 §4.2, "left-most bit").
func Get(bits []byte, i int) (bool, error) {
	if i < 0 || i/8 >= len(bits) {
		return false, fmt.Errorf("index %d is outside the list (%d entries)", i, len(bits)*8)
	}
	return bits[i/8]&(0x80>>(i%8)) != 0, nil
}

// Set sets or clears bit i.
func Set(bits []byte, i int, on bool) {
	if on {
		bits[i/8] |= 0x80 >> (i % 8)
	} else {
		bits[i/8] &^= 0x80 >> (i % 8)
	}
}
