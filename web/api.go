package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/vcapi"
	"github.com/labstack/echo/v4"
)

// Tokens checks issuer-API bearer tokens (store.DB).
type Tokens interface {
	// TokenName returns the name of the valid token with this SHA-256 hash
	// (hex), or an error.
	TokenName(ctx context.Context, hash string) (string, error)
}

// Issuing is what the issuer API and the download pages need.
type Issuing struct {
	Service *delivery.Service
	Tokens  Tokens
	Status  *status.Service
	Signer  *status.Signer // signs status lists after a revocation
	Scheme  *transcript.Scheme
	// MaxBatchBytes caps a submitted batch (413 above it).
	MaxBatchBytes int64
	// Chain is where submitted batches are anchored unless ?chain= says.
	Chain string
	// VCAPI, if set, issues single credentials at /credentials/issue.
	VCAPI *vcapi.Issuer
	// ViewToken, if set, is a credential's view token: the key its PDF's
	// QR code carries (?k=), without which /v/ID shows no personal data.
	ViewToken func(credentialID string) string
	// RenewPerHour bounds the new-link requests of a client (0: 5).
	RenewPerHour int
}

// apiError answers {"error": message} with a status.
func apiError(code int, msg string) error { return echo.NewHTTPError(code, msg) }

// bearer rejects requests without a valid issuer-API token (401).
func (s *Server) bearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// The scheme is case-insensitive (RFC 9110 §11.1).
		scheme, tok, _ := strings.Cut(strings.TrimSpace(c.Request().Header.Get("Authorization")), " ")
		tok = strings.TrimSpace(tok)
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="etranscript"`)
			return apiError(http.StatusUnauthorized, "an issuer-API token is required: Authorization: Bearer <token> (etranscript token create NAME)")
		}
		sum := sha256.Sum256([]byte(tok))
		name, err := s.Issuing.Tokens.TokenName(c.Request().Context(), hex.EncodeToString(sum[:]))
		if err != nil {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="etranscript", error="invalid_token"`)
			return apiError(http.StatusUnauthorized, "the token is unknown or revoked")
		}
		c.Set("token", name)
		return next(c)
	}
}

// issuerRoutes are the graduates' download links (public) and, unless
// the issuer API has its own listener (SeparateAdmin), the issuer API.
func (s *Server) issuerRoutes(e *echo.Echo) {
	if !s.SeparateAdmin {
		s.adminRoutes(e)
	}
	e.GET(s.prefix+"/api/v1/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/json", openAPI)
	})
	e.GET(s.prefix+"/d/:token", s.downloadPage)
	e.GET(s.prefix+"/d/:token/:file", s.downloadFile)
	e.GET(s.prefix+"/d/:token/shares", s.listShares)
	e.POST(s.prefix+"/d/:token/shares", s.createShare)
	e.POST(s.prefix+"/d/:token/shares/:id/revoke", s.revokeShareHolder)
	e.POST(s.prefix+"/d/:token/deliveries", s.deliverWithConsent)
	e.GET(s.prefix+"/renew", s.renewPage)
	e.POST(s.prefix+"/renew", s.renewPage)
	if s.Verifying != nil {
		e.GET(s.prefix+"/s/:token", s.sharedPage)
		e.POST(s.prefix+"/s/:token", s.sharedPage)
	}
}

// adminRoutes are the issuer API: batches, revocation, deliveries.
func (s *Server) adminRoutes(e *echo.Echo) {
	api := e.Group(s.prefix+"/api/v1", s.bearer)
	api.POST("/batches", s.submitBatch)
	api.GET("/batches/:id", s.getBatch)
	api.GET("/batches/:id/credentials", s.batchCredentials)
	api.POST("/batches/:id/mail", s.releaseMail)
	api.POST("/credentials/:id/revoke", s.revokeCredential)
	api.POST("/credentials/:id/deliveries", s.deliverCredential)
	api.GET("/credentials/:id/shares", s.credentialShares)
	api.DELETE("/deliveries/:id/links", s.revokeLinks)
	if s.Issuing.VCAPI != nil {
		e.POST(s.prefix+"/credentials/issue", s.issueCredential, s.bearer)
	}
}

