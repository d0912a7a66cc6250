package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/vcdm"
	"github.com/etranscript/etranscript/internal/jsonstrict"
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
				entries = nil
				break
			}
			entries = append(entries, m)
		}
	}
	if len(entries) == 0 || len(entries) > maxStatusEntries {
		r.add(CheckRevocation, Failed, "revocation.bad_entries", "max", maxStatusEntries)
		return
	}
	var first *outcome // the first entry that could not be checked
	var purposes []string
	for _, e := range entries {
		o, purpose := v.checkStatusEntry(ctx, st, e)
		switch {
		case o == nil:
			purposes = append(purposes, purpose)
		case o.status == Failed:
			r.addOutcome(CheckRevocation, o)
			return
		case first == nil:
			first = o
		}
	}
	if first != nil {
		r.addOutcome(CheckRevocation, first)
		return
	}
	switch strings.Join(purposes, ",") {
	case "revocation":
		r.add(CheckRevocation, Passed, "revocation.ok")
	case "revocation,suspension", "suspension,revocation":
		r.add(CheckRevocation, Passed, "revocation.ok_suspension")
	default:
		r.add(CheckRevocation, Passed, "revocation.ok_purposes", "purposes", strings.Join(purposes, ", "))
	}
}

// checkStatusEntry checks one credentialStatus entry: nil and its purpose
// when the credential is not marked in it, else what was found.
func (v *Verifier) checkStatusEntry(ctx context.Context, st *state, e map[string]any) (*outcome, string) {
	typ, _ := e["type"].(string)
	if typ != "BitstringStatusListEntry" && typ != "StatusList2021Entry" {
		return unknown("revocation.entry_type", "type", clip(typ)), ""
	}
	purpose, _ := e["statusPurpose"].(string)
	listURL, _ := e["statusListCredential"].(string)
	index, ok := statusIndex(e["statusListIndex"])
	if !ok {
		return fail("revocation.bad_index"), ""
	}
	if purpose == "" || listURL == "" {
		return fail("revocation.incomplete_entry"), ""
	}
	list, o := v.fetchStatusList(ctx, listURL, purpose)
	if o != nil {
		return o, ""
	}
	subj, _ := list["credentialSubject"].(map[string]any)
	enc, _ := subj["encodedList"].(string)
	bits, err := status.Decode(enc, maxListBits)
	if err != nil {
		v.log().Info("status list", "url", listURL, "err", err)
		return unknown("revocation.list_undecodable", "url", clip(listURL)), ""
	}
	set, err := status.Get(bits, index)
	if err != nil {
		return fail("revocation.index_out_of_list", "index", index, "url", clip(listURL)), ""
	}
	authentic := v.authenticList(ctx, st, list, listURL)
	if authentic != nil {
		v.log().Info("status list not authentic", "url", listURL, "err", authentic)
	}
	if set {
		switch {
		case purpose == "revocation" && authentic != nil:
			return fail("revocation.revoked_unsigned", "url", clip(listURL), "index", index), ""
		case purpose == "revocation":
			return fail("revocation.revoked", "url", clip(listURL), "index", index), ""
		case purpose == "suspension":
			return fail("revocation.suspended", "url", clip(listURL), "index", index), ""
		}
		return fail("revocation.marked", "purpose", clip(purpose), "url", clip(listURL), "index", index), ""
	}
	var re *reasonError
	if errors.As(authentic, &re) {
		return unknown(re.reason, re.params...), ""
	}
	if until, ok := list["validUntil"]; ok {
		if t, err := parseDate(until); err != nil || !v.now().Before(t) {
			return unknown("revocation.list_expired", "url", clip(listURL)), ""
		}
	}
	return nil, purpose
}

// statusIndex reads a statusListIndex: a decimal string (or a number).
func statusIndex(v any) (int, bool) {
	switch x := v.(type) {
	case string:
		i, err := strconv.Atoi(x)
		return i, err == nil && i >= 0
	case float64:
		i := int(x)
		return i, float64(i) == x && i >= 0
	}
	return 0, false
}

// fetchStatusList fetches and reads a status list credential for purpose.
func (v *Verifier) fetchStatusList(ctx context.Context, listURL, purpose string) (map[string]any, *outcome) {
	if v.Fetcher == nil {
		return nil, unknown("revocation.no_fetcher")
	}
	b, err := v.Fetcher.Fetch(ctx, listURL, MaxStatusListBytes)
	if err != nil {
		v.log().Info("status list fetch failed", "url", listURL, "err", err)
		return nil, unknown("revocation.list_unreachable", "url", clip(listURL))
	}
	if err := jsonstrict.Document(b, jsonstrict.Limits{MaxBytes: MaxStatusListBytes, MaxDepth: 32}); err != nil {
		return nil, unknown("revocation.list_invalid_json", "url", clip(listURL), "problem", err.Error())
	}
	var list map[string]any
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, unknown("revocation.list_malformed", "url", clip(listURL))
	}
	subj, _ := list["credentialSubject"].(map[string]any)
	if !hasString(list["type"], "BitstringStatusListCredential") && !hasString(list["type"], "StatusList2021Credential") || subj == nil {
		return nil, unknown("revocation.list_malformed", "url", clip(listURL))
	}
	if lp, ok := subj["statusPurpose"].(string); ok && lp != purpose {
		return nil, unknown("revocation.list_purpose", "url", clip(listURL), "listPurpose", clip(lp), "purpose", clip(purpose))
	}
	return list, nil
}

