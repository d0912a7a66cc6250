// Package issuer runs the batch pipeline of docs/batch-format.md: validated
// records become credentials (signed, with their status entries), their
// hashes the leaves of a Merkle tree whose root is anchored, and every
// credential gets its MerkleProof2019 proof and is written out with its
// other outputs (the PDF). Every stage is recorded before the next, so a
// batch resumes where it stopped. Jobs, mail and download links are
// package delivery's.
package issuer
