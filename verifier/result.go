package verifier

import "fmt"

// Status of one check.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	Unknown Status = "unknown" // could not be checked
)

// Verdict of a whole credential.
type Verdict string

const (
	Verified      Verdict = "verified"
	Rejected      Verdict = "failed"
	Indeterminate Verdict = "indeterminate"
)

// Check is the outcome of one verification step.
type Check struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	// Reason is the outcome's stable code ("integrity.hash_mismatch"), and
	// Params what its message says, by name: a reader renders the message
	// in its own language from them (Messages has the English texts).
	Reason string            `json:"reason"`
	Params map[string]string `json:"params,omitempty"`
	// Problems are what the check found wrong, each by its own reason and
	// parameters, when it found several (the format check); its Message
	// then lists them.
	Problems []Problem `json:"problems,omitempty"`
	// Message is Reason rendered in English.
	Message string `json:"message"`
}

// Problem is one thing a check found wrong.
type Problem struct {
	Reason string            `json:"reason"`
	Params map[string]string `json:"params,omitempty"`
}

// Check ids, in the order they run.
const (
	CheckFormat         = "format"
	CheckIntegrity      = "integrity"
	CheckMerkle         = "merkle"
	CheckAnchor         = "anchor"
	CheckIssuer         = "issuer"
	CheckSignature      = "signature"
	CheckKeyValidity    = "key_validity"
	CheckRevocation     = "revocation"
	CheckValidityPeriod = "validity_period"
)

// ResultMediaType is the media type of a Result's JSON: it changes when
// the form does.
const ResultMediaType = "application/vnd.etranscript.verification-result.v1+json"

// AnchorInfo says where the Merkle root was anchored.
type AnchorInfo struct {
	Chain         string `json:"chain"`
	Tx            string `json:"tx"`
	Block         uint64 `json:"block,omitempty"`
	Time          string `json:"time,omitempty"`
	Confirmations uint64 `json:"confirmations,omitempty"`
}

// Summary is what the result says about the credential.
type Summary struct {
	ID      string      `json:"id,omitempty"`
	Issuer  string      `json:"issuer,omitempty"`
	Subject string      `json:"subject,omitempty"`
	Issued  string      `json:"issued,omitempty"`
	Anchor  *AnchorInfo `json:"anchor,omitempty"`
}

// Result is the outcome of verifying one credential (docs/commands.md, the
// "verify --json" line).
type Result struct {
	// MediaType names this form of result and its version.
	MediaType  string   `json:"mediaType"`
	File       string   `json:"file,omitempty"`
	Status     Verdict  `json:"status"`
	Credential *Summary `json:"credential,omitempty"`
	Checks     []Check  `json:"checks"`
	// Trust says whether the issuer is on the verifier's own list, when it
	// has one.
	Trust *Trust `json:"trust,omitempty"`
}

// add records a check's outcome, its message rendered from reason and
// params (name, value pairs).
func (r *Result) add(id string, s Status, reason string, params ...any) {
	r.Checks = append(r.Checks, NewCheck(id, s, reason, params...))
}

// NewCheck is a check's outcome with its English message, for a caller
// reporting problems in the verifier's terms (the VC API's issuing).
func NewCheck(id string, s Status, reason string, params ...any) Check {
	ps := paramMap(params)
	return Check{ID: id, Status: s, Reason: reason, Params: ps, Message: Render(reason, ps)}
}

// addProblems adds a failed check whose reason lists problems.
func (r *Result) addProblems(id, reason string, ps []Problem) {
	c := Check{ID: id, Status: Failed, Reason: reason, Problems: ps}
	c.Message = c.Render(Messages)
	r.Checks = append(r.Checks, c)
}

// paramMap turns name, value pairs into a check's parameters.
func paramMap(params []any) map[string]string {
	if len(params) == 0 {
		return nil
	}
	ps := make(map[string]string, len(params)/2)
	for i := 0; i+1 < len(params); i += 2 {
		ps[params[i].(string)] = fmt.Sprint(params[i+1])
	}
	return ps
}

func (r *Result) has(id string) bool {
	for _, c := range r.Checks {
		if c.ID == id {
			return true
		}
	}
	return false
}

// finish sets the verdict: any failed check fails the credential; else any
// check that could not be made leaves it indeterminate.
func (r *Result) finish() *Result {
	r.MediaType = ResultMediaType
	r.Status = Verified
	for _, c := range r.Checks {
		switch c.Status {
		case Failed:
			r.Status = Rejected
			return r
		case Unknown:
			r.Status = Indeterminate
		}
	}
	return r
}

// Failed returns the first failed check, if any.
func (r *Result) FirstFailed() (Check, bool) {
	for _, c := range r.Checks {
		if c.Status == Failed {
			return c, true
		}
	}
	return Check{}, false
}

// outcome is a check's result as a helper finds it: its status, reason and
// parameters (name, value pairs), for Result.add.
type outcome struct {
	status Status
	reason string
	params []any
}

// fail is a failed outcome.
func fail(reason string, params ...any) *outcome {
	return &outcome{status: Failed, reason: reason, params: params}
}

// unknown is an outcome that could not be decided.
func unknown(reason string, params ...any) *outcome {
	return &outcome{status: Unknown, reason: reason, params: params}
}

// addOutcome records o as check id's result.
func (r *Result) addOutcome(id string, o *outcome) { r.add(id, o.status, o.reason, o.params...) }

// reasonError is an error a check reports by its reason and parameters;
// its cause, if any, goes to the log.
type reasonError struct {
	reason string
	params []any
	cause  error
}

func (e *reasonError) Error() string { return Render(e.reason, paramMap(e.params)) }

func (e *reasonError) Unwrap() error { return e.cause }
