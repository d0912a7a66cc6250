package status

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
)

// Signer is the key that signs status list credentials: the issuer's
// active Ed25519 key and its verification method in the issuer profile.
type Signer struct {
	Key    crypto.Signer
	Method string
}

// Service keeps and publishes the status of one issuer's credentials.
type Service struct {
	Store Store
	// BaseURL is the issuer site's base URL; the lists are published under
	// it at ListPath.
	BaseURL string
	// IssuerURL is the issuer profile's URL, the issuer of the lists.
	IssuerURL string
	// RevocationListURL is the profile's Blockcerts revocationList.
	RevocationListURL string
	Canon             dataintegrity.Canonicalizer // nil: dataintegrity.Default
	Now               func() time.Time
	// W3C, if set, publishes every list a second time in the W3C form,
	// for the VC API's credentials (AssignOne).
	W3C *W3CForm
}

// EntryType is the credentialStatus type we write.
const EntryType = "BitstringStatusListEntry"

// ListPath is where a status list is published, under the base URL.
func ListPath(list int, p Purpose) string {
	return fmt.Sprintf("/issuer/status/%d/%s", list, p)
}

// docName is the store's name of a list's signed document.
func docName(list int, p Purpose) string { return fmt.Sprintf("status/%d/%s", list, p) }

// ListURL is a status list credential's URL (and id).
func (s *Service) ListURL(list int, p Purpose) string { return s.BaseURL + ListPath(list, p) }

// Entries are a slot's credentialStatus entries: one per purpose, at the
// same index of the list's two bitstrings.
func (s *Service) Entries(slot Slot) []credential.StatusEntry {
	out := make([]credential.StatusEntry, 0, len(Purposes))
	idx := strconv.Itoa(slot.Index)
	for _, p := range Purposes {
		u := s.ListURL(slot.List, p)
		out = append(out, credential.StatusEntry{ID: u + "#" + idx, Type: EntryType,
			StatusPurpose: string(p), StatusListIndex: idx, StatusListCredential: u})
	}
	return out
}

