package credential

// DataIntegrityProof is a W3C Data Integrity proof (VC Data Integrity 1.0
// §2.1), the form of both our proofs.
type DataIntegrityProof struct {
	ID                 string `json:"id,omitempty"`
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite,omitempty"`
	ProofPurpose       string `json:"proofPurpose"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod,omitempty"`
	PreviousProof      string `json:"previousProof,omitempty"`
	ProofValue         string `json:"proofValue"`
}
