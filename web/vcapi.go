package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/vcapi"
	"github.com/etranscript/etranscript/verifier"
	"github.com/labstack/echo/v4"
)

// The W3C VC API (https://w3c-ccg.github.io/vc-api/): issuing one
// credential (issuer API token required) and verifying credentials and
// presentations (public, with the limits of /api/v1/verify).

// vcAPIError is the VC API's error body, each problem with its reason and
// English message.
type vcAPIError struct {
	Error    string           `json:"error"`
	Problems []verifier.Check `json:"problems,omitempty"`
}

// readVCAPI reads a request body of the VC API within the upload limit,
// strictly, into v.
func (s *Server) readVCAPI(c echo.Context, max int64, v any) error {
	r := c.Request()
	if max <= 0 {
		max = DefaultMaxBody
	}
	if r.ContentLength > max {
		return apiError(http.StatusRequestEntityTooLarge, "the request is too large")
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, max))
	if err != nil {
		return apiError(http.StatusRequestEntityTooLarge, "the request is too large")
	}
	if err := jsonstrict.Document(b, jsonstrict.Default); err != nil {
		return apiError(http.StatusBadRequest, "the request is not valid JSON: "+err.Error())
	}
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return apiError(http.StatusBadRequest, "the request does not have the VC API's shape: "+err.Error())
	}
	return nil
}

// issueCredential answers POST /credentials/issue: 201 with the signed
// credential, 400 with the problems of one that cannot be issued.
func (s *Server) issueCredential(c echo.Context) error {
	var req struct {
		Credential map[string]any `json:"credential"`
		Options    struct {
			CredentialStatus any `json:"credentialStatus"`
		} `json:"options"`
	}
	if err := s.readVCAPI(c, 0, &req); err != nil {
		return err
	}
	if req.Credential == nil {
		return apiError(http.StatusBadRequest, `expected {"credential": {...}, "options": {...}}`)
	}
	o := vcapi.Options{NoStatus: req.Options.CredentialStatus == false}
	vc, err := s.Issuing.VCAPI.Issue(c.Request().Context(), req.Credential, o)
	var ie *vcapi.InputError
	if errors.As(err, &ie) {
		if ie.Cause != nil {
			s.Log.Info("VC API issue refused", "reason", ie.Problems[0].Reason, "err", ie.Cause)
		}
		body := vcAPIError{Error: "the credential cannot be issued"}
		for _, p := range ie.Problems {
			body.Problems = append(body.Problems, verifier.NewCheck(verifier.CheckFormat, verifier.Failed, p.Reason, p.Params...))
		}
		return c.JSON(http.StatusBadRequest, body)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"verifiableCredential": vc})
}

// vcAPIResult is the VC API's verification result, with ours beside it.
type vcAPIResult struct {
	Verified bool             `json:"verified"`
	Checks   []string         `json:"checks"`
	Warnings []verifier.Check `json:"warnings"`
	Errors   []verifier.Check `json:"errors"`
	Result   *verifier.Result `json:"result"`
}

// answerVerification is 200 for a verified credential or presentation,
// 422 otherwise (the suites read the status).
func answerVerification(c echo.Context, r *verifier.Result) error {
	out := vcAPIResult{Verified: r.Status == verifier.Verified, Checks: []string{}, Warnings: []verifier.Check{}, Errors: []verifier.Check{}, Result: r}
	for _, ch := range r.Checks {
		switch ch.Status {
		case verifier.Passed:
			out.Checks = append(out.Checks, ch.ID)
		case verifier.Failed:
			out.Errors = append(out.Errors, ch)
		case verifier.Unknown:
			out.Warnings = append(out.Warnings, ch)
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if !out.Verified {
		return c.JSON(http.StatusUnprocessableEntity, out)
	}
	return c.JSON(http.StatusOK, out)
}

// verifyCredentialVCAPI answers POST /credentials/verify.
func (s *Server) verifyCredentialVCAPI(c echo.Context) error {
	var req struct {
		VerifiableCredential map[string]any `json:"verifiableCredential"`
	}
	return s.vcAPIVerify(c, &req, func() bool { return req.VerifiableCredential != nil },
		func(ctx context.Context) *verifier.Result {
			return s.Verifying.Verifier.Verify(ctx, req.VerifiableCredential)
		})
}

// verifyPresentationVCAPI answers POST /presentations/verify.
func (s *Server) verifyPresentationVCAPI(c echo.Context) error {
	var req struct {
		VerifiablePresentation map[string]any `json:"verifiablePresentation"`
		Options                struct {
			Challenge string `json:"challenge"`
			Domain    string `json:"domain"`
		} `json:"options"`
	}
	return s.vcAPIVerify(c, &req, func() bool { return req.VerifiablePresentation != nil },
		func(ctx context.Context) *verifier.Result {
			return s.Verifying.Verifier.VerifyPresentation(ctx, req.VerifiablePresentation,
				verifier.PresentationOptions{Challenge: req.Options.Challenge, Domain: req.Options.Domain})
		})
}

// vcAPIVerify reads a verification request into req and runs verify on
// it, within the client's rate limit and the server's bounds.
func (s *Server) vcAPIVerify(c echo.Context, req any, given func() bool, verify func(context.Context) *verifier.Result) error {
	if !s.Verifying.allow(c) {
		return apiError(http.StatusTooManyRequests, "too many verifications from this address: wait a moment")
	}
	if err := s.readVCAPI(c, s.Verifying.MaxBody, req); err != nil {
		return err
	}
	if !given() {
		return apiError(http.StatusBadRequest, "expected the credential or presentation to verify")
	}
	r, err := s.Verifying.run(c.Request().Context(), verify)
	if err != nil {
		return busy(c, err)
	}
	return answerVerification(c, r)
}
