// Package dataintegrity makes and checks W3C Data Integrity proofs of the
// eddsa-rdfc-2022 cryptosuite, and computes the canonical hash of a
// secured document that a MerkleProof2019 proof covers (docs/credential.md
// §2-§3). Documents are canonicalized with RDFC-1.0 through a
// Canonicalizer: Fast (packages jsonld and canon) or JSONGold, the
// reference processor.
package dataintegrity

// Proof is a W3C Data Integrity proof (VC Data Integrity 1.0 §2.1), the
// form of both our proofs.
type Proof struct {
	ID                 string `json:"id,omitempty"`
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite,omitempty"`
	ProofPurpose       string `json:"proofPurpose"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod,omitempty"`
	PreviousProof      string `json:"previousProof,omitempty"`
	// Challenge and Domain bind a presentation's proof to one verifier's
	// request (VC Data Integrity 1.0 §2.1).
	Challenge  string `json:"challenge,omitempty"`
	Domain     string `json:"domain,omitempty"`
	ProofValue string `json:"proofValue"`
}
