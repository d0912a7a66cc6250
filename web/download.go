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
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}
a{color:#0645ad}li{margin:.4rem 0}.zh{margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}</style></head>
<body><main>
{{if .Test}}<p style="border:3px solid #a4161a;padding:.5rem 1rem;color:#a4161a"><strong>TEST CREDENTIAL</strong>: issued on a test chain ({{.Test}}), not an official record.
<span lang="zh-Hant"><strong>測試憑證</strong>：於測試區塊鏈（{{.Test}}）上簽發，並非正式紀錄。</span></p>{{end}}
<h1>{{.Institution}}</h1>
<p>The electronic transcript of <strong>{{.Name}}</strong>{{if .NameLocal}} ({{.NameLocal}}){{end}}, credential <code>{{.ID}}</code>. This link works until {{.Expires}}.</p>
<ul>
<li><a href="{{.Base}}/transcript.pdf" download>Transcript PDF</a> (signed by the registry; the credential is attached)</li>
<li><a href="{{.Base}}/credential.json" download>Verifiable credential (JSON)</a></li>
<li>Share this verification link with an employer or a university: <a href="{{.VerifyURL}}">{{.VerifyURL}}</a></li>
</ul>
<div class="zh" lang="zh-Hant">
<p><strong>{{if .NameLocal}}{{.NameLocal}}{{else}}{{.Name}}{{end}}</strong> 的電子成績單（憑證 <code>{{.ID}}</code>）。此連結有效至 {{.ExpiresZH}}。</p>
<ul>
<li><a href="{{.Base}}/transcript.pdf" download>成績單 PDF</a>（經教務處簽署，並附可驗證憑證）</li>
<li><a href="{{.Base}}/credential.json" download>可驗證憑證（JSON）</a></li>
<li>核實連結，可分享予僱主或大學：<a href="{{.VerifyURL}}">{{.VerifyURL}}</a></li>
</ul></div>
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

// downloadPage offers the JSON, the PDF and the public verification link.
func (s *Server) downloadPage(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
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
	cfg := s.Site.Config
	data := map[string]string{
		"Institution": cfg.Name, "Name": cred.Subject.Name, "NameLocal": cred.Subject.NameLocal, "ID": cred.ID,
		"Base": s.prefix + "/d/" + c.Param("token"), "VerifyURL": cfg.VerifyURL(cred.ID),
		"Expires": d.Link.Expires.Format("2 January 2006"), "ExpiresZH": d.Link.Expires.Format("2006年1月2日"),
	}
	if delivery.TestChain(d.Job.Chain) {
		data["Test"] = d.Job.Chain
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	var sb strings.Builder
	if err := downloadTmpl.Execute(&sb, data); err != nil {
		return err
	}
	s.logDownload(c, d, "page")
	return c.HTML(http.StatusOK, sb.String())
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
