package web

import (
	"crypto/hmac"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/pdf/pdfcheck"
	"github.com/etranscript/etranscript/receipt"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/verifier"
	"github.com/labstack/echo/v4"
)

//go:embed assets
var assets embed.FS

// lang is a page's language: "en" or "zh-Hant".
type lang string

// words are the pages' own texts in each language. Check messages come
// from the verifier in English.
var words = map[lang]map[string]string{
	"en": {
		"title": "Verify a transcript", "intro": "Check an electronic transcript issued as a Blockcerts credential: choose its .pdf or .json file, or paste the credential.",
		"file": "Transcript PDF or credential JSON", "paste": "Or paste the credential JSON", "verify": "Verify",
		"verified": "Verified: this transcript is genuine and unchanged.", "failed": "Failed: do not trust this transcript.",
		"indeterminate": "Not verified: some checks could not be made.", "checks": "Checks",
		"passed": "passed", "failedc": "failed", "unknown": "could not check", "skipped": "skipped",
		"student": "Student", "id": "Student ID", "programme": "Programme", "cga": "CGA", "credits": "Credits earned", "award": "Award",
		"term": "Term", "code": "Code", "course": "Course title", "cr": "Credits", "grade": "Grade", "points": "Grade points", "tga": "TGA",
		"issuer": "Issuer", "trusted": "as published at", "anchor": "Blockchain anchor", "chain": "Chain", "tx": "Transaction", "block": "Block",
		"time": "Time", "confirmations": "Confirmations", "again": "Verify another", "other": "中文", "credential": "Credential",
		"share": "Share link", "listed": "This issuer is on this site's list of trusted issuers.",
		"unlisted":     "This issuer is not on this site's list of trusted issuers: decide for yourself whether you know it.",
		"err_nofile":   "Choose a .pdf or .json file, or paste a credential.",
		"err_notcred":  "This is neither a transcript PDF nor a credential in JSON: nothing was verified.",
		"err_large":    "The file is too large for this site: a transcript PDF or a credential is far smaller.",
		"err_rate":     "Too many verifications from your address: wait a moment and try again.",
		"err_busy":     "The verifier is busy: try again in a few seconds.",
		"err_expired":  "This result is no longer kept: verify the file again.",
		"err_other":    "The upload could not be read: try again.",
		"sharedby":     "Shared by the graduate on",
		"receipt":      "Download a signed receipt of this verification",
		"details":      "details",
		"status":       "Status",
		"check_format": "Form of the credential", "check_integrity": "Content unchanged", "check_merkle": "Part of its batch",
		"check_anchor": "Recorded on blockchain", "check_issuer": "Issued by", "check_signature": "Issuer's signature",
		"check_key_validity": "Key valid when used", "check_revocation": "Not revoked", "check_validity_period": "Within its validity",
		"check_pdf_signature": "PDF signed by the registry", "check_presentation": "Credentials presented",

		"shareuntil": "this link works until",
		"limited":    "This page shows whether the credential is valid and who issued it. The graduate's name and grades are shown only through a link the graduate shares, or the QR code of their PDF.",
	},
	"zh-Hant": {
		"title": "核實成績單", "intro": "核實以 Blockcerts 憑證簽發的電子成績單：選擇其 .pdf 或 .json 檔案，或貼上憑證內容。",
		"file": "成績單 PDF 或憑證 JSON", "paste": "或貼上憑證 JSON", "verify": "核實",
		"verified": "已核實：此成績單真確無誤，未經改動。", "failed": "核實失敗：請勿信任此成績單。",
		"indeterminate": "未能核實：部分檢查無法完成。", "checks": "檢查項目",
		"passed": "通過", "failedc": "失敗", "unknown": "無法檢查", "skipped": "略過",
		"student": "學生", "id": "學號", "programme": "課程", "cga": "累積平均績點", "credits": "已修學分", "award": "學位",
		"term": "學期", "code": "科目編號", "course": "科目名稱", "cr": "學分", "grade": "成績", "points": "績點", "tga": "學期平均績點",
		"issuer": "簽發機構", "trusted": "發佈於", "anchor": "區塊鏈錨定", "chain": "區塊鏈", "tx": "交易", "block": "區塊",
		"time": "時間", "confirmations": "確認數", "again": "核實另一份", "other": "English", "credential": "憑證",
		"share": "分享連結", "listed": "此簽發機構在本網站的可信簽發機構名單上。",
		"unlisted":     "此簽發機構不在本網站的可信簽發機構名單上，請自行判斷是否認識此機構。",
		"err_nofile":   "請選擇 .pdf 或 .json 檔案，或貼上憑證內容。",
		"err_notcred":  "此檔案既非成績單 PDF，亦非 JSON 格式的憑證：未有核實任何內容。",
		"err_large":    "檔案過大：成績單 PDF 或憑證遠小於此上限。",
		"err_rate":     "來自您網絡位址的核實次數過多：請稍候再試。",
		"err_busy":     "核實服務繁忙：請於數秒後再試。",
		"err_expired":  "此核實結果已不再保存：請重新核實檔案。",
		"err_other":    "無法讀取上載的檔案：請再試。",
		"sharedby":     "畢業生分享於",
		"receipt":      "下載本次核實的簽署收據",
		"details":      "詳情",
		"status":       "狀態",
		"check_format": "憑證格式", "check_integrity": "內容未經改動", "check_merkle": "屬於其批次",
		"check_anchor": "已記錄於區塊鏈", "check_issuer": "簽發機構", "check_signature": "簽發機構的簽署",
		"check_key_validity": "金鑰於使用時有效", "check_revocation": "未被撤銷", "check_validity_period": "於有效期內",
		"check_pdf_signature": "PDF 經教務處簽署", "check_presentation": "所展示的憑證",

		"shareuntil": "此連結有效至",
		"limited":    "此頁面僅顯示憑證是否有效及其簽發機構。畢業生的姓名及成績，只可透過畢業生分享的連結或其 PDF 上的二維碼查閱。",
	},
}

