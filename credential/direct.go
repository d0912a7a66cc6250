package credential

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/jsonld"
	"github.com/etranscript/etranscript/transcript"
)

// The IRIs our contexts give the credential's terms (VC 2.0, Bitstring
// Status List, Blockcerts 3.1, and transcript-context.json).
const (
	rdfType   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	xsdDate   = "http://www.w3.org/2001/XMLSchema#date"
	xsdTime   = "http://www.w3.org/2001/XMLSchema#dateTime"
	xsdBool   = "http://www.w3.org/2001/XMLSchema#boolean"
	vcNS      = "https://www.w3.org/2018/credentials#"
	statusNS  = "https://www.w3.org/ns/credentials/status#"
	bcNS      = "https://w3id.org/blockcerts#"
	etNS      = TranscriptVocab
	schemaNam = "https://schema.org/name"
)

// credentialTypes are the types Build gives a credential; typeIRIs are
// theirs.
var (
	credentialTypes = []string{"VerifiableCredential", "BlockcertsCredential"}
	typeIRIs        = []string{vcNS + "VerifiableCredential", bcNS + "BlockcertsCredential"}
)

// directQuads returns the credential's RDF, the quads JSON-LD 1.1's
// Deserialize JSON-LD to RDF (§8.1) gives for c.Doc(), written straight
// from the fields: for the credentials Build makes, expanding the document
// through its contexts cost more than canonicalizing it. ok is false for
// any credential of another shape (other contexts, types, a proof) or
// with an IRI-valued field (id, issuer, a status entry's id and list)
// that is not a plain absolute IRI of the schemes http, https, urn or did:
// those go through package jsonld, which knows the rules for the rest
// (compact IRIs, relative references, blank node identifiers).
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
	e := newEmitter()
	cred := e.iri(c.ID)
	e.types(cred)
	e.opt(cred, schemaNam, c.Name)
	e.link(cred, vcNS+"issuer", e.iri(c.Issuer))
	e.typed(cred, vcNS+"validFrom", c.ValidFrom, xsdTime)
	if c.ValidUntil != "" {
		e.typed(cred, vcNS+"validUntil", c.ValidUntil, xsdTime)
	}
	e.subject(cred, &c.CredentialSubject)
	for i := range c.CredentialStatus {
		st := &c.CredentialStatus[i]
		if st.Type != "BitstringStatusListEntry" {
			e.ok = false
			break
		}
		id := e.iri(st.ID)
		e.link(cred, vcNS+"credentialStatus", id)
		e.link(id, rdfType, iriTerm(statusNS+"BitstringStatusListEntry"))
		e.lit(id, statusNS+"statusPurpose", st.StatusPurpose)
		e.lit(id, statusNS+"statusListIndex", st.StatusListIndex)
		e.link(id, statusNS+"statusListCredential", e.iri(st.StatusListCredential))
	}
	if d := c.Display; d != nil {
		n := e.node(cred, bcNS+"display")
		e.lit(n, bcNS+"contentMediaType", d.ContentMediaType)
		e.lit(n, bcNS+"content", d.Content)
		e.opt(n, bcNS+"contentEncoding", d.ContentEncoding)
	}
	return e.done()
}

func (e *emitter) subject(cred canon.Term, s *Subject) {
	n := e.node(cred, vcNS+"credentialSubject")
	e.lit(n, schemaNam, s.Name)
	e.opt(n, etNS+"nameLocal", s.NameLocal)
	e.lit(n, etNS+"studentId", s.StudentID)
	r := e.node(n, etNS+"recipient")
	e.lit(r, etNS+"identityHash", s.Recipient.Identity)
	e.typed(r, etNS+"hashed", strconv.FormatBool(s.Recipient.Hashed), xsdBool)
	e.lit(r, etNS+"salt", s.Recipient.Salt)
	p := e.node(n, etNS+"program")
	e.lit(p, etNS+"code", s.Program.Code)
	e.lit(p, schemaNam, s.Program.Name)
	e.lit(p, etNS+"level", s.Program.Level)
	if s.Program.Admitted != "" {
		e.typed(p, etNS+"admitted", s.Program.Admitted, xsdDate)
	}
	for i := range s.Terms {
		t := &s.Terms[i]
		tn := e.node(n, etNS+"terms")
		e.lit(tn, etNS+"term", t.Term)
		e.lit(tn, etNS+"scale", t.Scale)
		for j := range t.Courses {
			c := &t.Courses[j]
			cn := e.node(tn, etNS+"courses")
			e.lit(cn, etNS+"code", c.Code)
			e.lit(cn, etNS+"title", c.Title)
			e.lit(cn, etNS+"credits", c.Credits)
			e.lit(cn, etNS+"grade", c.Grade)
			e.opt(cn, etNS+"gradePoints", c.GradePoints)
		}
		e.opt(tn, etNS+"tga", t.TGA)
		e.lit(tn, etNS+"termCredits", t.TermCredits)
	}
	e.opt(n, etNS+"cga", s.CGA)
	e.lit(n, etNS+"scale", s.Scale)
	e.lit(n, etNS+"creditsEarned", s.CreditsEarned)
	e.lit(n, etNS+"creditsInAverage", s.CreditsInAverage)
	e.lit(n, etNS+"gradingScheme", s.GradingScheme)
	if a := s.Award; a != nil {
		an := e.node(n, etNS+"award")
		e.lit(an, etNS+"degree", a.Degree)
		e.opt(an, etNS+"major", a.Major)
		e.opt(an, etNS+"classification", a.Classification)
		if a.Conferred != "" {
			e.typed(an, etNS+"conferred", a.Conferred, xsdDate)
		}
	}
}

