package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/status"
)

// Limits of status documents.
const (
	MaxStatusListBytes = 2 << 20  // a fetched status list credential
	maxStatusEntries   = 8        // credentialStatus entries read
	maxListBits        = 16 << 20 // a decoded bitstring, in bytes
)

// checkRevocation reads the credential's status. With credentialStatus
// (W3C Bitstring Status List v1.0 §3.2, "Validate Algorithm"; its
// StatusList2021 predecessor): each list is fetched, must be a status list
// credential for the entry's purpose, signed with an eddsa-rdfc-2022 proof
// by a key the issuer profile publishes (docs/credential.md §7), and the
// entry's bit must be clear. Without it, the profile's Blockcerts
// revocationList is asked with ?assertionId= (docs/credential.md §7). A list
// that cannot be fetched or authenticated makes the check unknown, never
// passed (docs/commands.md, "Verifying"); a list that says "revoked" fails the
// credential even when it cannot be authenticated, since that can only
// withhold trust.
func (v *Verifier) checkRevocation(ctx context.Context, r *Result, st *state) {
	raw, ok := st.doc["credentialStatus"]
	if !ok {
		v.checkRevocationList(ctx, r, st)
		return
	}
	var entries []map[string]any
	switch x := raw.(type) {
	case map[string]any:
		entries = []map[string]any{x}
	case []any:
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				r.add(CheckRevocation, Failed, "credentialStatus: expected objects")
				return
			}
			entries = append(entries, m)
		}
	default:
		r.add(CheckRevocation, Failed, "credentialStatus: expected an object or a list of objects")
		return
	}
	if len(entries) == 0 || len(entries) > maxStatusEntries {
		r.add(CheckRevocation, Failed, fmt.Sprintf("credentialStatus: expected 1 to %d entries, found %d", maxStatusEntries, len(entries)))
		return
	}
	var unknown []string
	var passed []string
	for _, e := range entries {
		res, msg := v.checkStatusEntry(ctx, st, e)
		switch res {
		case Failed:
			r.add(CheckRevocation, Failed, msg)
			return
		case Unknown:
			unknown = append(unknown, msg)
		default:
			passed = append(passed, msg)
		}
	}
	if len(unknown) > 0 {
		r.add(CheckRevocation, Unknown, "could not check the credential's status: "+strings.Join(unknown, "; "))
		return
	}
	r.add(CheckRevocation, Passed, strings.Join(passed, "; "))
}

// checkStatusEntry checks one credentialStatus entry.
func (v *Verifier) checkStatusEntry(ctx context.Context, st *state, e map[string]any) (Status, string) {
	typ, _ := e["type"].(string)
	if typ != "BitstringStatusListEntry" && typ != "StatusList2021Entry" {
		return Unknown, fmt.Sprintf("a status entry of type %q, which this verifier does not read", clip(typ))
	}
	purpose, _ := e["statusPurpose"].(string)
	listURL, _ := e["statusListCredential"].(string)
	var index int
	var err error
	switch x := e["statusListIndex"].(type) {
	case string:
		index, err = strconv.Atoi(x)
	case float64:
		index, err = int(x), nil
		if float64(index) != x {
			err = errors.New("not an integer")
		}
	default:
		err = errors.New("missing")
	}
	if err != nil || index < 0 {
		return Failed, "credentialStatus: statusListIndex is not a non-negative integer"
	}
	if purpose == "" || listURL == "" {
		return Failed, "credentialStatus: statusPurpose and statusListCredential are required"
	}
	if v.Fetcher == nil {
		return Unknown, "no way to fetch the status list"
	}
	b, err := v.Fetcher.Fetch(ctx, listURL, MaxStatusListBytes)
	if err != nil {
		return Unknown, fmt.Sprintf("the status list %s could not be fetched: %v", clip(listURL), err)
	}
	if err := credential.CheckJSON(b, credential.Limits{MaxBytes: MaxStatusListBytes, MaxDepth: 32}); err != nil {
		return Unknown, fmt.Sprintf("the status list %s is not valid JSON: %v", clip(listURL), err)
	}
	var list map[string]any
	if err := json.Unmarshal(b, &list); err != nil {
		return Unknown, fmt.Sprintf("the status list %s is not a JSON object", clip(listURL))
	}
	subj, _ := list["credentialSubject"].(map[string]any)
	if !hasString(list["type"], "BitstringStatusListCredential") && !hasString(list["type"], "StatusList2021Credential") || subj == nil {
		return Unknown, fmt.Sprintf("%s is not a status list credential", clip(listURL))
	}
	if lp, ok := subj["statusPurpose"].(string); ok && lp != purpose {
		return Unknown, fmt.Sprintf("the list %s is for %q, the entry for %q", clip(listURL), clip(lp), clip(purpose))
	}
	enc, _ := subj["encodedList"].(string)
	bits, err := status.Decode(enc, maxListBits)
	if err != nil {
		return Unknown, fmt.Sprintf("the status list %s: %v", clip(listURL), err)
	}
	set, err := status.Get(bits, index)
	if err != nil {
		return Failed, fmt.Sprintf("credentialStatus: %v", err)
	}
	authentic := v.authenticList(ctx, st, list, listURL)
	if set {
		what := map[string]string{"revocation": "revoked", "suspension": "suspended"}[purpose]
		if what == "" {
			what = "marked " + strconv.Quote(clip(purpose))
		}
		msg := fmt.Sprintf("%s by the issuer (status list %s, entry %d)", what, clip(listURL), index)
		if authentic != nil {
			msg += "; the list's own signature could not be checked: " + authentic.Error()
		}
		return Failed, msg
	}
	if authentic != nil {
		return Unknown, fmt.Sprintf("the status list %s cannot be trusted: %v", clip(listURL), authentic)
	}
	if until, ok := list["validUntil"]; ok {
		if t, err := parseDate(until); err != nil || !v.now().Before(t) {
			return Unknown, fmt.Sprintf("the status list %s has expired", clip(listURL))
		}
	}
	return Passed, fmt.Sprintf("not %s (status list signed by the issuer)", map[string]string{"revocation": "revoked", "suspension": "suspended"}[purpose])
}

