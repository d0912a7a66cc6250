package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/etranscript/etranscript/publish"
	"github.com/labstack/echo/v4"
)

// Server is the web service.
type Server struct {
	// Site is the issuer's published documents.
	Site *publish.Site
	// Log receives one line per request; nil discards.
	Log *slog.Logger
	// Issuing, if set, serves the issuer API and the download links.
	Issuing *Issuing
	// Verifying, if set, serves the public verifier (pages and API).
	Verifying *Verifying

	// SeparateAdmin leaves the issuer API out of Handler: AdminHandler
	// serves it on its own listener.
	SeparateAdmin bool

	prefix   string  // the base URL's path, "" or "/registry"
	results  results // result pages kept for their language switch
	renewals hourly  // requests for new download links, per client
}

// Timeouts of the HTTP server: a slow or stuck client cannot hold a
// connection for long.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 90 * time.Second
	maxHeaderBytes    = 32 << 10
)

// echo is a router with the server's error handling and middleware.
func (s *Server) echo() *echo.Echo {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if u, err := url.Parse(s.Site.Config.URL); err == nil {
		s.prefix = strings.TrimRight(u.Path, "/")
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.httpError
	e.Use(s.logRequests, securityHeaders)
	return e
}

// Handler returns the HTTP handler of the public site (and of the issuer
// API, unless SeparateAdmin).
func (s *Server) Handler() http.Handler {
	e := s.echo()
	g := e.Group(s.prefix)
	for _, p := range []string{publish.ProfilePath, publish.JWKSPath, publish.DIDPath, publish.RevocationListPath, publish.StatusPrefix + ":list/:purpose", publish.W3CStatusPrefix + ":key/:list/:purpose"} {
		g.GET(p, s.document)
		g.HEAD(p, s.document)
	}
	if s.Issuing != nil {
		s.issuerRoutes(e)
	}
	if s.Verifying != nil {
		e.GET(s.prefix+"/", s.indexPage)
		e.POST(s.prefix+"/verify", s.resultPage)
		e.GET(s.prefix+"/verify", s.verifyAgain)
		e.GET(s.prefix+"/verify/:token", s.cachedResult)
		e.GET(s.prefix+"/verify/:token/:format", s.receiptDownload)
		e.POST(s.prefix+"/api/v1/verify", s.verifyAPI)
		e.POST(s.prefix+"/credentials/verify", s.verifyCredentialVCAPI)
		e.POST(s.prefix+"/presentations/verify", s.verifyPresentationVCAPI)
		e.Match(otherMethods(http.MethodPost), s.prefix+"/api/v1/verify", methodNotAllowed(http.MethodPost))
		e.GET(s.prefix+"/v/:id", s.sharePage)
		e.StaticFS(s.prefix+"/static", echo.MustSubFS(assets, "assets"))
	}
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	return e
}

// document serves one published document with validators and a cache
// lifetime (RFC 9111 §5.2 max-age; RFC 9110 §8.8 ETag, Last-Modified;
// §13 conditional requests), and CORS open to all, since browser-based
// verifiers on other sites must read them.
func (s *Server) document(c echo.Context) error {
	r := c.Request()
	path := strings.TrimPrefix(r.URL.Path, s.prefix)
	doc, err := s.Site.Get(r.Context(), path, r.URL.Query())
	if errors.Is(err, publish.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "no such document")
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256(doc.Body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(doc.MaxAge.Seconds())))
	h.Set("Access-Control-Allow-Origin", "*")
	if !doc.Modified.IsZero() {
		h.Set("Last-Modified", doc.Modified.UTC().Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, doc.ContentType, doc.Body)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// httpError answers errors in JSON, without internals: the cause is
// logged, the client gets the status and a plain message.
func (s *Server) httpError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := http.StatusInternalServerError, "internal error"
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code = he.Code
		msg = fmt.Sprint(he.Message)
	} else {
		s.Log.Error("request failed", "method", c.Request().Method, "route", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(code)
		return
	}
	if wantsPage(c) {
		s.errorPage(c, code, msg)
		return
	}
	c.JSON(code, map[string]string{"error": msg})
}

// wantsPage reports a browser's request for a page (not the APIs').
func wantsPage(c echo.Context) bool {
	p := c.Request().URL.Path
	for _, api := range []string{"/api/", "/credentials/", "/presentations/"} {
		if strings.Contains(p, api) {
			return false
		}
	}
	return strings.Contains(c.Request().Header.Get("Accept"), "text/html")
}

// errorWords are what an error page says, by status, in Chinese; the
// English is the error's own message.
var errorWords = map[int]string{
	http.StatusBadRequest:            "請求無效。",
	http.StatusNotFound:              "找不到所要的頁面或連結。",
	http.StatusGone:                  "此連結已過期或已被撤回。",
	http.StatusRequestEntityTooLarge: "檔案過大。",
	http.StatusTooManyRequests:       "請求過多：請稍候再試。",
	http.StatusServiceUnavailable:    "服務繁忙：請於數秒後再試。",
	http.StatusMethodNotAllowed:      "此網址不接受此類請求。",
}

var errorTmpl = template.Must(template.New("e").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Code}} · {{.Status}}</title><link rel="stylesheet" href="{{.Prefix}}/static/style.css"></head>
<body><main><h1>{{.Status}}</h1>
<p role="alert">{{.Message}}</p>
<p lang="zh-Hant">{{.ZH}}</p>
<p><a href="{{.Prefix}}/">Verify a transcript <span lang="zh-Hant">核實成績單</span></a></p>
</main></body></html>
`))

// errorPage is an error for a person: both languages, the home link.
func (s *Server) errorPage(c echo.Context, code int, msg string) {
	zh, ok := errorWords[code]
	if !ok {
		zh = "發生錯誤：請稍後再試。"
	}
	if code == http.StatusInternalServerError {
		msg = "Something went wrong on our side: try again later."
	}
	var b strings.Builder
	errorTmpl.Execute(&b, map[string]any{"Code": code, "Status": http.StatusText(code), "Message": msg, "ZH": zh, "Prefix": s.prefix})
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	c.HTML(code, b.String())
}

// otherMethods are the HTTP methods other than allowed.
func otherMethods(allowed ...string) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if !slices.Contains(allowed, m) {
			out = append(out, m)
		}
	}
	return out
}

// methodNotAllowed answers 405 with the methods a path takes.
func methodNotAllowed(allowed ...string) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Allow", strings.Join(allowed, ", "))
		return echo.NewHTTPError(http.StatusMethodNotAllowed, "this address takes "+strings.Join(allowed, ", ")+" only")
	}
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		return next(c)
	}
}

// logRequests logs method, path (no query: it may name a credential),
// status and duration.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		// The route, not the path: paths carry the graduates' tokens and
		// credential ids, which are not the log's to keep.
		s.Log.Info("request", "method", c.Request().Method, "route", c.Path(),
			"status", c.Response().Status, "ms", time.Since(start).Milliseconds())
		return nil
	}
}

// Serve runs h on ln until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
