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
// multibase "u" prefix, issued by the did:key of the VC API and signed by
// it. Credentials issued one at a time through the W3C VC API point at
// these; batch credentials keep the lists the official Blockcerts verifier
// reads, which it decodes only without the prefix (docs/conformance.md).
type W3CForm struct {
	// Issuer is the lists' issuer (the VC API's did:key); Signer signs
	// them with its verification method.
	Issuer string
	Signer *Signer
}

// W3CPrefix is where the W3C-form lists are published, under the base URL.
const W3CPrefix = "/vc/status/"

// VCAPIBatch is the allocation batch of the VC API's credentials.
const VCAPIBatch = "vc-api"

// w3cDocName is the store's name of a W3C-form list document.
func w3cDocName(list int, p Purpose) string { return fmt.Sprintf("vcstatus/%d/%s", list, p) }

// W3CListURL is a W3C-form list's URL (and id).
func (s *Service) W3CListURL(list int, p Purpose) string {
	return s.BaseURL + W3CPrefix + strconv.Itoa(list) + "/" + string(p)
}

// AssignOne gives one credential of the VC API a slot, and returns its
// entry in the W3C-form revocation list (vcapi.StatusAssigner). The list
// is published before AssignOne returns.
func (s *Service) AssignOne(ctx context.Context, id string) ([]credential.StatusEntry, error) {
	if s.W3C == nil {
		return nil, errors.New("status lists: no W3C form configured")
	}
	sl, err := s.slotOf(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("status lists: %w", err)
	}
	if _, _, err := s.Store.Document(ctx, w3cDocName(sl.List, Revocation)); errors.Is(err, ErrNoDocument) {
		if err := s.publishW3C(ctx, sl.List); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("status lists: %w", err)
	}
	u, idx := s.W3CListURL(sl.List, Revocation), strconv.Itoa(sl.Index)
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

// publishW3C signs and stores the W3C form of list's credentials.
func (s *Service) publishW3C(ctx context.Context, list int) error {
	for _, p := range Purposes {
		bits, version, err := s.Store.Bits(ctx, list, p)
		if err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
		doc, err := s.w3cListCredential(ctx, list, p, bits)
		if err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
		if err := s.Store.PutDocument(ctx, w3cDocName(list, p), doc, version, s.now()); err != nil {
			return fmt.Errorf("status list %d (%s): %w", list, p, err)
		}
	}
	return nil
}

// w3cListCredential is a BitstringStatusListCredential as the W3C text
// has it (§2.2, §3.1): encodedList a multibase base64url ("u") GZIP of at
// least 16 KiB of bits.
func (s *Service) w3cListCredential(ctx context.Context, list int, p Purpose, bits []byte) ([]byte, error) {
	enc, err := Encode(bits)
	if err != nil {
		return nil, err
	}
	u := s.W3CListURL(list, p)
	now := s.now().UTC().Format(time.RFC3339)
	doc := map[string]any{
		"@context":  []any{ldcontext.VCv2},
		"id":        u,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    s.W3C.Issuer,
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
	proof, err := dataintegrity.SignEdDSA(ctx, canon, doc, s.W3C.Signer.Key, credential.NewID(), s.W3C.Signer.Method, now)
	if err != nil {
		return nil, err
	}
	doc["proof"] = proof
	return json.MarshalIndent(doc, "", "  ")
}

// W3CListDocument returns a published W3C-form list and when it was
// signed.
func (s *Service) W3CListDocument(ctx context.Context, list int, p Purpose) ([]byte, time.Time, error) {
	if p != Revocation && p != Suspension {
		return nil, time.Time{}, ErrNoDocument
	}
	return s.Store.Document(ctx, w3cDocName(list, p))
}
