package credential

import (
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/internal/rdfstruct"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/jsonld"
)

// credentialTypes are the types Build gives a credential; typeIRIs are
// theirs.
var (
	credentialTypes = []string{"VerifiableCredential", "BlockcertsCredential"}
	typeIRIs        = []string{vcNS + "VerifiableCredential", bcNS + "BlockcertsCredential"}
)

// directQuads returns the credential's RDF, the quads JSON-LD 1.1's
// Deserialize JSON-LD to RDF (§8.1) gives for c.Doc(), written straight
// from the fields' declarations (model.go): for the credentials Build
// makes, expanding the document through its contexts cost more than
// canonicalizing it. ok is false for any credential of another shape
// (other contexts, types, a proof) or with an IRI-valued field (id,
// issuer, a status entry's id and list) that is not a plain absolute IRI
// of the schemes http, https, urn or did: those go through package jsonld,
// which knows the rules for the rest (compact IRIs, relative references,
// blank node identifiers).
//
// Every other value is a string literal as written, or typed where the
// context coerces it (validFrom, validUntil, admitted, conferred), and an
// empty optional field (omitempty) has no statement, as it has no JSON.
// directOK checks, once, that this agrees with package jsonld on a
// credential with every field, and the tests compare the two on every
// shape of credential under fuzzing.
func (c *Credential) directQuads() (quads []canon.Quad, ok bool) {
	if c.Proof != nil || !c.standardContext() || !slices.Equal(c.Type, credentialTypes) {
		return nil, false
	}
	e := rdfstruct.NewEmitter()
	vocab.Emit(e, vocab.Node(e, c), c)
	return e.Done()
}

// standardContext reports the @context Build writes.
func (c *Credential) standardContext() bool {
	if len(c.Context) != 4 || c.Context[0] != ldcontext.VCv2 || c.Context[1] != ldcontext.DataIntegrity || c.Context[2] != ldcontext.BlockcertsV31 {
		return false
	}
	tc, ok := c.Context[3].(json.RawMessage)
	return ok && string(tc) == string(TranscriptContext)
}

// directOK reports whether directQuads and dataintegrity.ProofQuads agree
// with package jsonld on a credential with every field and its proof:
// checked once, at first use, so that a change of context cannot make the
// direct conversion wrong unseen (it is then not used).
var directOK = sync.OnceValue(func() bool {
	c := directProbe()
	doc, err := c.Doc()
	if err != nil {
		return false
	}
	in, err := dataintegrity.HashInput(doc, 0)
	if err != nil {
		return false
	}
	p := &dataintegrity.Proof{ID: "urn:uuid:00000000-0000-4000-8000-000000000001", Type: "DataIntegrityProof", Cryptosuite: dataintegrity.EdDSARDFC2022,
		ProofPurpose: "assertionMethod", Created: "2026-01-01T00:00:00Z", VerificationMethod: "https://probe.example/issuer#key-1", ProofValue: "zProbe"}
	cfg := p.ConfigMap()
	cfg["@context"] = doc["@context"]
	mini := map[string]any{"@context": in["@context"], "id": c.ID, "type": doc["type"], "proof": p.ToMap()}
	for _, probe := range []struct {
		direct func() ([]canon.Quad, bool)
		doc    map[string]any
	}{
		{c.directQuads, in},
		{func() ([]canon.Quad, bool) { return dataintegrity.ProofQuads(p, "", typeIRIs) }, cfg},
		{func() ([]canon.Quad, bool) { return dataintegrity.ProofQuads(p, c.ID, typeIRIs) }, mini},
	} {
		if !sameRDF(probe.direct, probe.doc) {
			return false
		}
	}
	return true
})

// sameRDF reports whether the quads direct returns and those of doc have
// the same canonical form.
func sameRDF(direct func() ([]canon.Quad, bool), doc map[string]any) bool {
	got, ok := direct()
	if !ok {
		return false
	}
	defer jsonld.Release(got)
	want, err := jsonld.ToRDF(context.Background(), doc, ldcontext.Load)
	if err != nil {
		return false
	}
	defer jsonld.Release(want)
	g, err1 := canon.Canonicalize(got, canon.Options{})
	w, err2 := canon.Canonicalize(want, canon.Options{})
	return err1 == nil && err2 == nil && string(g.NQuads) == string(w.NQuads)
}

// directProbe is a credential with every field set, each to its own value
// (rdfstruct.Fill), as Build would make it.
func directProbe() *Credential {
	c := &Credential{}
	vocab.Fill(c)
	c.Context = []any{ldcontext.VCv2, ldcontext.DataIntegrity, ldcontext.BlockcertsV31, TranscriptContext}
	c.Type = slices.Clone(credentialTypes)
	for i := range c.CredentialStatus {
		c.CredentialStatus[i].Type = "BitstringStatusListEntry"
	}
	return c
}
