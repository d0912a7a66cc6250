package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/mail"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// The graduate's part of the site: share links made on the download page
// (/d/TOKEN) or through its JSON interface, opened at /s/TOKEN, and
// deliveries to third parties with the graduate's consent.

// wantsJSON reports a request of the JSON interface rather than of a form.
func wantsJSON(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
		r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "application/json")
}

// readJSON decodes a small JSON body strictly into v.
func readJSON(c echo.Context, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, 16<<10))
	if err != nil {
		return apiError(http.StatusRequestEntityTooLarge, "the request is too large")
	}
	if err := jsonstrict.Document(b, jsonstrict.Limits{MaxBytes: 16 << 10, MaxDepth: 8}); err != nil {
		return apiError(http.StatusBadRequest, "not valid JSON: "+err.Error())
	}
	if err := json.Unmarshal(b, v); err != nil {
		return apiError(http.StatusBadRequest, "not the expected JSON: "+err.Error())
	}
	return nil
}

// shareJSON is a share as the graduate's interface shows it.
type shareJSON struct {
	*delivery.Share
	URL       string               `json:"url,omitempty"` // only when made: the token is not kept
	Passcode  bool                 `json:"passcode"`
	State     string               `json:"state"` // active, expired, revoked, used
	AccessLog []delivery.ShareView `json:"accessLog"`
}

func shareState(sh *delivery.Share, now time.Time) string {
	switch {
	case sh.Revoked != nil:
		return "revoked"
	case !now.Before(sh.Expires):
		return "expired"
	case sh.MaxViews > 0 && sh.Views >= sh.MaxViews:
		return "used"
	}
	return "active"
}

// createShare answers POST /d/TOKEN/shares: 201 with the new share (JSON),
// or the download page showing its link once (form).
func (s *Server) createShare(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
	var req delivery.ShareRequest
	if wantsJSON(c) {
		if err := readJSON(c, &req); err != nil {
			return err
		}
	} else {
		req.Label, req.Passcode = c.FormValue("label"), c.FormValue("passcode")
		req.Days, _ = strconv.Atoi(c.FormValue("days"))
		req.MaxViews, _ = strconv.Atoi(c.FormValue("maxViews"))
	}
	sh, token, err := s.Issuing.Service.CreateShare(c.Request().Context(), d, req)
	if errors.Is(err, delivery.ErrInvalidShare) {
		return apiError(http.StatusBadRequest, err.Error())
	}
	if err != nil {
		return err
	}
	url := s.Issuing.Service.ShareURL(token)
	if !wantsJSON(c) {
		return s.renderDownload(c, d, url)
	}
	return c.JSON(http.StatusCreated, shareJSON{Share: sh, URL: url, Passcode: sh.HasPasscode(), State: "active", AccessLog: []delivery.ShareView{}})
}

// holderView is what the graduate's link shows of their credential's
// shares, deliveries and consents.
type holderView struct {
	Shares     []shareJSON         `json:"shares"`
	Deliveries []delivery.Delivery `json:"deliveries"`
	Consents   []delivery.Consent  `json:"consents"`
}

// holderData reads a credential's shares (with their logs), its
// deliveries to third parties and the consents.
func (s *Server) holderData(c echo.Context, credential string) (*holderView, error) {
	ctx := c.Request().Context()
	svc := s.Issuing.Service
	shs, logs, err := svc.SharesOf(ctx, credential)
	if err != nil {
		return nil, err
	}
	v := &holderView{Shares: []shareJSON{}, Deliveries: []delivery.Delivery{}, Consents: []delivery.Consent{}}
	now := time.Now()
	for i := range shs {
		log := logs[shs[i].ID]
		if log == nil {
			log = []delivery.ShareView{}
		}
		v.Shares = append(v.Shares, shareJSON{Share: &shs[i], Passcode: shs[i].HasPasscode(), State: shareState(&shs[i], now), AccessLog: log})
	}
	ds, err := svc.Store.CredentialDeliveries(ctx, credential)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Kind == delivery.KindThirdParty {
			v.Deliveries = append(v.Deliveries, d)
		}
	}
	if v.Consents, err = svc.Shares.Consents(ctx, credential); err != nil {
		return nil, err
	}
	if v.Consents == nil {
		v.Consents = []delivery.Consent{}
	}
	return v, nil
}

// listShares answers GET /d/TOKEN/shares (JSON).
func (s *Server) listShares(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
	v, err := s.holderData(c, d.Delivery.Credential)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, v)
}

