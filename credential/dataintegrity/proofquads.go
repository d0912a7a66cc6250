package dataintegrity

import (
	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/credential/internal/rdfstruct"
)

// The IRIs of the Data Integrity terms of our proofs.
const (
	secNS   = "https://w3id.org/security#"
	created = "http://purl.org/dc/terms/created"
	xsdTime = rdfstruct.XSD + "dateTime"
)

// ProofQuads returns the RDF of an eddsa-rdfc-2022 proof as SignAndHash
// makes it, written straight from its fields, for a document whose maker
// wrote its quads directly (typeIRIs, the IRIs of its types, not nil):
// with cred "", its configuration (the proof without its value) as a
// document of the credential's context; else the proof as the credential
// cred's, in a graph of its own (the "proof" term is an @graph container,
// VC Data Integrity 1.0 §2.1), with the credential's types. ok is false
// for a proof of another shape, and when typeIRIs is nil.
func ProofQuads(p *Proof, cred string, typeIRIs []string) (quads []canon.Quad, ok bool) {
	if typeIRIs == nil || p.Type != "DataIntegrityProof" || p.Cryptosuite != EdDSARDFC2022 ||
		p.ProofPurpose != "assertionMethod" || p.PreviousProof != "" || p.Challenge != "" || p.Domain != "" {
		return nil, false
	}
	e := rdfstruct.NewEmitter()
	if cred != "" {
		c := e.IRI(cred)
		for _, t := range typeIRIs {
			e.Link(c, rdfstruct.RDFType, rdfstruct.IRITerm(t))
		}
		g := canon.Term{Kind: canon.Blank, Value: "proof"}
		e.Link(c, secNS+"proof", g)
		e.G = g // the proof's statements, in its graph
	}
	id := e.IRI(p.ID)
	e.Link(id, rdfstruct.RDFType, rdfstruct.IRITerm(secNS+"DataIntegrityProof"))
	e.Literal(id, created, p.Created, xsdTime)
	e.Literal(id, secNS+"cryptosuite", p.Cryptosuite, secNS+"cryptosuiteString")
	e.Link(id, secNS+"proofPurpose", rdfstruct.IRITerm(secNS+"assertionMethod"))
	if cred != "" {
		e.Literal(id, secNS+"proofValue", p.ProofValue, secNS+"multibase")
	}
	e.Link(id, secNS+"verificationMethod", e.IRI(p.VerificationMethod))
	return e.Done()
}
