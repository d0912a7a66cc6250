package credential

import (
	"html/template"
	"strings"
)

// The display is built with html/template, so every value from the record
// is escaped: a name holding markup shows as text.
var displayTmpl = template.Must(template.New("display").Parse(
	`<div class="etranscript" lang="en">` +
		`<h1>{{.Issuer}}</h1><h2>Academic Transcript</h2>` +
		`<p><strong>{{.S.Name}}</strong>{{with .S.NameLocal}} <span lang="zh-Hant">{{.}}</span>{{end}}<br>Student ID {{.S.StudentID}}</p>` +
		`<p>{{.S.Program.Name}} ({{.S.Program.Code}}), {{.S.Program.Level}}{{with .S.Program.Admitted}}, admitted {{.}}{{end}}</p>` +
		`{{range .S.Terms}}<table><caption>{{.Term}}</caption>` +
		`<thead><tr><th>Course</th><th>Title</th><th>Credits</th><th>Grade</th><th>Grade points</th></tr></thead><tbody>` +
		`{{range .Courses}}<tr><td>{{.Code}}</td><td>{{.Title}}</td><td>{{.Credits}}</td><td>{{.Grade}}</td><td>{{.GradePoints}}</td></tr>{{end}}` +
		`</tbody><tfoot><tr><td colspan="5">TGA {{if .TGA}}{{.TGA}}{{else}}-{{end}} ({{.Scale}}); credits earned {{.TermCredits}}</td></tr></tfoot></table>{{end}}` +
		`<p>CGA {{if .S.CGA}}{{.S.CGA}}{{else}}-{{end}} ({{.S.Scale}}); credits earned {{.S.CreditsEarned}}; credits in average {{.S.CreditsInAverage}}</p>` +
		`{{with .S.Award}}<p>{{.Degree}}{{with .Major}} in {{.}}{{end}}{{with .Classification}}, {{.}}{{end}}{{with .Conferred}}; conferred {{.}}{{end}}</p>{{end}}` +
		`<p>Grading: {{.S.GradingScheme}}. Credential {{.ID}}, issued {{.Issued}}.</p></div>`))

func renderDisplay(c *Credential, issuerName string) (string, error) {
	var b strings.Builder
	err := displayTmpl.Execute(&b, struct {
		Issuer, ID, Issued string
		S                  *Subject
	}{issuerName, c.ID, c.ValidFrom, &c.CredentialSubject})
	return b.String(), err
}