// The IRIs of the Data Integrity terms of our proofs.
const (
	secNS   = "https://w3id.org/security#"
	created = "http://purl.org/dc/terms/created"
)

// proofQuads returns the RDF of an eddsa-rdfc-2022 proof as Seal makes it
// (for a credential of directQuads, when direct is set), written straight
// from its fields as directQuads writes the credential's: with cred "",
// its configuration (the proof without its value) as a document of the
// credential's context; else the proof as the credential cred's, in a
// graph of its own (the "proof" term is an @graph container, VC Data
// Integrity 1.0 §2.1), with the credential's types. ok is false for a
// proof of another shape.
func proofQuads(p *DataIntegrityProof, cred string, direct bool) (quads []canon.Quad, ok bool) {
	if !direct || p.Type != "DataIntegrityProof" || p.Cryptosuite != EdDSARDFC2022 ||
		p.ProofPurpose != "assertionMethod" || p.PreviousProof != "" {
		return nil, false
	}
	e := newEmitter()
	if cred != "" {
		c := e.iri(cred)
		e.types(c)
		g := canon.Term{Kind: canon.Blank, Value: "proof"}
		e.link(c, secNS+"proof", g)
		e.g = g // the proof's statements, in its graph
	}
	id := e.iri(p.ID)
	e.link(id, rdfType, iriTerm(secNS+"DataIntegrityProof"))
	e.typed(id, created, p.Created, xsdTime)
	e.typed(id, secNS+"cryptosuite", p.Cryptosuite, secNS+"cryptosuiteString")
	e.link(id, secNS+"proofPurpose", iriTerm(secNS+"assertionMethod"))
	if cred != "" {
		e.typed(id, secNS+"proofValue", p.ProofValue, secNS+"multibase")
	}
	e.link(id, secNS+"verificationMethod", e.iri(p.VerificationMethod))
	return e.done()
}

// standardContext reports the @context Build writes.
func (c *Credential) standardContext() bool {
	if len(c.Context) != 4 || c.Context[0] != VCv2Context || c.Context[1] != DataIntegrityContext || c.Context[2] != BlockcertsV31Context {
		return false
	}
	tc, ok := c.Context[3].(json.RawMessage)
	return ok && string(tc) == string(TranscriptContext)
}

var defaultGraph = canon.Term{Kind: canon.DefaultGraph}

func iriTerm(v string) canon.Term { return canon.Term{Kind: canon.IRI, Value: v} }

// emitter appends a document's quads, in graph g; ok turns false at the
// first value the direct conversion does not take.
type emitter struct {
	q      []canon.Quad
	g      canon.Term
	blanks int
	ok     bool
}

func newEmitter() emitter { return emitter{q: jsonld.Buffer(), g: defaultGraph, ok: true} }

// done returns the quads, or gives them back and reports false.
func (e *emitter) done() ([]canon.Quad, bool) {
	if !e.ok {
		jsonld.Release(e.q)
		return nil, false
	}
	return e.q, true
}

// types states the types of a credential Build made.
func (e *emitter) types(cred canon.Term) {
	for _, t := range typeIRIs {
		e.link(cred, rdfType, iriTerm(t))
	}
}

// iri is an IRI-valued field's term: an absolute IRI under a scheme no
// context defines as a prefix, that package jsonld would write as is.
func (e *emitter) iri(v string) canon.Term {
	scheme, _, _ := strings.Cut(v, ":")
	switch scheme {
	case "http", "https", "urn", "did":
		if jsonld.IRIOK(v) {
			return iriTerm(v)
		}
	}
	e.ok = false
	return canon.Term{}
}

// node is a new blank node, the object of s's property p.
func (e *emitter) node(s canon.Term, p string) canon.Term {
	n := canon.Term{Kind: canon.Blank, Value: blankLabel(e.blanks)}
	e.blanks++
	e.link(s, p, n)
	return n
}

