// Package vcapi issues single credentials as the W3C VC API's
// /credentials/issue does: a credential given whole by the caller, checked
// against the VC Data Model 2.0 and for data loss, then signed
// eddsa-rdfc-2022 by the issuer's Ed25519 key under its did:key. Nothing is
// anchored (a single credential has no batch), so there is no Merkle proof.
package vcapi

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/credential/vcdm"
)

// Issuer signs credentials as one issuer.
type Issuer struct {
	// ID is the issuer id credentials must name (the did:key of Signer);
	// Method the verification method of the proofs.
	ID, Method string
	Signer     crypto.Signer
	// Status, if set, gives each credential a credentialStatus entry
	// unless it has one or the request declines one.
	Status StatusAssigner
	Now    func() time.Time
}

// StatusAssigner gives a credential its credentialStatus entries.
type StatusAssigner interface {
	AssignOne(ctx context.Context, id string) ([]credential.StatusEntry, error)
}

// Options are the request's options.
type Options struct {
	// NoStatus declines a credentialStatus entry ("credentialStatus":
	// false in the request's options).
	NoStatus bool
}

// InputError is a credential that cannot be issued as it is: each problem
// by its reason code (the verifier's catalogue renders them).
type InputError struct {
	Problems []vcdm.Problem
	Cause    error // a lower layer's error, for the log
}

func (e *InputError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid credential"
	}
	return "invalid credential: " + e.Problems[0].Reason
}

func (e *InputError) Unwrap() error { return e.Cause }

func invalid(reason string, cause error, params ...any) *InputError {
	return &InputError{Problems: []vcdm.Problem{{Reason: reason, Params: params}}, Cause: cause}
}

// Issue checks doc and returns it signed. doc is changed: its issuer
// completed, its status and proof added.
func (is *Issuer) Issue(ctx context.Context, doc map[string]any, o Options) (map[string]any, error) {
	if ps := vcdm.Credential(doc, true); len(ps) > 0 {
		return nil, &InputError{Problems: ps}
	}
	v1 := asList(doc["@context"])[0] == vcdm.V1Context
	if v1 {
		// The VC 1.1 context does not define Data Integrity proofs.
		addContext(doc, ldcontext.DataIntegrity)
		o.NoStatus = true // nor Bitstring Status List entries
	}
	if id := vcdm.IDOf(doc["issuer"]); id != is.ID {
		return nil, invalid("format.issuer_other", nil, "issuer", id, "expected", is.ID)
	}
	if err := is.addStatus(ctx, doc, o); err != nil {
		return nil, err
	}
	if err := dataintegrity.Lossless(ctx, doc); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, dataintegrity.ErrDataLoss) {
			return nil, invalid("format.data_loss", err)
		}
		return nil, invalid("format.jsonld", err)
	}
	now := time.Now
	if is.Now != nil {
		now = is.Now
	}
	p, err := dataintegrity.SignEdDSA(ctx, dataintegrity.Default, doc, is.Signer, credential.NewID(), is.Method, now().UTC().Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	addProof(doc, p.ToMap())
	return doc, nil
}

// addStatus gives a credential without credentialStatus its entries.
func (is *Issuer) addStatus(ctx context.Context, doc map[string]any, o Options) error {
	if is.Status == nil || o.NoStatus {
		return nil
	}
	if _, has := doc["credentialStatus"]; has {
		return nil
	}
	id, _ := doc["id"].(string)
	if id == "" {
		id = credential.NewID()
		doc["id"] = id
	}
	es, err := is.Status.AssignOne(ctx, id)
	if err != nil {
		return fmt.Errorf("status list: %w", err)
	}
	list := make([]any, len(es))
	for i, e := range es {
		list[i] = map[string]any{"id": e.ID, "type": e.Type, "statusPurpose": e.StatusPurpose,
			"statusListIndex": e.StatusListIndex, "statusListCredential": e.StatusListCredential}
	}
	if len(list) == 1 {
		doc["credentialStatus"] = list[0]
	} else if len(list) > 1 {
		doc["credentialStatus"] = list
	}
	return nil
}

// addProof adds p to the document's proofs (a proof set).
func addProof(doc, p map[string]any) {
	switch old := doc["proof"].(type) {
	case nil:
		doc["proof"] = p
	case []any:
		doc["proof"] = append(old, p)
	default:
		doc["proof"] = []any{old, p}
	}
}

// addContext appends url to the document's @context unless it is there.
func addContext(doc map[string]any, url string) {
	ctxs := asList(doc["@context"])
	for _, c := range ctxs {
		if c == url {
			return
		}
	}
	doc["@context"] = append(append([]any{}, ctxs...), url)
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return []any{nil}
	case []any:
		if len(x) == 0 {
			return []any{nil}
		}
		return x
	}
	return []any{v}
}