// revokeShareHolder answers POST /d/TOKEN/shares/ID/revoke: 204 (JSON), or
// back to the download page (form).
func (s *Server) revokeShareHolder(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
	err = s.Issuing.Service.RevokeShare(c.Request().Context(), d.Delivery.Credential, c.Param("id"))
	if errors.Is(err, delivery.ErrNotFound) {
		return apiError(http.StatusNotFound, "no such share link")
	}
	if err != nil {
		return err
	}
	if wantsJSON(c) || c.Request().Header.Get("Content-Type") == "" && strings.Contains(c.Request().Header.Get("Accept"), "json") {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, s.prefix+"/d/"+c.Param("token"))
}

// deliverWithConsent answers POST /d/TOKEN/deliveries: 202 (JSON) or back
// to the download page (form); 400 without the graduate's consent.
func (s *Server) deliverWithConsent(c echo.Context) error {
	d, err := s.open(c)
	if err != nil {
		return err
	}
	var req struct {
		Email   string `json:"email"`
		Note    string `json:"note"`
		Consent bool   `json:"consent"`
	}
	if wantsJSON(c) {
		if err := readJSON(c, &req); err != nil {
			return err
		}
	} else {
		req.Email, req.Note, req.Consent = c.FormValue("email"), c.FormValue("note"), c.FormValue("consent") == "yes"
	}
	if !validAddress(req.Email) {
		return apiError(http.StatusBadRequest, "email: expected one mail address, such as admissions@university.example")
	}
	x, consent, err := s.Issuing.Service.SendWithConsent(c.Request().Context(), d, req.Email, req.Note, req.Consent)
	switch {
	case errors.Is(err, delivery.ErrNoConsent), errors.Is(err, delivery.ErrInvalidShare):
		return apiError(http.StatusBadRequest, err.Error())
	case err != nil:
		return err
	}
	if !wantsJSON(c) {
		return c.Redirect(http.StatusSeeOther, s.prefix+"/d/"+c.Param("token"))
	}
	return c.JSON(http.StatusAccepted, map[string]any{"delivery": x, "consent": consent})
}

// clientView is how a share's access log tells a client: its browser
// family and its network, an IPv4 /24 or an IPv6 /48, never its address.
func (s *Server) clientView(c echo.Context) delivery.ShareView {
	ua := c.Request().UserAgent()
	browser := "other"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	network := "unknown"
	key := clientKey(c.Request(), s.Verifying.TrustedProxies) // an address, or an IPv6 /64
	ip, err := netip.ParseAddr(key)
	if err != nil {
		if p, perr := netip.ParsePrefix(key); perr == nil {
			ip, err = p.Addr(), nil
		}
	}
	if err == nil {
		bits := 24
		if !ip.Is4() {
			bits = 48
		}
		if p, err := ip.Prefix(bits); err == nil {
			network = p.String()
		}
	}
	return delivery.ShareView{Browser: browser, Network: network}
}