// AdminHandler serves the issuer API alone, for its own listener (an
// internal address) when SeparateAdmin is set.
func (s *Server) AdminHandler() http.Handler {
	e := s.echo()
	s.adminRoutes(e)
	e.GET(s.prefix+"/api/v1/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/json", openAPI)
	})
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	return e
}

// submitBatch takes a batch as JSON, or as CSV with ?batch=ID (docs/batch-format.md
// "Batch input"): 422 with every problem when it is invalid, 413 when too
// large, 409 when its id is taken by another batch, 202 when accepted.
func (s *Server) submitBatch(c echo.Context) error {
	r := c.Request()
	max := s.Issuing.MaxBatchBytes
	if max <= 0 {
		max = transcript.DefaultMaxBatchBytes
	}
	if r.ContentLength > max {
		return apiError(http.StatusRequestEntityTooLarge, fmt.Sprintf("a batch is at most %d bytes", max))
	}
	body := http.MaxBytesReader(c.Response(), r.Body, max)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var b *transcript.Batch
	var err error
	switch mt {
	case "application/json":
		b, err = s.Issuing.Scheme.ReadJSON("request body", body, max)
	case "text/csv":
		id := c.QueryParam("batch")
		if id == "" {
			return apiError(http.StatusBadRequest, "a CSV batch needs its id: ?batch=ID")
		}
		b, err = s.Issuing.Scheme.ReadCSV("request body", id, body, max)
	default:
		return apiError(http.StatusUnsupportedMediaType, "send the batch as application/json or text/csv")
	}
	var mbe *http.MaxBytesError
	var inv *transcript.InvalidError
	switch {
	case errors.As(err, &mbe) || errors.Is(err, transcript.ErrTooLarge):
		return apiError(http.StatusRequestEntityTooLarge, fmt.Sprintf("a batch is at most %d bytes", max))
	case errors.As(err, &inv):
		return c.JSON(http.StatusUnprocessableEntity, map[string]any{"error": fmt.Sprintf("invalid batch: %d problem(s); nothing was issued", len(inv.Problems)), "problems": inv.Problems})
	case err != nil:
		return apiError(http.StatusBadRequest, err.Error())
	}
	chain := c.QueryParam("chain")
	if chain == "" {
		chain = s.Issuing.Chain
	}
	// ?mail=true or false; by default a batch on a test chain is held.
	hold := delivery.TestChain(chain)
	switch c.QueryParam("mail") {
	case "true":
		hold = false
	case "false":
		hold = true
	case "":
	default:
		return apiError(http.StatusBadRequest, "mail: expected true or false")
	}
	j, created, err := s.Issuing.Service.Submit(r.Context(), b, delivery.Submission{Chain: chain, HoldMail: hold})
	if errors.Is(err, issuer.ErrOtherInput) {
		return apiError(http.StatusConflict, err.Error())
	}
	if err != nil {
		return err
	}
	code := http.StatusAccepted
	if !created {
		code = http.StatusOK
	}
	c.Response().Header().Set("Location", s.prefix+"/api/v1/batches/"+j.ID)
	return c.JSON(code, j)
}

type batchView struct {
	*delivery.JobRecord
	Mail map[string]int `json:"mail"`
	// Mailed counts the graduates' mails accepted by the mail server: the
	// last stage after built, anchored and written.
	Mailed int `json:"mailed"`
}

func (s *Server) job(c echo.Context) (*delivery.JobRecord, error) {
	j, err := s.Issuing.Service.Store.Job(c.Request().Context(), c.Param("id"))
	if errors.Is(err, delivery.ErrNotFound) {
		return nil, apiError(http.StatusNotFound, "no such batch")
	}
	return j, err
}

// getBatch shows a batch's state, counts and last error.
func (s *Server) getBatch(c echo.Context) error {
	j, err := s.job(c)
	if err != nil {
		return err
	}
	ds, err := s.Issuing.Service.Store.Deliveries(c.Request().Context(), j.ID)
	if err != nil {
		return err
	}
	counts := map[string]int{delivery.DeliveryPending: 0, delivery.DeliverySending: 0, delivery.DeliverySent: 0, delivery.DeliveryFailed: 0}
	for _, d := range ds {
		counts[d.State]++
	}
	return c.JSON(http.StatusOK, batchView{j, counts, counts[delivery.DeliverySent]})
}

