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
	Expires, ExpiresZH                 string
	ThirdParty                         bool
	Test                               string // the test chain it was issued on, if it was
}

const mailText = `{{if .Test}}THIS IS A TEST: this transcript was issued on a test chain ({{.Test}}) and is not an official record.
此為測試：此成績單於測試區塊鏈（{{.Test}}）上簽發，並非正式紀錄。

{{end}}{{if .ThirdParty}}Dear recipient,

{{.Institution}} sends you, at the request of {{.Name}}, their electronic transcript.{{else}}Dear {{.Name}},

{{.Institution}} has issued your electronic transcript.{{end}}

Download it (the verifiable credential as JSON, and the signed PDF) until {{.Expires}}:
{{.Link}}

Anyone can check that it is genuine at:
{{.VerifyURL}}

This link is personal: do not forward it. Ask the registry for a new one if it has expired.

------------------------------------------------------------

{{if .ThirdParty}}您好：

{{.Institution}}應 {{.Name}} 的要求，將其電子成績單發送給您。{{else}}{{.Name}} 您好：

{{.Institution}}已為您簽發電子成績單。{{end}}

請於 {{.ExpiresZH}} 前下載（JSON 格式的可驗證憑證及已簽署的 PDF）：
{{.Link}}

任何人均可在以下網址核實其真確性：
{{.VerifyURL}}

此連結僅供您本人使用，請勿轉發。如連結已過期，請聯絡教務處索取新連結。
`

const mailHTML = `<!DOCTYPE html>
<html><body style="font-family: sans-serif; line-height: 1.5">
{{if .Test}}<p style="border:3px solid #a4161a;padding:.5rem;color:#a4161a"><strong>THIS IS A TEST</strong>: this transcript was issued on a test chain ({{.Test}}) and is not an official record.<br>
<span lang="zh-Hant"><strong>此為測試</strong>：此成績單於測試區塊鏈（{{.Test}}）上簽發，並非正式紀錄。</span></p>{{end}}
<div lang="en">
{{if .ThirdParty}}<p>Dear recipient,</p><p>{{.Institution}} sends you, at the request of {{.Name}}, their electronic transcript.</p>
{{else}}<p>Dear {{.Name}},</p><p>{{.Institution}} has issued your electronic transcript.</p>{{end}}
<p><a href="{{.Link}}">Download it</a> (the verifiable credential as JSON, and the signed PDF) until {{.Expires}}.</p>
<p>Anyone can check that it is genuine at <a href="{{.VerifyURL}}">{{.VerifyURL}}</a>.</p>
<p>This link is personal: do not forward it. Ask the registry for a new one if it has expired.</p>
</div>
<hr>
<div lang="zh-Hant">
{{if .ThirdParty}}<p>您好：</p><p>{{.Institution}}應 {{.Name}} 的要求，將其電子成績單發送給您。</p>
{{else}}<p>{{.Name}} 您好：</p><p>{{.Institution}}已為您簽發電子成績單。</p>{{end}}
<p>請於 {{.ExpiresZH}} 前<a href="{{.Link}}">下載</a>（JSON 格式的可驗證憑證及已簽署的 PDF）。</p>
<p>任何人均可在 <a href="{{.VerifyURL}}">{{.VerifyURL}}</a> 核實其真確性。</p>
<p>此連結僅供您本人使用，請勿轉發。如連結已過期，請聯絡教務處索取新連結。</p>
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
		ThirdParty: d.Kind == KindThirdParty}
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