// pickLang reads ?lang=, then Accept-Language.
func pickLang(c echo.Context) lang {
	switch q := c.QueryParam("lang"); q {
	case "en", "zh-Hant":
		return lang(q)
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		if strings.HasPrefix(tag, "zh") {
			return "zh-Hant"
		}
		if strings.HasPrefix(tag, "en") {
			return "en"
		}
	}
	return "en"
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"t":      func(l lang, k string) string { return words[l][k] },
	"points": transcript.FormatPoints,
	// msg is a check's message in the page's language.
	"msg": func(l lang, c verifier.Check) string { return c.Render(verifier.Catalogue(string(l))) },
	// checkName is a check's name in words.
	"checkName": func(l lang, id string) string {
		if w, ok := words[l]["check_"+id]; ok {
			return w
		}
		return id
	},
	"statusWord": func(l lang, s verifier.Status) string {
		if s == verifier.Failed {
			return words[l]["failedc"]
		}
		return words[l][string(s)]
	},
	"pair": func(l lang, v *transcriptView) map[string]any { return map[string]any{"L": l, "V": v} },
}).Parse(`{{define "transcript"}}{{$l := .L}}{{with .V}}<h2>{{t $l "student"}}: {{if and (eq $l "zh-Hant") .NameLocal}}{{.NameLocal}} ({{.Name}}){{else}}{{.Name}}{{if .NameLocal}} ({{.NameLocal}}){{end}}{{end}}</h2>
<table><tbody><tr><th scope="row">{{t $l "id"}}</th><td>{{.StudentID}}</td></tr>
<tr><th scope="row">{{t $l "programme"}}</th><td>{{.Program.Name}} ({{.Program.Code}})</td></tr>
<tr><th scope="row">{{t $l "cga"}}</th><td>{{.CGA}}</td></tr>
<tr><th scope="row">{{t $l "credits"}}</th><td>{{.CreditsEarned}}</td></tr>
{{with .Award}}<tr><th scope="row">{{t $l "award"}}</th><td>{{.Degree}}{{if .Major}}, {{.Major}}{{end}}{{if .Classification}}, {{.Classification}}{{end}} {{.Conferred}}</td></tr>{{end}}
</tbody></table>
{{range .Terms}}<h3>{{.Term}}</h3><table class="courses"><thead><tr><th scope="col">{{t $l "code"}}</th><th scope="col">{{t $l "course"}}</th><th scope="col" class="num">{{t $l "cr"}}</th><th scope="col">{{t $l "grade"}}</th><th scope="col" class="num">{{t $l "points"}}</th></tr></thead><tbody>
{{range .Courses}}<tr><td>{{.Code}}</td><td>{{.Title}}</td><td class="num">{{.Credits}}</td><td>{{.Grade}}</td><td class="num">{{points .GradePoints}}</td></tr>{{end}}
</tbody></table><p>{{t $l "tga"}}: {{.TGA}}</p>{{end}}{{end}}{{end}}<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t .Lang "title"}}</title><link rel="stylesheet" href="{{.Prefix}}/static/style.css"></head>
<body><header><nav><a href="{{if .Token}}{{.Prefix}}/verify/{{.Token}}{{end}}?lang={{.OtherLang}}" hreflang="{{.OtherLang}}">{{t .Lang "other"}}</a></nav>
<p><a href="{{.Prefix}}/">{{t .Lang "title"}}</a></p></header><main>
{{if .Result}}{{with .Result}}
<h1>{{t $.Lang "title"}}</h1>
<p class="verdict {{.Status}}" role="status">{{if eq .Status "verified"}}✔ {{t $.Lang "verified"}}{{else if eq .Status "failed"}}✘ {{t $.Lang "failed"}}{{else}}? {{t $.Lang "indeterminate"}}{{end}}</p>
{{if $.File}}<p class="muted">{{$.File}}</p>{{end}}
{{with $.Shared}}<p class="shared">{{t $.Lang "sharedby"}} {{.Created.Format "2006-01-02"}}; {{t $.Lang "shareuntil"}} {{.Expires.Format "2006-01-02"}}.</p>{{end}}
{{if $.Limited}}<p class="limited">{{t $.Lang "limited"}}</p>{{end}}
{{with .Credential}}{{if .Issuer}}<p>{{t $.Lang "issuer"}}: {{if $.IssuerName}}<strong>{{$.IssuerName}}</strong>, {{t $.Lang "trusted"}} {{end}}<strong>{{$.IssuerHost}}</strong> <span class="muted">({{.Issuer}})</span></p>{{end}}{{end}}
{{with .Trust}}<p>{{if .Listed}}✔ {{t $.Lang "listed"}}{{else}}⚠ {{t $.Lang "unlisted"}}{{end}}</p>{{end}}
{{with $.Transcript}}{{template "transcript" (pair $.Lang .)}}{{end}}
<h2>{{t $.Lang "checks"}}</h2>
<ul class="checks">
{{range .Checks}}<li class="status-{{.Status}}"><strong>{{checkName $.Lang .ID}}</strong>: {{if eq .Status "passed"}}✔{{else if eq .Status "failed"}}✘{{else if eq .Status "unknown"}}?{{else}}–{{end}} {{statusWord $.Lang .Status}}
<details><summary>{{t $.Lang "details"}}</summary><p>{{msg $.Lang .}}</p></details></li>
{{end}}</ul>
{{with .Credential}}{{if .Anchor}}<h2>{{t $.Lang "anchor"}}</h2><table><tbody>
<tr><th scope="row">{{t $.Lang "chain"}}</th><td>{{.Anchor.Chain}}</td></tr>
<tr><th scope="row">{{t $.Lang "tx"}}</th><td>{{if $.Explorer}}<a href="{{$.Explorer}}">{{.Anchor.Tx}}</a>{{else}}{{.Anchor.Tx}}{{end}}</td></tr>
{{if .Anchor.Block}}<tr><th scope="row">{{t $.Lang "block"}}</th><td>{{.Anchor.Block}}</td></tr>{{end}}
{{if .Anchor.Time}}<tr><th scope="row">{{t $.Lang "time"}}</th><td>{{.Anchor.Time}}</td></tr>{{end}}
{{if .Anchor.Confirmations}}<tr><th scope="row">{{t $.Lang "confirmations"}}</th><td>{{.Anchor.Confirmations}}</td></tr>{{end}}
</tbody></table>{{end}}{{end}}
{{end}}
{{if and .Receipts .Token}}<p class="noprint"><a href="{{.Prefix}}/verify/{{.Token}}/receipt" download>{{t .Lang "receipt"}}</a> · <a href="{{.Prefix}}/verify/{{.Token}}/receipt.pdf" download>PDF</a></p>{{end}}
<p class="noprint"><a href="{{.Prefix}}/">{{t .Lang "again"}}</a></p>
{{else}}
<h1>{{t .Lang "title"}}</h1>{{if .Error}}<p class="error" role="alert">{{t .Lang .Error}}</p>{{end}}<p>{{t .Lang "intro"}}</p>
<form method="post" action="{{.Prefix}}/verify?lang={{.Lang}}" enctype="multipart/form-data">
<fieldset><label for="file">{{t .Lang "file"}}</label><br><input id="file" name="file" type="file" accept=".json,.pdf,application/json,application/pdf"></fieldset>
<fieldset><label for="credential">{{t .Lang "paste"}}</label><br><textarea id="credential" name="credential" rows="8"></textarea></fieldset>
<button type="submit">{{t .Lang "verify"}}</button></form>
{{end}}</main></body></html>`))

