package credential

import (
	"encoding/json"
	"sync"
)

// Doc returns the credential as its JSON decodes (what json.Unmarshal of
// json.Marshal(c) into a map gives), built directly: the issuer
// canonicalizes every credential it builds, and the round trip through
// JSON cost as much as a third of the canonicalization. Maps, slices and
// strings are fresh, except the inline transcript context, which is
// shared by every credential and must not be changed. TestDoc compares it
// with the round trip.
func (c *Credential) Doc() (map[string]any, error) {
	if c.Proof != nil || c.hasForeignContext() {
		js, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		return m, json.Unmarshal(js, &m)
	}
	ctx, err := c.docContext()
	if err != nil {
		return nil, err
	}
	m := map[string]any{"@context": ctx, "id": c.ID, "type": anyStrings(c.Type), "issuer": c.Issuer,
		"validFrom": c.ValidFrom, "credentialSubject": c.CredentialSubject.doc()}
	set(m, "name", c.Name)
	set(m, "validUntil", c.ValidUntil)
	if len(c.CredentialStatus) > 0 {
		st := make([]any, len(c.CredentialStatus))
		for i, e := range c.CredentialStatus {
			st[i] = map[string]any{"id": e.ID, "type": e.Type, "statusPurpose": e.StatusPurpose,
				"statusListIndex": e.StatusListIndex, "statusListCredential": e.StatusListCredential}
		}
		m["credentialStatus"] = st
	}
	if d := c.Display; d != nil {
		dm := map[string]any{"contentMediaType": d.ContentMediaType, "content": d.Content}
		set(dm, "contentEncoding", d.ContentEncoding)
		m["display"] = dm
	}
	return m, nil
}

// docContext is the @context of Doc, for a credential with no foreign
// context.
func (c *Credential) docContext() ([]any, error) {
	tc, err := transcriptContextDoc()
	if err != nil {
		return nil, err
	}
	ctx := make([]any, len(c.Context))
	for i, v := range c.Context {
		if s, ok := v.(string); ok {
			ctx[i] = s
		} else {
			ctx[i] = tc
		}
	}
	return ctx, nil
}

// hasForeignContext reports a context entry other than a URL or our
// inline transcript context.
func (c *Credential) hasForeignContext() bool {
	for _, v := range c.Context {
		switch x := v.(type) {
		case string:
		case json.RawMessage:
			if string(x) != string(TranscriptContext) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

func (s *Subject) doc() map[string]any {
	terms := make([]any, len(s.Terms))
	for i, t := range s.Terms {
		courses := make([]any, len(t.Courses))
		for j, c := range t.Courses {
			cm := map[string]any{"code": c.Code, "title": c.Title, "credits": c.Credits, "grade": c.Grade}
			set(cm, "gradePoints", c.GradePoints)
			courses[j] = cm
		}
		tm := map[string]any{"term": t.Term, "scale": t.Scale, "courses": courses, "termCredits": t.TermCredits}
		if t.Courses == nil {
			tm["courses"] = nil
		}
		set(tm, "tga", t.TGA)
		terms[i] = tm
	}
	p := map[string]any{"code": s.Program.Code, "name": s.Program.Name, "level": s.Program.Level}
	set(p, "admitted", s.Program.Admitted)
	m := map[string]any{
		"name": s.Name, "studentId": s.StudentID,
		"recipient": map[string]any{"identity": s.Recipient.Identity, "hashed": s.Recipient.Hashed, "salt": s.Recipient.Salt},
		"program":   p, "terms": terms, "scale": s.Scale, "creditsEarned": s.CreditsEarned,
		"creditsInAverage": s.CreditsInAverage, "gradingScheme": s.GradingScheme,
	}
	if s.Terms == nil {
		m["terms"] = nil
	}
	set(m, "nameLocal", s.NameLocal)
	set(m, "cga", s.CGA)
	if a := s.Award; a != nil {
		am := map[string]any{"degree": a.Degree}
		set(am, "major", a.Major)
		set(am, "classification", a.Classification)
		set(am, "conferred", a.Conferred)
		m["award"] = am
	}
	return m
}

// set adds a field tagged omitempty when it is not empty.
func set(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func anyStrings(l []string) any {
	if l == nil {
		return nil
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

var transcriptContext struct {
	once sync.Once
	doc  any
	err  error
}

func transcriptContextDoc() (any, error) {
	t := &transcriptContext
	t.once.Do(func() { t.err = json.Unmarshal(TranscriptContext, &t.doc) })
	return t.doc, t.err
}
