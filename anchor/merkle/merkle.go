// Package merkle builds the Merkle tree of a batch and checks inclusion
// proofs, with the semantics of pymerkletools as used by cert-issuer
// (docs/credential.md §3): leaves are 32-byte target hashes in batch order, a
// parent is SHA-256(left || right) over raw bytes, and an odd last node is
// carried up unchanged, not duplicated.
package merkle

import (
	"crypto/sha256"
	"errors"
)

// Hash is a 32-byte SHA-256 digest.
type Hash = [32]byte

// Step is one entry of an inclusion path: the sibling hash and the side it
// is on. Left means the sibling is the left operand.
type Step struct {
	Left bool
	Hash Hash
}

// Tree holds every level of a Merkle tree; level 0 is the leaves.
type Tree struct {
	levels [][]Hash
}

// ErrEmpty is returned for a tree with no leaves.
var ErrEmpty = errors.New("merkle: no leaves")

// New builds the tree over leaves (which it keeps; the caller must not
// change them afterwards).
func New(leaves []Hash) (*Tree, error) {
	if len(leaves) == 0 {
		return nil, ErrEmpty
	}
	t := &Tree{levels: [][]Hash{leaves}}
	for cur := leaves; len(cur) > 1; {
		next := make([]Hash, (len(cur)+1)/2)
		var buf [64]byte
		for i := 0; i+1 < len(cur); i += 2 {
			copy(buf[:32], cur[i][:])
			copy(buf[32:], cur[i+1][:])
			next[i/2] = sha256.Sum256(buf[:])
		}
		if len(cur)%2 == 1 {
			next[len(next)-1] = cur[len(cur)-1]
		}
		t.levels = append(t.levels, next)
		cur = next
	}
	return t, nil
}

// Root is the Merkle root.
func (t *Tree) Root() Hash { return t.levels[len(t.levels)-1][0] }

// Len is the number of leaves.
func (t *Tree) Len() int { return len(t.levels[0]) }

// Proof returns the inclusion path of leaf i, from the leaf up. A
// one-leaf tree has an empty path.
func (t *Tree) Proof(i int) []Step {
	var path []Step
	for _, level := range t.levels[:len(t.levels)-1] {
		sib := i ^ 1
		if sib < len(level) {
			path = append(path, Step{Left: sib < i, Hash: level[sib]})
		}
		i /= 2
	}
	return path
}

// RootFrom folds an inclusion path over a leaf and returns the root it
// leads to.
func RootFrom(leaf Hash, path []Step) Hash {
	h := leaf
	var buf [64]byte
	for _, s := range path {
		if s.Left {
			copy(buf[:32], s.Hash[:])
			copy(buf[32:], h[:])
		} else {
			copy(buf[:32], h[:])
			copy(buf[32:], s.Hash[:])
		}
		h = sha256.Sum256(buf[:])
	}
	return h
}

// Verify reports whether path leads from leaf to root.
func Verify(leaf Hash, path []Step, root Hash) bool {
	return RootFrom(leaf, path) == root
}
