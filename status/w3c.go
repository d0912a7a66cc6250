package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
)

// W3CForm publishes the lists a second time in the form of the W3C
// Recommendation (Bitstring Status List v1.0): encodedList with its
// multibase "u" prefix, issued by a did:key of the VC API and signed by it.
// Credentials issued one at a time through the W3C VC API point at these;
// batch credentials keep the lists the official Blockcerts verifier reads,
// which it decodes only without the prefix (docs/conformance.md).
//
// A did:key is one Ed25519 key, and the VC API issues as the active one: a
// key rotation gives it a new identity. So every list is published once
// per key that may have issued into it (each key not revoked), under that
// key's id, issued and signed by its did:key: a credential points at the
// list of the key that issued it, and a verifier finds its issuer there.
type W3CForm struct {
	// Keys sign the lists: the active key first (new credentials point
	// at its lists), then the retired ones.
	Keys []W3CKey
}

// W3CKey is one key of the VC API.
type W3CKey struct {
	ID     string // the key's id in the ring: its lists' path segment
	Issuer string // its did:key
	Signer *Signer
}

// W3CPrefix is where the W3C-form lists are published, under the base URL:
// W3CPrefix + KEY/LIST/PURPOSE.
const W3CPrefix = "/vc/status/"

// VCAPIBatch is the allocation batch of the VC API's credentials.
const VCAPIBatch = "vc-api"

// w3cDocName is the store's name of a W3C-form list document.
func w3cDocName(key string, list int, p Purpose) string {
	return fmt.Sprintf("vcstatus/%s/%d/%s", key, list, p)
}

// W3CListURL is a W3C-form list's URL (and id).
func (s *Service) W3CListURL(key string, list int, p Purpose) string {
	return s.BaseURL + W3CPrefix + key + "/" + strconv.Itoa(list) + "/" + string(p)
}

// AssignOne gives one credential of the VC API a slot, and returns its
// entry in the active key's W3C-form revocation list
// (vcapi.StatusAssigner). The list is published before AssignOne returns.
func (s *Service) AssignOne(ctx context.Context, id string) ([]credential.StatusEntry, error) {
	if s.W3C == nil || len(s.W3C.Keys) == 0 {
		return nil, errors.New("status lists: no W3C form configured")
	}
	key := s.W3C.Keys[0]
	sl, err := s.slotOf(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("status lists: %w", err)
	}
	if _, _, err := s.Store.Document(ctx, w3cDocName(key.ID, sl.List, Revocation)); errors.Is(err, ErrNoDocument) {
		if err := s.publishW3C(ctx, sl.List); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("status lists: %w", err)
	}
	u, idx := s.W3CListURL(key.ID, sl.List, Revocation), strconv.Itoa(sl.Index)
	return []credential.StatusEntry{{ID: u + "#" + idx, Type: EntryType, StatusPurpose: string(Revocation),
		StatusListIndex: idx, StatusListCredential: u}}, nil
}

// slotOf is the slot of a credential: its own if the id has one (a
// credential issued again under its id keeps its status), else a new one.
func (s *Service) slotOf(ctx context.Context, id string) (Slot, error) {
	e, err := s.Store.Entry(ctx, id)
	if err == nil {
		return e.Slot, nil
	}
	if !errors.Is(err, ErrUnknownCredential) {
		return Slot{}, err
	}
	slots, err := s.Store.Allocate(ctx, VCAPIBatch, []string{id})
	if err != nil {
		return Slot{}, err
	}
	return slots[0], nil
}

// publishW3C signs and stores the W3C form of list's credentials, once
// per key.
func (s *Service) publishW3C(ctx context.Context, list int) error {
	for _, p := range Purposes {
		bits, version, err := s.Store.Bits(ctx, list, p)
		if err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
		for _, k := range s.W3C.Keys {
			doc, err := s.w3cListCredential(ctx, k, list, p, bits)
			if err != nil {
				return fmt.Errorf("status list %d (%s, %s): %w", list, p, k.ID, err)
			}
			if err := s.Store.PutDocument(ctx, w3cDocName(k.ID, list, p), doc, version, s.now()); err != nil {
				return fmt.Errorf("status list %d (%s, %s): %w", list, p, k.ID, err)
			}
		}
	}
	return nil
}

// w3cListCredential is a BitstringStatusListCredential as the W3C text
// has it (§2.2, §3.1): encodedList a multibase base64url ("u") GZIP of at
// least 16 KiB of bits.
func (s *Service) w3cListCredential(ctx context.Context, k W3CKey, list int, p Purpose, bits []byte) ([]byte, error) {
	enc, err := Encode(bits)
	if err != nil {
		return nil, err
	}
	u := s.W3CListURL(k.ID, list, p)
	now := s.now().UTC().Format(time.RFC3339)
	doc := map[string]any{
		"@context":  []any{ldcontext.VCv2},
		"id":        u,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    k.Issuer,
		"validFrom": now,
		"credentialSubject": map[string]any{
			"id":            u + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": string(p),
			"encodedList":   "u" + enc,
		},
	}
	canon := s.Canon
	if canon == nil {
		canon = dataintegrity.Default
	}
	proof, err := dataintegrity.SignEdDSA(ctx, canon, doc, k.Signer.Key, credential.NewID(), k.Signer.Method, now)
	if err != nil {
		return nil, err
	}
	doc["proof"] = proof
	return json.MarshalIndent(doc, "", "  ")
}

// W3CListDocument returns a published W3C-form list and when it was
// signed.
func (s *Service) W3CListDocument(ctx context.Context, key string, list int, p Purpose) ([]byte, time.Time, error) {
	if p != Revocation && p != Suspension {
		return nil, time.Time{}, ErrNoDocument
	}
	return s.Store.Document(ctx, w3cDocName(key, list, p))
}
