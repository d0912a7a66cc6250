package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/receipt"
	"github.com/etranscript/etranscript/verifier"
	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// Verifying is the public verifier: the verify API and pages.
type Verifying struct {
	Verifier *verifier.Verifier
	// MaxBody caps an uploaded credential or PDF (413 above it); 0 is
	// DefaultMaxBody.
	MaxBody int64
	// PerSecond and Burst limit each client (by IP address, IPv6 clients
	// by /64; 429 above); 0 is the default.
	PerSecond float64
	Burst     int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; from any other address the header is ignored.
	TrustedProxies []netip.Prefix
	// Timeout bounds one verification (fetches and chain reads included).
	Timeout time.Duration
	// MaxConcurrent bounds the verifications running at once on this
	// server, whoever asks (0: two per core), so that a burst of costly
	// requests queues instead of taking every core. A request waits at most
	// QueueWait (0: 5 s) for a place, then gets 503 with Retry-After.
	MaxConcurrent int
	QueueWait     time.Duration

	mu      sync.Mutex
	clients map[string]*rate.Limiter

	semOnce sync.Once
	sem     chan struct{}

	// Receipts, if set, signs verification receipts (POST
	// /api/v1/verify?receipt=true, and the result page's download).
	Receipts *Receipts
}

// Receipts sign what this site verified, as the site's did:key.
type Receipts struct {
	Signer receipt.Signer
	Issuer string // the did:key receipts are issued as
	Site   string // this site's address, the receipts' verifiedBy
	// PDF, if set, prints a receipt (pdf.Renderer.ReceiptPDF).
	PDF func(receipt []byte) ([]byte, error)
}

// make signs the receipt of r for the document whose hash is given.
func (rs *Receipts) make(ctx context.Context, r *verifier.Result, hash string) (map[string]any, error) {
	return receipt.Make(ctx, rs.Signer, r, hash, rs.Site, rs.Issuer, time.Now())
}

// errNoUpload is the answer to a form sent with neither a file nor a
// pasted credential.
var errNoUpload = echo.NewHTTPError(http.StatusBadRequest, "choose a .json or .pdf file, or paste a credential")

// errBusy is the answer to a request that found no place in time.
var errBusy = echo.NewHTTPError(http.StatusServiceUnavailable, "the verifier is busy: try again in a few seconds")

// busy adds Retry-After to the answer of a request that found no place.
func busy(c echo.Context, err error) error {
	if errors.Is(err, errBusy) {
		c.Response().Header().Set("Retry-After", "5")
	}
	return err
}

