// Package credential is the Blockcerts v3 / W3C Verifiable Credential
// document: building a transcript credential from a record, the JSON-LD
// contexts it may use (embedded, never fetched), canonicalization to
// RDFC-1.0 N-Quads behind the Canonicalizer interface, the target hash of
// docs/credential.md §2, and the MerkleProof2019 proofValue encoding (§4).
package credential
