// Package anchor records a batch's Merkle root on a blockchain and reads it
// back. The Merkle tree itself is in the merkle subpackage. Chain names
// (docs/credential.md §4): "mocknet" is the test chain that anchors nothing.
package anchor

// Mocknet is the test chain: nothing is anchored, and verifiers say so.
const Mocknet = "mocknet"

// Label is how a chain is named to people, alike on the command line and
// on the site: "mocknet", or the chain and its network ("eth:dev",
// "eth:sepolia").
func Label(chain, network string) string {
	if chain == Mocknet {
		return Mocknet
	}
	return chain + ":" + network
}