// authenticList checks that a status list credential comes from the
// credential's issuer: its id is the URL it was fetched from, its issuer
// is the credential's, and an eddsa-rdfc-2022 proof by a key of the
// issuer's profile, valid when it signed and not revoked, verifies.
func (v *Verifier) authenticList(ctx context.Context, st *state, list map[string]any, listURL string) error {
	u := clip(listURL)
	untrusted := func(reason string, params ...any) error {
		return &reasonError{reason: reason, params: append([]any{"url", u}, params...)}
	}
	if id, _ := list["id"].(string); id != listURL {
		return untrusted("revocation.list_other_id", "id", clip(id))
	}
	if iss := issuerID(list["issuer"]); iss != st.issuer {
		return untrusted("revocation.list_other_issuer", "issuer", clip(iss))
	}
	var proofs []map[string]any
	for _, x := range vcdm.List(list["proof"]) {
		if m, ok := x.(map[string]any); ok && m["type"] == "DataIntegrityProof" && m["cryptosuite"] == dataintegrity.EdDSARDFC2022 {
			proofs = append(proofs, m)
		}
	}
	if st.profile == nil && len(proofs) > 0 && !isBlockcerts(st.doc) {
		// A W3C credential's issuer: a key it controls signs its lists.
		ctrl, o := v.checkW3CProof(ctx, &state{doc: list, issuer: st.issuer}, proofs[0], "assertionMethod")
		if o != nil || ctrl != st.issuer {
			return &reasonError{reason: "revocation.list_bad_signature", params: []any{"url", u}, cause: errors.New("not signed by a key of the issuer")}
		}
		return nil
	}
	if st.profile == nil {
		return untrusted("revocation.list_no_profile")
	}
	for _, p := range proofs {
		sk, err := st.profile.verifyEdDSA(ctx, v.canon(), list, p)
		if err != nil {
			return &reasonError{reason: "revocation.list_bad_signature", params: []any{"url", u}, cause: err}
		}
		signed, err := parseDate(sk.signed)
		switch {
		case err != nil:
			return untrusted("revocation.list_bad_date")
		case sk.revoked != "":
			// Unlike a credential, a list has no anchor to date it.
			return untrusted("revocation.list_key_revoked", "key", clip(sk.id))
		}
		if t, err := parseLooseDate(sk.created); err == nil && signed.Before(t) {
			return untrusted("revocation.list_key_not_yet", "key", clip(sk.id))
		}
		if t, err := parseLooseDate(sk.retired); err == nil && signed.After(t) {
			return untrusted("revocation.list_key_retired", "key", clip(sk.id))
		}
		return nil
	}
	return untrusted("revocation.list_unsigned")
}

// checkRevocationList asks the issuer profile's Blockcerts revocation
// list (Open Badges v2 RevocationList, fetched with ?assertionId=;
// docs/credential.md §7).
func (v *Verifier) checkRevocationList(ctx context.Context, r *Result, st *state) {
	if st.profile == nil {
		r.add(CheckRevocation, Unknown, "revocation.no_profile")
		return
	}
	rl := st.profile.RevocationList
	if rl == "" {
		r.add(CheckRevocation, Skipped, "revocation.none")
		return
	}
	id, _ := st.doc["id"].(string)
	u, err := url.Parse(rl)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		r.add(CheckRevocation, Unknown, "revocation.bad_list_url", "url", clip(rl))
		return
	}
	if id != "" {
		q := u.Query()
		q.Set("assertionId", id)
		u.RawQuery = q.Encode()
	}
	b, err := v.Fetcher.Fetch(ctx, u.String(), MaxStatusListBytes)
	if err != nil {
		v.log().Info("revocation list fetch failed", "url", rl, "err", err)
		r.add(CheckRevocation, Unknown, "revocation.rl_unreachable", "url", clip(rl))
		return
	}
	var doc struct {
		Revoked []struct {
			ID     string `json:"id"`
			Reason string `json:"revocationReason"`
		} `json:"revokedAssertions"`
	}
	if err := jsonstrict.Document(b, jsonstrict.Limits{MaxBytes: MaxStatusListBytes, MaxDepth: 16}); err != nil {
		v.log().Info("revocation list", "url", rl, "err", err)
		r.add(CheckRevocation, Unknown, "revocation.rl_invalid", "url", clip(rl))
		return
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		v.log().Info("revocation list", "url", rl, "err", err)
		r.add(CheckRevocation, Unknown, "revocation.rl_invalid", "url", clip(rl))
		return
	}
	for _, a := range doc.Revoked {
		if a.ID == id && id != "" {
			if a.Reason != "" {
				r.add(CheckRevocation, Failed, "revocation.rl_revoked_reason", "reason", clip(a.Reason))
			} else {
				r.add(CheckRevocation, Failed, "revocation.rl_revoked")
			}
			return
		}
	}
	r.add(CheckRevocation, Passed, "revocation.rl_ok")
}