// authenticList checks that a status list credential comes from the
// credential's issuer: its id is the URL it was fetched from, its issuer
// is the credential's, and an eddsa-rdfc-2022 proof by a key of the
// issuer's profile, valid when it signed and not revoked, verifies.
func (v *Verifier) authenticList(ctx context.Context, st *state, list map[string]any, listURL string) error {
	if id, _ := list["id"].(string); id != listURL {
		return fmt.Errorf("its id is %q, not its URL", clip(id))
	}
	if iss := issuerID(list["issuer"]); iss != st.issuer {
		return fmt.Errorf("issued by %s, not by the credential's issuer", clip(iss))
	}
	if st.profile == nil {
		return errors.New("the issuer profile could not be read")
	}
	var proofs []map[string]any
	switch p := list["proof"].(type) {
	case map[string]any:
		proofs = append(proofs, p)
	case []any:
		for _, x := range p {
			if m, ok := x.(map[string]any); ok {
				proofs = append(proofs, m)
			}
		}
	}
	for _, p := range proofs {
		if p["type"] != "DataIntegrityProof" || p["cryptosuite"] != credential.EdDSARDFC2022 {
			continue
		}
		sk, err := st.profile.verifyEdDSA(ctx, v.canon(), list, p)
		if err != nil {
			return err
		}
		signed, err := parseDate(sk.signed)
		if err != nil {
			return fmt.Errorf("the list's signature date: %v", err)
		}
		if t, err := parseLooseDate(sk.created); err == nil && signed.Before(t) {
			return fmt.Errorf("signed before its key %s was created", clip(sk.id))
		}
		if t, err := parseLooseDate(sk.retired); err == nil && signed.After(t) {
			return fmt.Errorf("signed with key %s after it was retired", clip(sk.id))
		}
		if sk.revoked != "" {
			// Unlike a credential, a list has no anchor to date it.
			return fmt.Errorf("signed with key %s, which the issuer has revoked", clip(sk.id))
		}
		return nil
	}
	return errors.New("it has no eddsa-rdfc-2022 proof by the issuer")
}

// checkRevocationList asks the issuer profile's Blockcerts revocation
// list (Open Badges v2 RevocationList, fetched with ?assertionId=;
// docs/credential.md §7).
func (v *Verifier) checkRevocationList(ctx context.Context, r *Result, st *state) {
	if st.profile == nil {
		r.add(CheckRevocation, Unknown, "could not check revocation: the issuer profile, which says where revocations are published, could not be read")
		return
	}
	rl := st.profile.RevocationList
	if rl == "" {
		r.add(CheckRevocation, Skipped, "the issuer publishes no revocation list and the credential has no status entry: it cannot be revoked")
		return
	}
	id, _ := st.doc["id"].(string)
	u, err := url.Parse(rl)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		r.add(CheckRevocation, Unknown, fmt.Sprintf("could not check revocation: the revocation list URL %q is not an http(s) URL", clip(rl)))
		return
	}
	if id != "" {
		q := u.Query()
		q.Set("assertionId", id)
		u.RawQuery = q.Encode()
	}
	b, err := v.Fetcher.Fetch(ctx, u.String(), MaxStatusListBytes)
	if err != nil {
		r.add(CheckRevocation, Unknown, fmt.Sprintf("could not check revocation: the revocation list %s could not be fetched: %v", clip(rl), err))
		return
	}
	var doc struct {
		Revoked []struct {
			ID     string `json:"id"`
			Reason string `json:"revocationReason"`
		} `json:"revokedAssertions"`
	}
	if err := credential.CheckJSON(b, credential.Limits{MaxBytes: MaxStatusListBytes, MaxDepth: 16}); err != nil {
		r.add(CheckRevocation, Unknown, fmt.Sprintf("could not check revocation: the revocation list is not valid JSON: %v", err))
		return
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		r.add(CheckRevocation, Unknown, fmt.Sprintf("could not check revocation: the revocation list is malformed: %v", err))
		return
	}
	for _, a := range doc.Revoked {
		if a.ID == id && id != "" {
			msg := "revoked by the issuer"
			if a.Reason != "" {
				msg += ": " + clip(a.Reason)
			}
			r.add(CheckRevocation, Failed, msg)
			return
		}
	}
	r.add(CheckRevocation, Passed, "not in the issuer's revocation list")
}
