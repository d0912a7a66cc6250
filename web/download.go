package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/labstack/echo/v4"
)

//go:embed openapi.json
var openAPI []byte

var downloadTmpl = template.Must(template.New("d").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your transcript · 成績單</title>
<style>body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}
a{color:#0645ad}li{margin:.4rem 0}.zh{color:#333}section{border-top:1px solid #ccc;margin-top:1.5rem;padding-top:.5rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}
label{display:block;margin-top:.5rem}.new{border:2px solid #1b5e20;padding:.5rem}</style></head>
<body><main>
{{if .Test}}<p style="border:3px solid #a4161a;padding:.5rem 1rem;color:#a4161a"><strong>TEST CREDENTIAL</strong>: issued on a test chain ({{.Test}}), not an official record.
<span lang="zh-Hant"><strong>測試憑證</strong>：於測試區塊鏈（{{.Test}}）上簽發，並非正式紀錄。</span></p>{{end}}
<h1>{{.Institution}}</h1>
<p>The electronic transcript of <strong>{{.Name}}</strong>{{if .NameLocal}} ({{.NameLocal}}){{end}}, credential <code>{{.ID}}</code>. This link works until {{.Expires}}.
<span class="zh" lang="zh-Hant"><strong>{{if .NameLocal}}{{.NameLocal}}{{else}}{{.Name}}{{end}}</strong> 的電子成績單。此連結有效至 {{.ExpiresZH}}。</span></p>
<ul>
<li><a href="{{.Base}}/transcript.pdf" download>Transcript PDF <span lang="zh-Hant">成績單 PDF</span></a> (signed by the registry; the credential is attached)</li>
<li><a href="{{.Base}}/credential.json" download>Verifiable credential (JSON) <span lang="zh-Hant">可驗證憑證</span></a></li>
</ul>
{{if .NewShare}}<p class="new" role="status">Your new share link (copy it now: it is shown once) <span lang="zh-Hant">新的分享連結（請立即複製，只顯示一次）</span>:<br><a href="{{.NewShare}}">{{.NewShare}}</a></p>{{end}}
<section><h2>Share <span lang="zh-Hant">分享</span></h2>
<p>Make a link for an employer or a university. It shows your verified transcript until it expires, and you can withdraw it at any time.
<span class="zh" lang="zh-Hant">為僱主或大學建立連結：在有效期內顯示經核實的成績單，您可隨時撤回。</span></p>
<form method="post" action="{{.Base}}/shares">
<label for="label">For whom <span lang="zh-Hant">對象</span></label><input id="label" name="label" required maxlength="100">
<label for="days">Valid for (days) <span lang="zh-Hant">有效日數</span></label><input id="days" name="days" type="number" min="1" max="{{.MaxDays}}" value="30">
<label for="passcode">Passcode, optional <span lang="zh-Hant">密碼（可選）</span></label><input id="passcode" name="passcode" type="password" autocomplete="new-password" minlength="4">
<label for="maxViews">Most openings, optional <span lang="zh-Hant">最多開啟次數（可選）</span></label><input id="maxViews" name="maxViews" type="number" min="1">
<p><button type="submit">Make a share link <span lang="zh-Hant">建立分享連結</span></button></p></form>
{{if .Shares}}<table><caption>Your share links <span lang="zh-Hant">您的分享連結</span></caption>
<thead><tr><th scope="col">For <span lang="zh-Hant">對象</span></th><th scope="col">Until <span lang="zh-Hant">有效至</span></th><th scope="col">State <span lang="zh-Hant">狀態</span></th><th scope="col">Opened <span lang="zh-Hant">開啟</span></th><th scope="col"></th></tr></thead><tbody>
{{range .Shares}}<tr><td>{{.Label}}{{if .Passcode}} 🔒{{end}}</td><td>{{.Expires.Format "2006-01-02"}}</td><td>{{.State}}</td>
<td>{{.Views}}{{if .MaxViews}} / {{.MaxViews}}{{end}}{{range .AccessLog}}<br><small>{{.At.Format "2006-01-02 15:04"}} UTC, {{.Browser}}, {{.Network}}</small>{{end}}</td>
<td>{{if eq .State "active"}}<form method="post" action="{{$.Base}}/shares/{{.ID}}/revoke"><button type="submit">Withdraw <span lang="zh-Hant">撤回</span></button></form>{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
</section>
<section><h2>Send to a university or an employer <span lang="zh-Hant">發送予大學或僱主</span></h2>
<form method="post" action="{{.Base}}/deliveries">
<label for="email">Their address <span lang="zh-Hant">對方電郵</span></label><input id="email" name="email" type="email" required>
<label for="note">Note, optional <span lang="zh-Hant">附言（可選）</span></label><textarea id="note" name="note" rows="3" maxlength="1000"></textarea>
<p><input id="consent" name="consent" type="checkbox" value="yes" required> <label for="consent" style="display:inline">I agree that {{.Institution}} sends my transcript to this address. <span lang="zh-Hant">本人同意{{.Institution}}將本人的成績單發送予此電郵地址。</span></label></p>
<p><button type="submit">Send <span lang="zh-Hant">發送</span></button></p></form>
{{if .Deliveries}}<table><caption>Sent <span lang="zh-Hant">已發送</span></caption><thead><tr><th scope="col">To <span lang="zh-Hant">收件人</span></th><th scope="col">State <span lang="zh-Hant">狀態</span></th><th scope="col">Consent <span lang="zh-Hant">同意</span></th></tr></thead><tbody>
{{range .Deliveries}}<tr><td>{{.Email}}</td><td>{{.State}}</td><td>{{.Consent}}</td></tr>{{end}}
</tbody></table>{{end}}
</section>
</main></body></html>
`))

// open resolves a download token: 404 unknown, 410 expired or revoked.
func (s *Server) open(c echo.Context) (*delivery.Download, error) {
	d, err := s.Issuing.Service.Open(c.Request().Context(), c.Param("token"))
	switch {
	case errors.Is(err, delivery.ErrNotFound):
		return nil, echo.NewHTTPError(http.StatusNotFound, "no such download link")
	case errors.Is(err, delivery.ErrGone):
		return nil, echo.NewHTTPError(http.StatusGone, "this download link has expired or was revoked: ask the registry for a new one")
	}
	return d, err
}

// downloadPage is the graduate's page: the JSON, the PDF, their share
// links and deliveries.
func (s *Server) downloadPage(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return s.listShares(c)
	}
	s.logDownload(c, d, "page")
	return s.renderDownload(c, d, "")
}

// deliveryRow is a third party's delivery as the graduate's page lists it.
type deliveryRow struct{ Email, State, Consent string }

// renderDownload writes the graduate's page; newShare, if set, is a share
// link just made, shown this once.
func (s *Server) renderDownload(c echo.Context, d *delivery.Download, newShare string) error {
	jsonPath, _ := d.Files()
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return err
	}
	var cred struct {
		ID      string `json:"id"`
		Subject struct {
			Name      string `json:"name"`
			NameLocal string `json:"nameLocal"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(b, &cred); err != nil {
		return err
	}
	hv, err := s.holderData(c, d.Delivery.Credential)
	if err != nil {
		return err
	}
	consents := map[string]string{}
	for _, k := range hv.Consents {
		consents[k.Delivery] = k.Created.Format("2006-01-02 15:04") + " UTC"
	}
	var rows []deliveryRow
	for _, x := range hv.Deliveries {
		state := x.State
		for _, sh := range hv.Shares {
			if sh.ID == x.Share && sh.Views > 0 {
				state = "opened"
			}
		}
		if x.State == delivery.DeliveryFailed {
			state = "bounced"
		}
		rows = append(rows, deliveryRow{Email: x.Email, State: state, Consent: consents[x.ID]})
	}
	cfg := s.Site.Config
	data := map[string]any{
		"Institution": cfg.Name, "Name": cred.Subject.Name, "NameLocal": cred.Subject.NameLocal, "ID": cred.ID,
		"Base": s.prefix + "/d/" + c.Param("token"), "NewShare": newShare, "Shares": hv.Shares, "Deliveries": rows,
		"MaxDays": s.maxShareDays(),
		"Expires": d.Link.Expires.Format("2 January 2006"), "ExpiresZH": d.Link.Expires.Format("2006年1月2日"),
	}
	if delivery.TestChain(d.Job.Chain) {
		data["Test"] = d.Job.Chain
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	var sb strings.Builder
	if err := downloadTmpl.Execute(&sb, data); err != nil {
		return err
	}
	code := http.StatusOK
	if newShare != "" {
		code = http.StatusCreated
	}
	return c.HTML(code, sb.String())
}

// maxShareDays is the longest a share link may live.
func (s *Server) maxShareDays() int {
	if n := s.Issuing.Service.Mail.MaxShareDays; n > 0 {
		return n
	}
	return delivery.DefaultMaxShareDays
}

// downloadFile sends credential.json or transcript.pdf, and logs it.
func (s *Server) downloadFile(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
	jsonPath, pdfPath := d.Files()
	var path, typ string
	switch c.Param("file") {
	case "credential.json":
		path, typ = jsonPath, "application/vc+ld+json"
	case "transcript.pdf":
		path, typ = pdfPath, "application/pdf"
	default:
		return echo.NewHTTPError(http.StatusNotFound, "no such file")
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return echo.NewHTTPError(http.StatusNotFound, "this batch was issued without PDFs")
	}
	if err != nil {
		return err
	}
	s.logDownload(c, d, c.Param("file"))
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+strings.TrimPrefix(d.Delivery.Credential, "urn:uuid:")+"-"+c.Param("file")+`"`)
	return c.Blob(http.StatusOK, typ, b)
}

func (s *Server) logDownload(c echo.Context, d *delivery.Download, what string) {
	if err := s.Issuing.Service.Store.LogDownload(c.Request().Context(), d.Link.Hash, what, time.Now()); err != nil {
		s.Log.Warn("logging a download", "err", err)
	}
}