// acquire waits for a place among the verifications that run at once; the
// returned function gives it back.
func (v *Verifying) acquire(ctx context.Context) (func(), error) {
	v.semOnce.Do(func() {
		n := v.MaxConcurrent
		if n <= 0 {
			n = 2 * runtime.GOMAXPROCS(0)
		}
		v.sem = make(chan struct{}, n)
	})
	wait := v.QueueWait
	if wait <= 0 {
		wait = defaultQueueWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case v.sem <- struct{}{}:
		return func() { <-v.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, errBusy
	}
}

// Defaults of the public verifier.
const (
	DefaultMaxBody   = 10 << 20
	defaultPerSecond = 10
	defaultBurst     = 30
	maxClients       = 10000
	defaultTimeout   = 20 * time.Second
	defaultQueueWait = 5 * time.Second
)

func (v *Verifying) maxBody() int64 {
	if v.MaxBody > 0 {
		return v.MaxBody
	}
	return DefaultMaxBody
}

// allow applies the per-client rate limit.
func (v *Verifying) allow(c echo.Context) bool {
	host := clientKey(c.Request(), v.TrustedProxies)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.clients == nil || len(v.clients) >= maxClients {
		// Bounded: forget every client rather than grow without limit.
		v.clients = map[string]*rate.Limiter{}
	}
	l, ok := v.clients[host]
	if !ok {
		ps, burst := v.PerSecond, v.Burst
		if ps <= 0 {
			ps = defaultPerSecond
		}
		if burst <= 0 {
			burst = defaultBurst
		}
		l = rate.NewLimiter(rate.Limit(ps), burst)
		v.clients[host] = l
	}
	return l.Allow()
}

// clientKey is who a request comes from, for its rate limit: the peer's
// address or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one; an IPv6 client by its /64 (one
// household or host has a whole /64).
func clientKey(r *http.Request, proxies []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	trusted := func(a netip.Addr) bool {
		for _, p := range proxies {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if trusted(a) {
		var hops []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			hops = append(hops, strings.Split(h, ",")...)
		}
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a malformed hop: trust nothing before it
			}
			a = h.Unmap()
			if !trusted(a) {
				break
			}
		}
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// readUpload reads the credential or PDF of a request: a JSON or PDF body,
// or the "file" (or pasted "credential") field of a form. It enforces the
// body cap (413) and says which kind it is.
func (v *Verifying) readUpload(c echo.Context) (data []byte, isPDF bool, err error) {
	r := c.Request()
	max := v.maxBody()
	size := fmt.Sprintf("%d bytes", max)
	if max%(1<<20) == 0 {
		size = fmt.Sprintf("%d MB", max>>20)
	}
	tooBig := echo.NewHTTPError(http.StatusRequestEntityTooLarge, "at most "+size+": a transcript PDF or credential is far smaller")
	if r.ContentLength > max {
		return nil, false, tooBig
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, max)
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooBig
		}
		return echo.NewHTTPError(http.StatusBadRequest, "could not read the upload: "+err.Error())
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json", "application/ld+json", "application/vc+ld+json":
		data, err = io.ReadAll(r.Body)
	case "application/pdf":
		data, err = io.ReadAll(r.Body)
		isPDF = true
	case "multipart/form-data", "application/x-www-form-urlencoded":
		if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, false, tooLarge(err)
		}
		if f, _, ferr := r.FormFile("file"); ferr == nil {
			defer f.Close()
			data, err = io.ReadAll(io.LimitReader(f, max+1))
			if int64(len(data)) > max {
				return nil, false, tooBig
			}
		} else if pasted := r.FormValue("credential"); strings.TrimSpace(pasted) != "" {
			data = []byte(pasted)
		} else {
			return nil, false, errNoUpload
		}
		isPDF = bytes.HasPrefix(data, []byte("%PDF-"))
	default:
		return nil, false, echo.NewHTTPError(http.StatusUnsupportedMediaType, "send application/json, application/pdf or a multipart upload")
	}
	if err != nil {
		return nil, false, tooLarge(err)
	}
	if !isPDF {
		// Checked, not decoded: the verifier decodes it (once).
		if err := jsonstrict.Document(data, jsonstrict.Default); err != nil {
			return nil, false, echo.NewHTTPError(http.StatusBadRequest, "not a credential: "+err.Error())
		}
		if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"); len(t) == 0 || t[0] != '{' {
			return nil, false, echo.NewHTTPError(http.StatusBadRequest, "not a credential: expected a JSON object")
		}
	}
	return data, isPDF, nil
}

// verify runs the verifier with a time limit, once a place among the
// verifications that run at once is free. The request's context stops it
// when the client goes away.
func (v *Verifying) verify(ctx context.Context, data []byte, isPDF bool) (*verifier.Result, error) {
	return v.run(ctx, func(ctx context.Context) *verifier.Result {
		if isPDF {
			return v.Verifier.VerifyPDF(ctx, data)
		}
		return v.Verifier.VerifyJSON(ctx, data)
	})
}

// run runs one verification among those the server runs at once, within
// the time limit.
func (v *Verifying) run(ctx context.Context, verify func(context.Context) *verifier.Result) (*verifier.Result, error) {
	release, err := v.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	t := v.Timeout
	if t <= 0 {
		t = defaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	return verify(ctx), nil
}

// verifyUpload verifies the credential or PDF of a request, within the
// client's rate limit.
func (s *Server) verifyUpload(c echo.Context) (r *verifier.Result, data []byte, isPDF bool, err error) {
	if !s.Verifying.allow(c) {
		return nil, nil, false, echo.NewHTTPError(http.StatusTooManyRequests, "too many verifications from this address: wait a moment")
	}
	if data, isPDF, err = s.Verifying.readUpload(c); err != nil {
		return nil, nil, false, err
	}
	r, err = s.Verifying.verify(c.Request().Context(), data, isPDF)
	if err != nil {
		return nil, nil, false, busy(c, err)
	}
	return r, data, isPDF, nil
}

// verifyAPI answers POST /api/v1/verify with the JSON of 'verify --json'.
func (s *Server) verifyAPI(c echo.Context) error {
	r, data, _, err := s.verifyUpload(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if c.QueryParam("receipt") == "true" {
		if s.Verifying.Receipts == nil {
			return apiError(http.StatusNotImplemented, "this site signs no receipts")
		}
		rc, err := s.Verifying.Receipts.make(c.Request().Context(), r, receipt.Hash(data))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, rc)
	}
	return c.JSON(http.StatusOK, r)
}
