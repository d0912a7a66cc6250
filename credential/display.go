package credential

import (
	"html/template"
	"strings"

	"github.com/etranscript/etranscript/transcript"
)

// renderDisplay writes the human-readable HTML of a credential. Every value
// from the record goes through template.HTMLEscapeString, so a name holding
// markup shows as text. (Written out rather than with html/template's
// Execute: the same escaping for text content, at a tenth of the cost.)
func renderDisplay(c *Credential, issuerName string) (string, error) {
	s := &c.CredentialSubject
	var b strings.Builder
	size := 1024 // about the length, so that the builder grows once at most
	for _, t := range s.Terms {
		size += 256 + 96*len(t.Courses)
	}
	b.Grow(size)
	w := func(parts ...string) {
		for i, p := range parts {
			if i%2 == 0 {
				b.WriteString(p) // markup
			} else {
				b.WriteString(template.HTMLEscapeString(p)) // a value
			}
		}
	}
	or := func(v string) string {
		if v == "" {
			return "-"
		}
		return v
	}
	w(`<div class="etranscript" lang="en"><h1>`, issuerName, `</h1><h2>Academic Transcript</h2><p><strong>`, s.Name, `</strong>`)
	if s.NameLocal != "" {
		w(` <span lang="zh-Hant">`, s.NameLocal, `</span>`)
	}
	w(`<br>Student ID `, s.StudentID, `</p><p>`, s.Program.Name, ` (`, s.Program.Code, `), `, s.Program.Level)
	if s.Program.Admitted != "" {
		w(`, admitted `, s.Program.Admitted)
	}
	w(`</p>`)
	for _, t := range s.Terms {
		w(`<table><caption>`, t.Term, `</caption><thead><tr><th>Course</th><th>Title</th><th>Credits</th><th>Grade</th><th>Grade points</th></tr></thead><tbody>`)
		for _, c := range t.Courses {
			w(`<tr><td>`, c.Code, `</td><td>`, c.Title, `</td><td>`, c.Credits, `</td><td>`, c.Grade, `</td><td>`, transcript.FormatPoints(c.GradePoints), `</td></tr>`)
		}
		w(`</tbody><tfoot><tr><td colspan="5">TGA `, or(t.TGA), ` (`, t.Scale, `); credits earned `, t.TermCredits, `</td></tr></tfoot></table>`)
	}
	w(`<p>CGA `, or(s.CGA), ` (`, s.Scale, `); credits earned `, s.CreditsEarned, `; credits in average `, s.CreditsInAverage, `</p>`)
	if a := s.Award; a != nil {
		w(`<p>`, a.Degree)
		if a.Major != "" {
			w(` in `, a.Major)
		}
		if a.Classification != "" {
			w(`, `, a.Classification)
		}
		if a.Conferred != "" {
			w(`; conferred `, a.Conferred)
		}
		w(`</p>`)
	}
	w(`<p>Grading: `, s.GradingScheme, `. Credential `, c.ID, `, issued `, c.ValidFrom, `.</p></div>`)
	return b.String(), nil
}
