// Package receipt makes a verification receipt: a verifiable credential,
// signed by the verifier site's key, that states what the site verified
// (the document's id and the SHA-256 of its bytes), when, and each check's
// outcome. An admissions office files it as evidence that it checked.
// It proves that this site said so at that time; it does not make the
// transcript more true than the checks it lists (docs/receipts.md).
package receipt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/vcapi"
	"github.com/etranscript/etranscript/verifier"
)

// Vocab is the namespace of a receipt's terms.
const Vocab = "https://w3id.org/etranscript/receipt/v1#"

// context defines the receipt's terms inline, so that it verifies offline
// and no term is dropped (VC Data Integrity's data-loss rule).
var context_ = map[string]any{
	"rc":                  Vocab,
	"xsd":                 "http://www.w3.org/2001/XMLSchema#",
	"VerificationReceipt": "rc:VerificationReceipt",
	"verifiedDocument":    map[string]any{"@id": "rc:verifiedDocument", "@type": "@id"},
	"documentSha256":      "rc:documentSha256",
	"documentIssuer":      map[string]any{"@id": "rc:documentIssuer", "@type": "@id"},
	"verifiedAt":          map[string]any{"@id": "rc:verifiedAt", "@type": "xsd:dateTime"},
	"verifiedBy":          map[string]any{"@id": "rc:verifiedBy", "@type": "@id"},
	"verdict":             "rc:verdict",
	"checks":              "rc:checks",
	"check":               "rc:check",
	"status":              "rc:status",
	"reason":              "rc:reason",
	"trustedIssuer":       "rc:trustedIssuer",
}

// Signer signs a receipt: the VC API's issuer (the site's did:key).
type Signer interface {
	Issue(ctx context.Context, doc map[string]any, o vcapi.Options) (map[string]any, error)
}

// Hash is the SHA-256 of a verified document's bytes, as a receipt names
// it.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Build is the unsigned receipt of result r of the document whose Hash is
// hash, verified by site at the time at, as issuer.
func Build(r *verifier.Result, hash, site, issuer string, at time.Time) map[string]any {
	checks := make([]any, len(r.Checks))
	for i, c := range r.Checks {
		checks[i] = map[string]any{"check": c.ID, "status": string(c.Status), "reason": c.Reason}
	}
	subject := map[string]any{
		"documentSha256": hash,
		"verifiedAt":     at.UTC().Format(time.RFC3339),
		"verifiedBy":     site,
		"verdict":        string(r.Status),
		"checks":         checks,
	}
	if c := r.Credential; c != nil {
		if c.ID != "" {
			subject["verifiedDocument"] = c.ID
		}
		if c.Issuer != "" {
			subject["documentIssuer"] = c.Issuer
		}
	}
	if r.Trust != nil {
		subject["trustedIssuer"] = r.Trust.Listed
	}
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", context_},
		"id":                credential.NewID(),
		"type":              []any{"VerifiableCredential", "VerificationReceipt"},
		"name":              "Verification receipt",
		"issuer":            issuer,
		"validFrom":         at.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
	}
}

// Make builds and signs the receipt.
func Make(ctx context.Context, s Signer, r *verifier.Result, hash, site, issuer string, at time.Time) (map[string]any, error) {
	return s.Issue(ctx, Build(r, hash, site, issuer, at), vcapi.Options{NoStatus: true})
}
