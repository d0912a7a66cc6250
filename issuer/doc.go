// Package issuer runs the batch pipeline of docs/batch-format.md: validated records
// become credentials, their target hashes the leaves of a Merkle tree whose
// root is anchored, and every credential gets its MerkleProof2019 proof and
// is written out. Later stages (signatures, PDFs, mail, durable states)
// hang off the same pipeline.
package issuer