// page is what the page template shows.
type page struct {
	Lang, OtherLang lang
	Prefix          string
	Result          *verifier.Result
	Transcript      *transcriptView
	File            string
	Explorer        string
	IssuerHost      string
	Token           string // the kept result's, for the language switch
	Error           string // a form error's word key
	Shared          *sharedLine
	Limited         bool   // the page by id: no transcript, and it says why
	Hash            string // the SHA-256 of the upload, for its receipt
	IssuerName      string // as its published profile says
	Receipts        bool   // the site signs receipts
}

// transcriptView is the part of the credential the result page shows.
type transcriptView struct {
	Name, NameLocal, StudentID, CGA, CreditsEarned string
	Program                                        struct{ Code, Name string }
	Award                                          *struct{ Degree, Major, Classification, Conferred string }
	Terms                                          []struct {
		Term, TGA string
		Courses   []struct{ Code, Title, Credits, Grade, GradePoints string }
	}
}

func (s *Server) render(c echo.Context, code int, p page) error {
	p.Prefix = s.prefix
	p.Lang = pickLang(c)
	if p.Result != nil && p.Result.Credential != nil {
		if u, err := url.Parse(p.Result.Credential.Issuer); err == nil && u.Host != "" {
			p.IssuerHost = u.Host
		} else {
			p.IssuerHost = p.Result.Credential.Issuer
		}
	}
	if p.Result != nil {
		for _, c := range p.Result.Checks {
			if c.ID == verifier.CheckIssuer && c.Status == verifier.Passed {
				p.IssuerName = c.Params["name"]
			}
		}
	}
	p.OtherLang = "zh-Hant"
	if p.Lang == "zh-Hant" {
		p.OtherLang = "en"
	}
	var b strings.Builder
	if err := pageTmpl.Execute(&b, p); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Vary", "Accept-Language")
	if p.Result != nil {
		h.Set("Cache-Control", "no-store") // a transcript: kept by no cache
	}
	return c.HTML(code, b.String())
}

