// Package base58 is the Bitcoin base58 alphabet's encoding (the "z"
// multibase of Data Integrity proofs and Multikeys, and MerkleProof2019's
// proofValue), converted through math/big, whose radix conversion is
// subquadratic, where the usual byte-at-a-time algorithm is quadratic
// (BenchmarkEncode, on the project's VM: mr-tron/base58 41 µs for the
// 950-byte proof of a 1,000-credential batch and 90 µs for the 1,400
// bytes of a 100,000-credential batch's; this package 25 and 40 µs).
package base58

import (
	"errors"
	"math/big"
)

const (
	alphabet  = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	bigDigits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" // math/big's digits
)

var toAlphabet, fromAlphabet [256]byte

func init() {
	for i := range 58 {
		toAlphabet[bigDigits[i]] = alphabet[i]
		fromAlphabet[alphabet[i]] = bigDigits[i]
	}
}

// Encode encodes b: each leading zero byte as "1", the rest as a base-58
// number.
func Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	var digits []byte
	if zeros < len(b) {
		digits = new(big.Int).SetBytes(b[zeros:]).Append(nil, 58)
	}
	out := make([]byte, zeros+len(digits))
	for i := range zeros {
		out[i] = '1'
	}
	for i, d := range digits {
		out[zeros+i] = toAlphabet[d]
	}
	return string(out)
}

// ErrInvalid is returned for an empty string or a character outside the
// alphabet.
var ErrInvalid = errors.New("base58: empty or invalid character")

// Decode decodes s; an empty string is an error.
func Decode(s string) ([]byte, error) {
	if s == "" {
		return nil, ErrInvalid
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	digits := make([]byte, len(s)-zeros)
	for i := range digits {
		d := fromAlphabet[s[zeros+i]]
		if d == 0 {
			return nil, ErrInvalid
		}
		digits[i] = d
	}
	if len(digits) == 0 {
		return make([]byte, zeros), nil
	}
	n, ok := new(big.Int).SetString(string(digits), 58)
	if !ok {
		return nil, ErrInvalid
	}
	// FillBytes writes the number at the end and zeros before it.
	return n.FillBytes(make([]byte, zeros+(n.BitLen()+7)/8)), nil
}
