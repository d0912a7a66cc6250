// Package anchor records a batch's Merkle root on a blockchain and reads it
// back. The Merkle tree itself is in the merkle subpackage. Chain names
// (blockcerts.md §4): "mocknet" is the test chain that anchors nothing.
package anchor

// Mocknet is the test chain: nothing is anchored, and verifiers say so.
const Mocknet = "mocknet"
