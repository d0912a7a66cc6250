package credential

import (
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/transcript"
)

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
		Program:          Program(r.Program),
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
		a := Award(*r.Award)
		s.Award = &a
	}
	c := &Credential{
		Context:           []any{ldcontext.VCv2, ldcontext.DataIntegrity, ldcontext.BlockcertsV31, TranscriptContext},
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