// Assign gives each credential id a slot and returns its credentialStatus
// entries. A list opened for them is signed and published before Assign
// returns, so no credential ever points at a list that is not there.
func (s *Service) Assign(ctx context.Context, batch string, ids []string, sig *Signer) ([][]credential.StatusEntry, error) {
	slots, err := s.Store.Allocate(ctx, batch, ids)
	if err != nil {
		return nil, fmt.Errorf("status lists: %w", err)
	}
	out := make([][]credential.StatusEntry, len(ids))
	seen := map[int]bool{}
	for i, sl := range slots {
		out[i] = s.Entries(sl)
		if seen[sl.List] {
			continue
		}
		seen[sl.List] = true
		if _, _, err := s.Store.Document(ctx, docName(sl.List, Revocation)); err == nil {
			continue
		} else if !errors.Is(err, ErrNoDocument) {
			return nil, fmt.Errorf("status lists: %w", err)
		}
		if err := s.Publish(ctx, sl.List, sig); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Unassign frees the slots Assign gave ids of batch, whose credentials
// were never issued (Store.Release).
func (s *Service) Unassign(ctx context.Context, batch string, ids []string) error {
	if err := s.Store.Release(ctx, batch, ids); err != nil {
		return fmt.Errorf("status lists: %w", err)
	}
	return nil
}

// Set revokes, suspends or lifts a suspension, then republishes the
// credential's list.
func (s *Service) Set(ctx context.Context, id string, p Purpose, on bool, reason string, sig *Signer) (*Entry, error) {
	e, err := s.Store.SetStatus(ctx, id, p, on, reason, s.now())
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", id, err)
	}
	if err := s.Publish(ctx, e.List, sig); err != nil {
		return nil, fmt.Errorf("credential %s: %w", id, err)
	}
	return e, nil
}

// Publish signs list's status list credentials (one per purpose) with the
// current bits and stores them.
func (s *Service) Publish(ctx context.Context, list int, sig *Signer) error {
	if sig == nil || sig.Key == nil {
		return errors.New("status lists: no signing key")
	}
	for _, p := range Purposes {
		bits, version, err := s.Store.Bits(ctx, list, p)
		if err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
		doc, err := s.ListCredential(ctx, list, p, bits, sig)
		if err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
		if err := s.Store.PutDocument(ctx, docName(list, p), doc, version, s.now()); err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
	}
	if s.W3C != nil {
		return s.publishW3C(ctx, list)
	}
	return nil
}

// PublishAll signs every list again, with the key given: after a key
// rotation or a key compromise, so that no list depends on an old key.
func (s *Service) PublishAll(ctx context.Context, sig *Signer) error {
	lists, err := s.Store.Lists(ctx)
	if err != nil {
		return fmt.Errorf("status lists: %w", err)
	}
	for _, l := range lists {
		if err := s.Publish(ctx, l, sig); err != nil {
			return err
		}
	}
	return nil
}

// ListCredential is a signed BitstringStatusListCredential (Bitstring
// Status List v1.0 §2.2) in the form the official Blockcerts verifier
// reads (docs/credential.md §7): VC 2.0, one eddsa-rdfc-2022 proof by a key of
// the issuer profile, encodedList without the multibase prefix.
func (s *Service) ListCredential(ctx context.Context, list int, p Purpose, bits []byte, sig *Signer) ([]byte, error) {
	enc, err := Encode(bits)
	if err != nil {
		return nil, err
	}
	u := s.ListURL(list, p)
	now := s.now().UTC().Format(time.RFC3339)
	doc := map[string]any{
		// A second context: the official verifier refuses a specific type
		// with the VC context alone.
		"@context":  []any{ldcontext.VCv2, ldcontext.DataIntegrity},
		"id":        u,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    s.IssuerURL,
		"validFrom": now,
		"credentialSubject": map[string]any{
			"id":            u + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": string(p),
			"encodedList":   enc,
		},
	}
	canon := s.Canon
	if canon == nil {
		canon = dataintegrity.Default
	}
	proof, err := dataintegrity.SignEdDSA(ctx, canon, doc, sig.Key, credential.NewID(), sig.Method, now)
	if err != nil {
		return nil, err
	}
	doc["proof"] = proof
	return json.MarshalIndent(doc, "", "  ")
}

// ListDocument returns a published status list credential and when it was
// signed.
func (s *Service) ListDocument(ctx context.Context, list int, p Purpose) ([]byte, time.Time, error) {
	if p != Revocation && p != Suspension {
		return nil, time.Time{}, ErrNoDocument
	}
	return s.Store.Document(ctx, docName(list, p))
}

// RevocationList is the Blockcerts / Open Badges v2 revocation list
// (docs/credential.md §7): every revoked or suspended credential, or only
// assertionID's when it is given (the "?assertionId=" form verifiers use).
func (s *Service) RevocationList(ctx context.Context, assertionID string) ([]byte, error) {
	revoked, err := s.Store.Revoked(ctx, assertionID)
	if err != nil {
		return nil, err
	}
	type assertion struct {
		ID     string `json:"id"`
		Reason string `json:"revocationReason,omitempty"`
	}
	list := []assertion{}
	for _, e := range revoked {
		a := assertion{ID: e.ID, Reason: e.RevocationReason}
		if !e.Revoked() {
			// Not valid either, while suspended.
			a.Reason = "suspended: " + e.SuspensionReason
		}
		list = append(list, a)
	}
	return json.MarshalIndent(map[string]any{
		"@context":          "https://w3id.org/openbadges/v2",
		"id":                s.RevocationListURL,
		"type":              "RevocationList",
		"issuer":            s.IssuerURL,
		"revokedAssertions": list,
	}, "", "  ")
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}