func (s *Server) indexPage(c echo.Context) error { return s.render(c, http.StatusOK, page{}) }

// resultPage verifies an upload from the form and shows the result.
// A form error is answered with the form again, its message in the
// page's language; a result is kept for its language switch.
func (s *Server) resultPage(c echo.Context) error {
	r, data, isPDF, err := s.verifyUpload(c)
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code >= 400 && he.Code < 600 && he.Code != http.StatusInternalServerError {
		return s.render(c, he.Code, page{Error: formError(he)})
	}
	if err != nil {
		return err
	}
	p := page{Result: r, Transcript: transcriptOf(data, isPDF, r), Explorer: explorer(r), Hash: receipt.Hash(data),
		Receipts: s.Verifying.Receipts != nil}
	p.Token = s.results.put(p, time.Now())
	return s.render(c, http.StatusOK, p)
}

// formError is the word key of an upload's error.
func formError(he *echo.HTTPError) string {
	if he == errNoUpload {
		return "err_nofile"
	}
	switch he.Code {
	case http.StatusBadRequest:
		return "err_notcred"
	case http.StatusUnsupportedMediaType:
		return "err_notcred"
	case http.StatusRequestEntityTooLarge:
		return "err_large"
	case http.StatusTooManyRequests:
		return "err_rate"
	case http.StatusServiceUnavailable:
		return "err_busy"
	}
	return "err_other"
}

// cachedResult shows a kept result again (in the language asked), or says
// it is no longer kept.
func (s *Server) cachedResult(c echo.Context) error {
	p, ok := s.results.get(c.Param("token"), time.Now())
	if !ok {
		return s.render(c, http.StatusGone, page{Error: "err_expired"})
	}
	return s.render(c, http.StatusOK, p)
}

// receiptDownload answers GET /verify/TOKEN/receipt: the signed receipt
// of a result the site still keeps, as a file to keep.
func (s *Server) receiptDownload(c echo.Context) error {
	if f := c.Param("format"); f != "receipt" && f != "receipt.pdf" {
		return echo.NewHTTPError(http.StatusNotFound, "no such page")
	}
	p, ok := s.results.get(c.Param("token"), time.Now())
	if !ok {
		return s.render(c, http.StatusGone, page{Error: "err_expired"})
	}
	if s.Verifying.Receipts == nil || p.Hash == "" {
		return echo.NewHTTPError(http.StatusNotFound, "this site signs no receipts")
	}
	rc, err := s.Verifying.Receipts.make(c.Request().Context(), p.Result, p.Hash)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rc, "", "  ")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	if c.Param("format") == "receipt.pdf" && s.Verifying.Receipts.PDF != nil {
		pdf, err := s.Verifying.Receipts.PDF(b)
		if err != nil {
			return err
		}
		h.Set("Content-Disposition", `attachment; filename="verification-receipt.pdf"`)
		return c.Blob(http.StatusOK, "application/pdf", pdf)
	}
	h.Set("Content-Disposition", `attachment; filename="verification-receipt.json"`)
	return c.Blob(http.StatusOK, "application/vc+ld+json", b)
}

