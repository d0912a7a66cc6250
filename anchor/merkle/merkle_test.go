package merkle

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCertIssuerVector is cert-issuer's tests/test_merkle_tree_generator.py
// (docs/credential.md §3): leaves sha256("1"), sha256("2"), sha256("3").
func TestCertIssuerVector(t *testing.T) {
	leaves := []Hash{sha256.Sum256([]byte("1")), sha256.Sum256([]byte("2")), sha256.Sum256([]byte("3"))}
	tr, err := New(leaves)
	if err != nil {
		t.Fatal(err)
	}
	rh := tr.Root()
	root := hex.EncodeToString(rh[:])
	if !strings.HasPrefix(root, "0932f1d2") || !strings.HasSuffix(root, "9044") {
		t.Errorf("root %s, want 0932f1d2…9044", root)
	}
	p := tr.Proof(2)
	if len(p) != 1 || !p[0].Left {
		t.Fatalf("leaf 3 path %+v, want one left sibling", p)
	}
	sib := hex.EncodeToString(p[0].Hash[:])
	if !strings.HasPrefix(sib, "4295f72e") || !strings.HasSuffix(sib, "031a") {
		t.Errorf("leaf 3 sibling %s, want 4295f72e…031a", sib)
	}
	for i := range leaves {
		if !Verify(leaves[i], tr.Proof(i), tr.Root()) {
			t.Errorf("leaf %d does not verify", i)
		}
	}
}

func TestOneLeaf(t *testing.T) {
	l := sha256.Sum256([]byte("only"))
	tr, _ := New([]Hash{l})
	if tr.Root() != l || len(tr.Proof(0)) != 0 {
		t.Errorf("a one-leaf tree: root must be the leaf and the path empty")
	}
}

func TestEmpty(t *testing.T) {
	if _, err := New(nil); err != ErrEmpty {
		t.Errorf("New(nil) = %v, want ErrEmpty", err)
	}
}

func randomLeaves(r *rand.Rand, n int) []Hash {
	out := make([]Hash, n)
	for i := range out {
		for j := range out[i] {
			out[i][j] = byte(r.Uint32())
		}
	}
	return out
}

// TestRandomBatches checks every proof of batches of 1 to 2,000 leaves, and
// that each kind of damage to a proof makes it fail.
func TestRandomBatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128, 129, 255, 257, 999, 1000, 1023, 1024, 1025, 1999, 2000}
	for k := 0; k < 20; k++ {
		sizes = append(sizes, 1+r.IntN(2000))
	}
	for _, n := range sizes {
		leaves := randomLeaves(r, n)
		tr, err := New(leaves)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			p := tr.Proof(i)
			if !Verify(leaves[i], p, tr.Root()) {
				t.Fatalf("n=%d leaf %d: proof does not verify", n, i)
			}
			if len(p) == 0 {
				continue
			}
			// fail/flipped-bit: one bit of one sibling.
			bad := append([]Step(nil), p...)
			s := r.IntN(len(bad))
			bad[s].Hash[r.IntN(32)] ^= 1 << r.IntN(8)
			if Verify(leaves[i], bad, tr.Root()) {
				t.Fatalf("n=%d leaf %d: a flipped bit verifies", n, i)
			}
			// fail/side: one sibling on the wrong side.
			bad = append([]Step(nil), p...)
			bad[s].Left = !bad[s].Left
			if Verify(leaves[i], bad, tr.Root()) && bad[s].Hash != leaves[i] {
				t.Fatalf("n=%d leaf %d: a swapped side verifies", n, i)
			}
			// fail/short and fail/long: a path of the wrong length.
			if Verify(leaves[i], p[:len(p)-1], tr.Root()) {
				t.Fatalf("n=%d leaf %d: a shortened path verifies", n, i)
			}
			if Verify(leaves[i], append(append([]Step(nil), p...), Step{Hash: leaves[i]}), tr.Root()) {
				t.Fatalf("n=%d leaf %d: a lengthened path verifies", n, i)
			}
			// fail/leaf: another leaf with this path.
			if n > 1 && Verify(leaves[(i+1)%n], p, tr.Root()) {
				t.Fatalf("n=%d leaf %d: another leaf verifies with this path", n, i)
			}
		}
	}
}

func BenchmarkTree1000(b *testing.B) {
	leaves := randomLeaves(rand.New(rand.NewPCG(3, 4)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		tr, _ := New(leaves)
		for i := range leaves {
			_ = tr.Proof(i)
		}
	}
}
