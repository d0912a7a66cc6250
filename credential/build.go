package credential

import (
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/etranscript/etranscript/transcript"
)

// The contexts of a credential we issue, in the order of the upstream
// fixtures (docs/credential.md §1), then our transcript terms inline.
const (
	VCv2Context          = "https://www.w3.org/ns/credentials/v2"
	DataIntegrityContext = "https://w3id.org/security/data-integrity/v2"
	BlockcertsV31Context = "https://w3id.org/blockcerts/v3.1"
)

//go:embed transcript-context.json
var transcriptContextJSON []byte

// TranscriptContext is the inline context that defines our transcript
// terms. It travels inside every credential, so the credential verifies
// offline anywhere and no verifier fetches it. (Kept as JSON: a credential
// is marshalled before anything reads it.)
var TranscriptContext = json.RawMessage(transcriptContextJSON)

// Credential is a transcript credential as we issue it. Its JSON form is
// the published document.
type Credential struct {
	Context           []any         `json:"@context"`
	ID                string        `json:"id"`
	Type              []string      `json:"type"`
	Name              string        `json:"name,omitempty"`
	Issuer            string        `json:"issuer"`
	ValidFrom         string        `json:"validFrom"`
	ValidUntil        string        `json:"validUntil,omitempty"`
	CredentialSubject Subject       `json:"credentialSubject"`
	CredentialStatus  []StatusEntry `json:"credentialStatus,omitempty"`
	Display           *Display      `json:"display,omitempty"`
	Proof             any           `json:"proof,omitempty"`
}

// Subject is the transcript.
type Subject struct {
	Name             string             `json:"name"`
	NameLocal        string             `json:"nameLocal,omitempty"`
	StudentID        string             `json:"studentId"`
	Recipient        Recipient          `json:"recipient"`
	Program          transcript.Program `json:"program"`
	Terms            []Term             `json:"terms"`
	CGA              string             `json:"cga,omitempty"`
	Scale            string             `json:"scale"`
	CreditsEarned    string             `json:"creditsEarned"`
	CreditsInAverage string             `json:"creditsInAverage"`
	GradingScheme    string             `json:"gradingScheme"`
	Award            *transcript.Award  `json:"award,omitempty"`
}

// Recipient binds the credential to an email address without showing it:
// identity = "sha256$" + hex(SHA-256(lower-case address + salt)), the Open
// Badges v2 hashed identity that Blockcerts v2 used.
type Recipient struct {
	Identity string `json:"identity"`
	Hashed   bool   `json:"hashed"`
	Salt     string `json:"salt"`
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

type Term struct {
	Term        string   `json:"term"`
	Scale       string   `json:"scale"`
	Courses     []Course `json:"courses"`
	TGA         string   `json:"tga,omitempty"`
	TermCredits string   `json:"termCredits"`
}

type Course struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Credits     string `json:"credits"`
	Grade       string `json:"grade"`
	GradePoints string `json:"gradePoints,omitempty"`
}

// Display is the human-readable rendering Blockcerts wallets show.
type Display struct {
	ContentMediaType string `json:"contentMediaType"`
	Content          string `json:"content"`
	ContentEncoding  string `json:"contentEncoding,omitempty"`
}

// StatusEntry points at the credential's bit in a status list (W3C
// Bitstring Status List v1.0 §2.1, BitstringStatusListEntry).
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// Issue holds what a credential needs besides the record.
type Issue struct {
	Issuer     string    // URL of the issuer profile
	IssuerName string    // shown in the display
	Issued     time.Time // validFrom
	Scheme     *transcript.Scheme
}

// NewID returns a random "urn:uuid:" identifier (UUID version 4).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Build makes the unsigned credential of one valid record, with the given
// id ("urn:uuid:...", NewID) and credentialStatus entries (none: the
// credential cannot be revoked).
func Build(r *transcript.Record, in Issue, id string, status []StatusEntry) (*Credential, error) {
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, err
	}
	res := in.Scheme.Compute(r)
	s := Subject{
		Name:             r.Name,
		NameLocal:        r.NameLocal,
		StudentID:        r.StudentID,
		Recipient:        Recipient{Hashed: true, Salt: hex.EncodeToString(salt[:])},
		Program:          r.Program,
		CGA:              transcript.FormatAverage(res.CGA),
		Scale:            string(res.CGAScale),
		CreditsEarned:    transcript.FormatNumber(res.CreditsEarned),
		CreditsInAverage: transcript.FormatNumber(res.CreditsInAverage),
		GradingScheme:    in.Scheme.Name,
	}
	s.Recipient.Identity = HashEmail(r.Email, s.Recipient.Salt)
	points := map[*big.Rat]string{} // grade points are shared by grade: format each once
	if len(r.Terms) > 0 {
		s.Terms = make([]Term, 0, len(r.Terms))
	}
	for ti, t := range r.Terms {
		tr := res.Terms[ti]
		ct := Term{Term: t.Term, Scale: string(tr.Scale), TGA: transcript.FormatAverage(tr.TGA), TermCredits: transcript.FormatNumber(tr.Credits)}
		if len(t.Courses) > 0 {
			ct.Courses = make([]Course, 0, len(t.Courses))
		}
		for ci, c := range t.Courses {
			ct.Courses = append(ct.Courses, Course{
				Code: c.Code, Title: c.Title, Credits: c.Credits.Plain(), Grade: c.Grade,
			})
			if p := tr.Points[ci]; p != nil {
				txt, ok := points[p]
				if !ok {
					txt = transcript.FormatNumber(p)
					points[p] = txt
				}
				ct.Courses[len(ct.Courses)-1].GradePoints = txt
			}
		}
		s.Terms = append(s.Terms, ct)
	}
	if r.Award != nil {
		a := *r.Award
		s.Award = &a
	}
	c := &Credential{
		Context:           []any{VCv2Context, DataIntegrityContext, BlockcertsV31Context, TranscriptContext},
		ID:                id,
		Type:              slices.Clone(credentialTypes),
		Name:              "Academic Transcript",
		Issuer:            in.Issuer,
		ValidFrom:         in.Issued.UTC().Format(time.RFC3339),
		CredentialSubject: s,
		CredentialStatus:  status,
	}
	html, err := renderDisplay(c, in.IssuerName)
	if err != nil {
		return nil, err
	}
	c.Display = &Display{ContentMediaType: "text/html", Content: html}
	return c, nil
}