// verifyAgain sends a GET of the form's address to the form.
func (s *Server) verifyAgain(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, s.prefix+"/?lang="+string(pickLang(c)))
}

// sharePage verifies a credential this instance issued: /v/{id}.
func (s *Server) sharePage(c echo.Context) error {
	if s.Issuing == nil {
		return echo.NewHTTPError(http.StatusNotFound, "this site issues no credentials")
	}
	if !s.Verifying.allow(c) {
		return echo.NewHTTPError(http.StatusTooManyRequests, "too many verifications from this address: wait a moment")
	}
	id := c.Param("id")
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	if _, err := uuid.Parse(id); err == nil && !strings.HasPrefix(id, "urn:") {
		id = "urn:uuid:" + strings.ToLower(id) // a bare UUID, as in the file's name
	}
	// The transcript only with the credential's view token (its PDF's QR
	// code): the page by id alone says whether it is valid and who issued
	// it, and shows nothing of the graduate.
	full := s.Issuing.ViewToken != nil && hmac.Equal([]byte(c.QueryParam("k")), []byte(s.Issuing.ViewToken(id)))
	return s.credentialPage(c, id, nil, full)
}

// sharedLine is what a share link's page says of the link: the graduate
// shared it then, until then. It is not the credential's own validity.
type sharedLine struct{ Created, Expires time.Time }

// credentialPage verifies a credential issued here and shows the result;
// the transcript too when full.
func (s *Server) credentialPage(c echo.Context, id string, shared *sharedLine, full bool) error {
	ctx := c.Request().Context()
	ds, err := s.Issuing.Service.Store.CredentialDeliveries(ctx, id)
	if err != nil || len(ds) == 0 {
		return echo.NewHTTPError(http.StatusNotFound, "no credential with this id was issued here")
	}
	j, err := s.Issuing.Service.Store.Job(ctx, ds[0].Batch)
	if err != nil {
		return err
	}
	file, _ := (&delivery.Download{Job: j, Delivery: &ds[0]}).Files()
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return echo.NewHTTPError(http.StatusNotFound, "the credential's file is no longer here")
	}
	if err != nil {
		return err
	}
	r, err := s.Verifying.verify(ctx, data, false)
	if err != nil {
		return busy(c, err)
	}
	p := page{Result: r, Shared: shared}
	if full {
		p.Transcript = transcriptOf(data, false, r)
	} else {
		p.Limited = true
		if r.Credential != nil {
			r.Credential.Subject = ""
		}
	}
	return s.render(c, http.StatusOK, p)
}

// transcriptOf reads the transcript to show, only from a credential whose
// integrity check passed: the page never shows content the checks did not
// cover.
func transcriptOf(data []byte, isPDF bool, r *verifier.Result) *transcriptView {
	ok := false
	for _, ch := range r.Checks {
		if ch.ID == verifier.CheckIntegrity && ch.Status == verifier.Passed {
			ok = true
		}
	}
	if !ok {
		return nil
	}
	if isPDF {
		// The transcript the PDF carries, which the checks covered.
		cred, err := pdfcheck.Attachment(data, pdfcheck.AttachmentName, 8<<20)
		if err != nil {
			return nil
		}
		data = cred
	}
	var c struct {
		Subject transcriptView `json:"credentialSubject"`
	}
	if json.Unmarshal(data, &c) != nil {
		return nil
	}
	return &c.Subject
}

// explorer links an anchor on a public chain to a public explorer.
func explorer(r *verifier.Result) string {
	if r.Credential == nil || r.Credential.Anchor == nil {
		return ""
	}
	a := r.Credential.Anchor
	switch a.Chain {
	case "ethereumMainnet", "eth:mainnet", "eth:1":
		return "https://etherscan.io/tx/" + a.Tx
	case "ethereumSepolia", "eth:sepolia", "eth:11155111":
		return "https://sepolia.etherscan.io/tx/" + a.Tx
	}
	return ""
}
