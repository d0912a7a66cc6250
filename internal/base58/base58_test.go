package base58

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"testing"

	mr "github.com/mr-tron/base58"
)

// TestAgainstMrTron checks both directions against github.com/mr-tron/base58
// (the encoder used before) on random inputs with and without leading zeros.
func TestAgainstMrTron(t *testing.T) {
	for n := 1; n < 800; n += 3 {
		b := make([]byte, n)
		rand.Read(b)
		for z := 0; z <= min(n, 3); z++ {
			if z > 0 {
				b[z-1] = 0
			}
			want := mr.Encode(b)
			if got := Encode(b); got != want {
				t.Fatalf("Encode(% x) = %s, want %s", b, got, want)
			}
			back, err := Decode(want)
			if err != nil || !bytes.Equal(back, b) {
				t.Fatalf("Decode(%s) = % x, %v; want % x", want, back, err, b)
			}
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, s := range []string{"0", "O", "I", "l", "+1", "-2", "z z", "_", "abc\x00"} {
		if _, err := Decode(s); err == nil {
			t.Errorf("Decode(%q): no error", s)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("z1111")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Decode(s)
		want, werr := mr.Decode(s)
		if (err != nil) != (werr != nil) {
			t.Fatalf("Decode(%q): error %v, mr-tron %v", s, err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("Decode(%q) = % x, mr-tron % x", s, got, want)
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	// MerkleProof2019 proofValues: of a 1,000-credential batch (a path of
	// ten steps) and of a 100,000-credential batch.
	for _, n := range []int{950, 1400} {
		x := make([]byte, n)
		rand.Read(x)
		b.Run(fmt.Sprintf("%d/mr-tron", n), func(b *testing.B) {
			for b.Loop() {
				mr.Encode(x)
			}
		})
		b.Run(fmt.Sprintf("%d/ours", n), func(b *testing.B) {
			for b.Loop() {
				Encode(x)
			}
		})
	}
}
