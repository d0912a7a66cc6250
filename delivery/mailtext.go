package delivery

import (
	"bytes"
	htmltemplate "html/template"
	"net/mail"
	"strings"
	texttemplate "text/template"
	"time"

	mailpkg "github.com/etranscript/etranscript/mail"
)

// mailData is what a delivery mail says.
type mailData struct {
	Name, Institution, Link, VerifyURL string
	NameZH                             string // the name the Chinese part uses: the local one if any
	Expires, ExpiresZH                 string
	ThirdParty                         bool
	Note                               string // the graduate's, to a third party
	Test                               string // the test chain it was issued on, if it was
}

const mailText = `{{if .Test}}THIS IS A TEST: this transcript was issued on a test chain ({{.Test}}) and is not an official record.
此為測試：此成績單於測試區塊鏈（{{.Test}}）上簽發，並非正式紀錄。

{{end}}{{if .ThirdParty}}Dear recipient,

{{.Institution}} sends you, at the request of {{.Name}} and with their consent, their electronic transcript.
{{if .Note}}
Their note: {{.Note}}
{{end}}
View it, and see that it is genuine, until {{.Expires}}:
{{.Link}}

This link was made for you: do not forward it.{{else}}Dear {{.Name}},

{{.Institution}} has issued your electronic transcript.

Download it (the verifiable credential as JSON, and the signed PDF), and share it with employers and universities, until {{.Expires}}:
{{.Link}}

Anyone with your PDF can check that it is genuine by its QR code, or at:
{{.VerifyURL}}

This link is personal: do not forward it. Ask for a new one on the registry's site if it has expired.{{end}}

------------------------------------------------------------

{{if .ThirdParty}}您好：

{{.Institution}}應 {{.NameZH}} 的要求並經其同意，將其電子成績單發送給您。
{{if .Note}}
附言：{{.Note}}
{{end}}
請於 {{.ExpiresZH}} 前查閱並核實：
{{.Link}}

此連結專為您而設，請勿轉發。{{else}}{{.NameZH}} 您好：

{{.Institution}}已為您簽發電子成績單。

請於 {{.ExpiresZH}} 前下載（JSON 格式的可驗證憑證及已簽署的 PDF），並可分享予僱主及大學：
{{.Link}}

持有您 PDF 的人可憑其二維碼，或於以下網址核實其真確性：
{{.VerifyURL}}

此連結僅供您本人使用，請勿轉發。如連結已過期，可於教務處網站索取新連結。{{end}}
`

const mailHTML = `<!DOCTYPE html>
<html><body style="font-family: sans-serif; line-height: 1.5">
{{if .Test}}<p style="border:3px solid #a4161a;padding:.5rem;color:#a4161a"><strong>THIS IS A TEST</strong>: this transcript was issued on a test chain ({{.Test}}) and is not an official record.<br>
<span lang="zh-Hant"><strong>此為測試</strong>：此成績單於測試區塊鏈（{{.Test}}）上簽發，並非正式紀錄。</span></p>{{end}}
<div lang="en">
{{if .ThirdParty}}<p>Dear recipient,</p><p>{{.Institution}} sends you, at the request of {{.Name}} and with their consent, their electronic transcript.</p>
{{if .Note}}<p>Their note: {{.Note}}</p>{{end}}
<p><a href="{{.Link}}">View it, and see that it is genuine</a>, until {{.Expires}}.</p>
<p>This link was made for you: do not forward it.</p>
{{else}}<p>Dear {{.Name}},</p><p>{{.Institution}} has issued your electronic transcript.</p>
<p><a href="{{.Link}}">Download it</a> (the verifiable credential as JSON, and the signed PDF), and share it with employers and universities, until {{.Expires}}.</p>
<p>Anyone with your PDF can check that it is genuine by its QR code, or at <a href="{{.VerifyURL}}">{{.VerifyURL}}</a>.</p>
<p>This link is personal: do not forward it. Ask for a new one on the registry's site if it has expired.</p>{{end}}
</div>
<hr>
<div lang="zh-Hant">
{{if .ThirdParty}}<p>您好：</p><p>{{.Institution}}應 {{.NameZH}} 的要求並經其同意，將其電子成績單發送給您。</p>
{{if .Note}}<p>附言：{{.Note}}</p>{{end}}
<p>請於 {{.ExpiresZH}} 前<a href="{{.Link}}">查閱並核實</a>。</p>
<p>此連結專為您而設，請勿轉發。</p>
{{else}}<p>{{.NameZH}} 您好：</p><p>{{.Institution}}已為您簽發電子成績單。</p>
<p>請於 {{.ExpiresZH}} 前<a href="{{.Link}}">下載</a>（JSON 格式的可驗證憑證及已簽署的 PDF），並可分享予僱主及大學。</p>
<p>持有您 PDF 的人可憑其二維碼，或於 <a href="{{.VerifyURL}}">{{.VerifyURL}}</a> 核實其真確性。</p>
<p>此連結僅供您本人使用，請勿轉發。如連結已過期，可於教務處網站索取新連結。</p>{{end}}
</div>
</body></html>
`

var (
	textTmpl = texttemplate.Must(texttemplate.New("text").Parse(mailText))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(mailHTML))
)

// compose writes the delivery mail of d, with its download link.
func (s *Service) compose(d *Delivery, link string, expires time.Time, chain string) (*mailpkg.Message, error) {
	data := mailData{Name: d.Name, Institution: s.Mail.Institution, Link: link,
		Expires: expires.Format("2 January 2006"), ExpiresZH: expires.Format("2006年1月2日"),
		ThirdParty: d.Kind == KindThirdParty, Note: d.Note, NameZH: d.Name}
	if d.NameLocal != "" {
		data.NameZH = d.NameLocal
	}
	if TestChain(chain) {
		data.Test = chain
	}
	if s.Mail.VerifyURL != nil {
		data.VerifyURL = s.Mail.VerifyURL(d.Credential)
	}
	var text, html bytes.Buffer
	if err := textTmpl.Execute(&text, data); err != nil {
		return nil, err
	}
	if err := htmlTmpl.Execute(&html, data); err != nil {
		return nil, err
	}
	subject := "Your electronic transcript from " + s.Mail.Institution + " / 電子成績單"
	if data.ThirdParty {
		subject = "Electronic transcript of " + d.Name + " from " + s.Mail.Institution + " / 電子成績單"
	}
	if data.Test != "" {
		subject = "[TEST 測試] " + subject
	}
	to := (&mail.Address{Name: d.Name, Address: d.Email}).String()
	if data.ThirdParty {
		to = (&mail.Address{Address: d.Email}).String()
	}
	return &mailpkg.Message{ID: d.MessageID, From: s.Mail.From, To: to,
		Subject: strings.NewReplacer("\r", " ", "\n", " ").Replace(subject), Text: text.String(), HTML: html.String(), Date: s.now()}, nil
}
