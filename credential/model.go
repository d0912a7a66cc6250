package credential

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/etranscript/etranscript/credential/internal/rdfstruct"
)

// TranscriptVocab is the namespace of the transcript's own terms. A
// credential that uses it is one of ours: issued in a batch, with the
// issuer's eddsa-rdfc-2022 signature and the batch's Merkle proof.
const TranscriptVocab = "https://w3id.org/etranscript/v1#"

// The credential's fields are declared once, here: each field's json tag
// names its term and its ld tag the IRI the term stands for (package
// rdfstruct). From these declarations come the credential's decoded JSON
// (Doc), its RDF (directQuads), the inline context that defines the
// transcript's terms (TranscriptContext) and the probe that checks the
// three agree with a JSON-LD processor (directOK). A new field needs its
// tags and nothing else; its place in the display, the web view and the
// PDF is the only other thing to write.

// Credential is a transcript credential as we issue it. Its JSON form is
// the published document.
type Credential struct {
	Context           []any         `json:"@context" ld:"-"`
	ID                string        `json:"id" ld:"@id"`
	Type              []string      `json:"type" ld:"@type"`
	Name              string        `json:"name,omitempty" ld:"schema:name"`
	Issuer            string        `json:"issuer" ld:"vc:issuer,iri"`
	ValidFrom         string        `json:"validFrom" ld:"vc:validFrom,dateTime"`
	ValidUntil        string        `json:"validUntil,omitempty" ld:"vc:validUntil,dateTime"`
	CredentialSubject Subject       `json:"credentialSubject" ld:"vc:credentialSubject"`
	CredentialStatus  []StatusEntry `json:"credentialStatus,omitempty" ld:"vc:credentialStatus"`
	Display           *Display      `json:"display,omitempty" ld:"bc:display"`
	Proof             any           `json:"proof,omitempty" ld:"-"`
}

// Subject is the transcript.
type Subject struct {
	Name             string    `json:"name" ld:"schema:name"`
	NameLocal        string    `json:"nameLocal,omitempty" ld:"et:nameLocal"`
	StudentID        string    `json:"studentId" ld:"et:studentId"`
	Recipient        Recipient `json:"recipient" ld:"et:recipient"`
	Program          Program   `json:"program" ld:"et:program"`
	Terms            []Term    `json:"terms" ld:"et:terms"`
	CGA              string    `json:"cga,omitempty" ld:"et:cga"`
	Scale            string    `json:"scale" ld:"et:scale"`
	CreditsEarned    string    `json:"creditsEarned" ld:"et:creditsEarned"`
	CreditsInAverage string    `json:"creditsInAverage" ld:"et:creditsInAverage"`
	GradingScheme    string    `json:"gradingScheme" ld:"et:gradingScheme"`
	Award            *Award    `json:"award,omitempty" ld:"et:award"`
}

// Recipient binds the credential to an email address without showing it:
// identity = "sha256$" + hex(SHA-256(lower-case address + salt)), the Open
// Badges v2 hashed identity that Blockcerts v2 used.
type Recipient struct {
	Identity string `json:"identity" ld:"et:identityHash"`
	Hashed   bool   `json:"hashed" ld:"et:hashed"`
	Salt     string `json:"salt" ld:"et:salt"`
}

// Program is the programme of study, as the record states it.
type Program struct {
	Code     string `json:"code" ld:"et:code"`
	Name     string `json:"name" ld:"schema:name"`
	Level    string `json:"level" ld:"et:level"`
	Admitted string `json:"admitted,omitempty" ld:"et:admitted,date"`
}

// Term is one term's courses and results.
type Term struct {
	Term        string   `json:"term" ld:"et:term"`
	Scale       string   `json:"scale" ld:"et:scale"`
	Courses     []Course `json:"courses" ld:"et:courses"`
	TGA         string   `json:"tga,omitempty" ld:"et:tga"`
	TermCredits string   `json:"termCredits" ld:"et:termCredits"`
}

// Course is one course taken, with its grade.
type Course struct {
	Code        string `json:"code" ld:"et:code"`
	Title       string `json:"title" ld:"et:title"`
	Credits     string `json:"credits" ld:"et:credits"`
	Grade       string `json:"grade" ld:"et:grade"`
	GradePoints string `json:"gradePoints,omitempty" ld:"et:gradePoints"`
}

// Award is the degree conferred, if any.
type Award struct {
	Degree         string `json:"degree" ld:"et:degree"`
	Major          string `json:"major,omitempty" ld:"et:major"`
	Classification string `json:"classification,omitempty" ld:"et:classification"`
	Conferred      string `json:"conferred,omitempty" ld:"et:conferred,date"`
}

// Display is the human-readable rendering Blockcerts wallets show.
type Display struct {
	ContentMediaType string `json:"contentMediaType" ld:"bc:contentMediaType"`
	Content          string `json:"content" ld:"bc:content"`
	ContentEncoding  string `json:"contentEncoding,omitempty" ld:"bc:contentEncoding"`
}

// StatusEntry points at the credential's bit in a status list (W3C
// Bitstring Status List v1.0 §2.1, BitstringStatusListEntry).
type StatusEntry struct {
	ID                   string `json:"id" ld:"@id"`
	Type                 string `json:"type" ld:"@type"`
	StatusPurpose        string `json:"statusPurpose" ld:"status:statusPurpose"`
	StatusListIndex      string `json:"statusListIndex" ld:"status:statusListIndex"`
	StatusListCredential string `json:"statusListCredential" ld:"status:statusListCredential,iri"`
}

// The namespaces our contexts give the credential's terms (VC 2.0,
// Bitstring Status List, Blockcerts 3.1, schema.org through VC 2.0, and
// TranscriptContext).
const (
	vcNS     = "https://www.w3.org/2018/credentials#"
	statusNS = "https://www.w3.org/ns/credentials/status#"
	bcNS     = "https://w3id.org/blockcerts#"
)

// vocab reads the tags above.
var vocab = &rdfstruct.Vocab{
	Prefixes: map[string]string{"vc": vcNS, "status": statusNS, "bc": bcNS,
		"schema": "https://schema.org/", "et": TranscriptVocab},
	Types: map[string]string{"VerifiableCredential": vcNS + "VerifiableCredential",
		"BlockcertsCredential": bcNS + "BlockcertsCredential", "BitstringStatusListEntry": statusNS + "BitstringStatusListEntry"},
}

// Matches reports whether email is the address the recipient was bound to.
func (r Recipient) Matches(email string) bool {
	return r.Hashed && r.Identity == HashEmail(email, r.Salt)
}

// HashEmail is the salted hash of an address.
func HashEmail(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}