func (e *emitter) link(s canon.Term, p string, o canon.Term) {
	e.q = append(e.q, canon.Quad{S: s, P: iriTerm(p), O: o, G: e.g})
}

// lit is a string literal.
func (e *emitter) lit(s canon.Term, p, v string) {
	e.link(s, p, canon.Term{Kind: canon.Literal, Value: v})
}

// opt is a string literal of a field that JSON omits when empty.
func (e *emitter) opt(s canon.Term, p, v string) {
	if v != "" {
		e.lit(s, p, v)
	}
}

func (e *emitter) typed(s canon.Term, p, v, dt string) {
	e.link(s, p, canon.Term{Kind: canon.Literal, Value: v, Datatype: dt})
}

// blankLabels are the first blank node labels, made once.
var blankLabels = func() []string {
	l := make([]string, 1024)
	for i := range l {
		l[i] = "x" + strconv.Itoa(i)
	}
	return l
}()

func blankLabel(i int) string {
	if i < len(blankLabels) {
		return blankLabels[i]
	}
	return "x" + strconv.Itoa(i)
}

// directOK reports whether directQuads and proofQuads agree with package
// jsonld on a credential with every field and its proof: checked once, at
// first use, so that a change of context cannot make the direct
// conversion wrong unseen (it is then not used).
var directOK = sync.OnceValue(func() bool {
	c := directProbe()
	doc, err := c.Doc()
	if err != nil {
		return false
	}
	in, err := HashInput(doc, 0)
	if err != nil {
		return false
	}
	p := &DataIntegrityProof{ID: "urn:uuid:00000000-0000-4000-8000-000000000001", Type: "DataIntegrityProof", Cryptosuite: EdDSARDFC2022,
		ProofPurpose: "assertionMethod", Created: "2026-01-01T00:00:00Z", VerificationMethod: "https://probe.example/issuer#key-1", ProofValue: "zProbe"}
	cfg := p.configMap()
	cfg["@context"] = doc["@context"]
	mini := map[string]any{"@context": in["@context"], "id": c.ID, "type": doc["type"], "proof": p.toMap()}
	for _, probe := range []struct {
		direct func() ([]canon.Quad, bool)
		doc    map[string]any
	}{
		{c.directQuads, in},
		{func() ([]canon.Quad, bool) { return proofQuads(p, "", true) }, cfg},
		{func() ([]canon.Quad, bool) { return proofQuads(p, c.ID, true) }, mini},
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
	want, err := jsonld.ToRDF(context.Background(), doc, loadContext)
	if err != nil {
		return false
	}
	defer jsonld.Release(want)
	g, err1 := canon.Canonicalize(got, canon.Options{})
	w, err2 := canon.Canonicalize(want, canon.Options{})
	return err1 == nil && err2 == nil && string(g.NQuads) == string(w.NQuads)
}

// directProbe is a credential with every field set, each to its own value.
func directProbe() *Credential {
	f := func(s string) string { return "probe " + s }
	return &Credential{
		Context: []any{VCv2Context, DataIntegrityContext, BlockcertsV31Context, TranscriptContext},
		ID:      "urn:uuid:00000000-0000-4000-8000-000000000000",
		Type:    slices.Clone(credentialTypes),
		Name:    f("name"), Issuer: "https://probe.example/issuer", ValidFrom: "2026-01-01T00:00:00Z", ValidUntil: "2036-01-01T00:00:00Z",
		CredentialSubject: Subject{
			Name: f("subject name"), NameLocal: f("local name"), StudentID: f("id"),
			Recipient: Recipient{Identity: f("identity"), Hashed: true, Salt: f("salt")},
			Program:   transcript.Program{Code: f("program code"), Name: f("program name"), Level: f("level"), Admitted: "2020-09-01"},
			Terms: []Term{{Term: f("term"), Scale: f("term scale"), TGA: f("tga"), TermCredits: f("term credits"),
				Courses: []Course{{Code: f("code"), Title: f("title"), Credits: f("credits"), Grade: f("grade"), GradePoints: f("points")}}}},
			CGA: f("cga"), Scale: f("scale"), CreditsEarned: f("earned"), CreditsInAverage: f("in average"), GradingScheme: f("scheme"),
			Award: &transcript.Award{Degree: f("degree"), Major: f("major"), Classification: f("class"), Conferred: "2024-06-30"},
		},
		CredentialStatus: []StatusEntry{{ID: "https://probe.example/status#1", Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: "1", StatusListCredential: "https://probe.example/status"}},
		Display: &Display{ContentMediaType: "text/html", Content: f("content"), ContentEncoding: f("encoding")},
	}
}