// batchCredentials lists a batch's credentials with their delivery state.
func (s *Server) batchCredentials(c echo.Context) error {
	j, err := s.job(c)
	if err != nil {
		return err
	}
	if j.State == delivery.JobQueued || j.State == delivery.JobIssuing {
		return c.JSON(http.StatusOK, map[string]any{"batch": j.ID, "state": j.State, "credentials": []any{}})
	}
	b, err := issuer.ReadManifest(s.Site.Config.BatchDir(j.ID), j.Out, j.ID)
	if err != nil {
		return err
	}
	var man struct {
		Files []issuer.Issued `json:"credentials"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		return err
	}
	ds, err := s.Issuing.Service.Store.Deliveries(c.Request().Context(), j.ID)
	if err != nil {
		return err
	}
	type item struct {
		issuer.Issued
		Deliveries []delivery.Delivery `json:"deliveries"`
	}
	byCred := map[string][]delivery.Delivery{}
	for _, d := range ds {
		byCred[d.Credential] = append(byCred[d.Credential], d)
	}
	out := make([]item, 0, len(man.Files))
	for _, f := range man.Files {
		out = append(out, item{f, byCred[f.ID]})
	}
	return c.JSON(http.StatusOK, map[string]any{"batch": j.ID, "state": j.State, "credentials": out})
}

func readJSONBody(c echo.Context, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiError(http.StatusBadRequest, "expected a JSON object: "+err.Error())
	}
	return nil
}

// revokeCredential revokes a credential for ever and publishes the list.
func (s *Server) revokeCredential(c echo.Context) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := readJSONBody(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Reason) == "" {
		return apiError(http.StatusUnprocessableEntity, "reason: required (it is published with the revocation)")
	}
	e, err := s.Issuing.Status.Set(c.Request().Context(), c.Param("id"), status.Revocation, true, req.Reason, s.Issuing.Signer)
	if errors.Is(err, status.ErrUnknownCredential) {
		return apiError(http.StatusNotFound, "no credential with this id was issued here")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"credential": e.ID, "revoked": e.RevokedAt, "reason": e.RevocationReason})
}

// deliverCredential sends the e-transcript to a third party.
func (s *Server) deliverCredential(c echo.Context) error {
	var req struct {
		Email string `json:"email"`
		Note  string `json:"note"`
		// Name, the recipient's, was this request's second field before
		// the graduates' deliveries: accepted, and not used (the mail
		// greets a third party by role).
		Name string `json:"name"`
	}
	if err := readJSONBody(c, &req); err != nil {
		return err
	}
	if !validAddress(req.Email) {
		return apiError(http.StatusUnprocessableEntity, "email: expected an address such as admissions@university.example")
	}
	d, err := s.Issuing.Service.Deliver(c.Request().Context(), c.Param("id"), req.Email, req.Note)
	if errors.Is(err, delivery.ErrNotFound) {
		return apiError(http.StatusNotFound, "no credential with this id was issued here")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, d)
}

// credentialShares lists a credential's share links (with their access
// logs, never a passcode), its deliveries to third parties and the
// graduate's consents, for the registry's support staff.
func (s *Server) credentialShares(c echo.Context) error {
	id := c.Param("id")
	if ds, err := s.Issuing.Service.Store.CredentialDeliveries(c.Request().Context(), id); err != nil || len(ds) == 0 {
		return apiError(http.StatusNotFound, "no credential with this id was issued here")
	}
	v, err := s.holderData(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// revokeLinks makes every download link of a delivery stop working (410).
func (s *Server) revokeLinks(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.Issuing.Service.Store.Delivery(ctx, c.Param("id")); errors.Is(err, delivery.ErrNotFound) {
		return apiError(http.StatusNotFound, "no such delivery")
	} else if err != nil {
		return err
	}
	if err := s.Issuing.Service.Store.RevokeLinks(ctx, c.Param("id"), time.Now()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// releaseMail sends a batch's held mail (issued with mail=false, or on a
// test chain): 202 with how many mails were released.
func (s *Server) releaseMail(c echo.Context) error {
	j, err := s.job(c)
	if err != nil {
		return err
	}
	n, err := s.Issuing.Service.ReleaseMail(c.Request().Context(), j.ID)
	if errors.Is(err, delivery.ErrStillIssuing) {
		return apiError(http.StatusConflict, err.Error())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"batch": j.ID, "released": n})
}