var sharePageTmpl = template.Must(template.New("s").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shared transcript · 分享的成績單</title><link rel="stylesheet" href="{{.Prefix}}/static/style.css"></head>
<body><main>
<h1>Shared transcript <span lang="zh-Hant">分享的成績單</span></h1>
{{if .Gone}}<p role="alert">This link has expired, was withdrawn by the graduate, or has been opened as often as allowed. Ask the graduate for a new one.</p>
<p lang="zh-Hant" role="alert">此連結已過期、已被畢業生撤回，或已達開啟次數上限。請向畢業生索取新連結。</p>
{{else if .Locked}}<p role="alert">Too many wrong passcodes: this link is locked for 15 minutes.</p>
<p lang="zh-Hant" role="alert">密碼錯誤次數過多：此連結已鎖定 15 分鐘。</p>
{{else}}{{if .Wrong}}<p class="error" role="alert">Wrong passcode. <span lang="zh-Hant">密碼錯誤。</span></p>{{end}}
<p>The graduate protected this link with a passcode. <span lang="zh-Hant">畢業生為此連結設定了密碼。</span></p>
<form method="post" action="{{.Action}}">
<label for="passcode">Passcode <span lang="zh-Hant">密碼</span></label>
<input id="passcode" name="passcode" type="password" autocomplete="off" required>
<button type="submit">Open <span lang="zh-Hant">開啟</span></button></form>{{end}}
</main></body></html>
`))

// sharedPage answers GET and POST /s/TOKEN: the verification page of the
// shared credential, with the passcode when it has one; 401 with the form,
// 410 once it ended, 429 while it is locked.
func (s *Server) sharedPage(c echo.Context) error {
	if !s.Verifying.allow(c) {
		return echo.NewHTTPError(http.StatusTooManyRequests, "too many requests from this address: wait a moment")
	}
	token := c.Param("token")
	passcode := ""
	if c.Request().Method == http.MethodPost {
		passcode = c.FormValue("passcode")
	}
	sh, err := s.Issuing.Service.OpenShare(c.Request().Context(), token, passcode, s.clientView(c))
	data := map[string]any{"Prefix": s.prefix, "Action": s.prefix + "/s/" + token}
	code := 0
	switch {
	case errors.Is(err, delivery.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "no such share link")
	case errors.Is(err, delivery.ErrShareGone):
		data["Gone"], code = true, http.StatusGone
	case errors.Is(err, delivery.ErrShareLocked):
		data["Locked"], code = true, http.StatusTooManyRequests
		c.Response().Header().Set("Retry-After", "900")
	case errors.Is(err, delivery.ErrPasscodeWrong):
		data["Wrong"], code = true, http.StatusUnauthorized
	case errors.Is(err, delivery.ErrPasscodeNeeded):
		code = http.StatusUnauthorized
	case err != nil:
		return err
	}
	if code != 0 {
		var b strings.Builder
		if err := sharePageTmpl.Execute(&b, data); err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		return c.HTML(code, b.String())
	}
	return s.credentialPage(c, sh.Credential, &sharedLine{Created: sh.Created, Expires: sh.Expires}, true)
}

// validAddress reports one plain mail address.
func validAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

var renewTmpl = template.Must(template.New("r").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A new download link · 新的下載連結</title><link rel="stylesheet" href="{{.Prefix}}/static/style.css"></head>
<body><main>
<h1>A new download link <span lang="zh-Hant">新的下載連結</span></h1>
{{if .Sent}}<p role="status">If the student id and the address match a transcript issued here, a new link is on its way to that address.</p>
<p lang="zh-Hant" role="status">如學號及電郵地址與本處簽發的成績單相符，新連結已寄往該電郵地址。</p>
{{else}}<p>Your link has expired? Give your student id and the address the registry has on record; a new link goes to that address.</p>
<p lang="zh-Hant">連結已過期？請填寫學號及教務處紀錄中的電郵地址，新連結將寄往該地址。</p>
<form method="post" action="{{.Prefix}}/renew">
<label for="studentId">Student id <span lang="zh-Hant">學號</span></label><input id="studentId" name="studentId" required maxlength="64">
<label for="email">Email on record <span lang="zh-Hant">紀錄中的電郵</span></label><input id="email" name="email" type="email" required>
<p><button type="submit">Send me a new link <span lang="zh-Hant">寄出新連結</span></button></p></form>{{end}}
</main></body></html>
`))

// renewPage answers GET and POST /renew: a graduate whose link expired asks
// for a new one. The answer is the same whether or not anything matched,
// and each client may ask a few times an hour.
func (s *Server) renewPage(c echo.Context) error {
	data := map[string]any{"Prefix": s.prefix}
	if c.Request().Method == http.MethodPost {
		if !s.renewals.allow(clientKey(c.Request(), s.trustedProxies()), s.Issuing.RenewPerHour) {
			c.Response().Header().Set("Retry-After", "3600")
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many requests for new links from this address: try again in an hour")
		}
		err := s.Issuing.Service.Renew(c.Request().Context(), c.FormValue("studentId"), c.FormValue("email"), s.studentOf)
		if err != nil {
			s.Log.Error("renewing a link", "err", err)
		}
		data["Sent"] = true
	}
	var b strings.Builder
	if err := renewTmpl.Execute(&b, data); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTML(http.StatusOK, b.String())
}

// studentOf reads the student id of a delivery's credential.
func (s *Server) studentOf(d *delivery.Delivery) (string, error) {
	j, err := s.Issuing.Service.Store.Job(context.Background(), d.Batch)
	if err != nil {
		return "", err
	}
	file, _ := (&delivery.Download{Job: j, Delivery: d}).Files()
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var c struct {
		Subject struct {
			StudentID string `json:"studentId"`
		} `json:"credentialSubject"`
	}
	return c.Subject.StudentID, json.Unmarshal(b, &c)
}

func (s *Server) trustedProxies() []netip.Prefix {
	if s.Verifying == nil {
		return nil
	}
	return s.Verifying.TrustedProxies
}

// hourly limits each client to a number of requests an hour.
type hourly struct {
	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

func (h *hourly) allow(client string, perHour int) bool {
	if perHour <= 0 {
		perHour = 5
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clients == nil || len(h.clients) > 100_000 {
		h.clients = map[string]*rate.Limiter{}
	}
	l, ok := h.clients[client]
	if !ok {
		l = rate.NewLimiter(rate.Every(time.Hour/time.Duration(perHour)), perHour)
		h.clients[client] = l
	}
	return l.Allow()
}
