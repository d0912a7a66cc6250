package verifier

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/anchor/merkle"
	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/credential/merkleproof"
	"github.com/etranscript/etranscript/credential/vcdm"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/keys"
)

// Verifier checks credentials. The zero value is not usable: set Fetcher.
type Verifier struct {
	// Canon canonicalizes documents; nil means dataintegrity.Default.
	Canon dataintegrity.Canonicalizer
	// Fetcher gets issuer profiles.
	Fetcher Fetcher
	// AllowTestChains accepts mocknet credentials (their anchor check is
	// skipped); without it they fail: they are not anchored anywhere.
	AllowTestChains bool
	// Now is the clock for the validity period; nil means time.Now.
	Now func() time.Time
	// Limits bound the document; zero means jsonstrict.Default.
	Limits jsonstrict.Limits
	// Chains reads Ethereum anchors, by EIP-155 chain id: only configured
	// endpoints are asked, never one a document names.
	Chains map[int64]ChainReader
	// Log receives the causes of outcomes (fetch and chain errors, what a
	// decoder said): results say what happened, in words for anyone; the
	// log says why, for the operator. nil discards.
	Log *slog.Logger
	// Extensions are checks of the user's own, run after the built-in
	// ones on every credential whose format passed.
	Extensions []Extension
	// Trusted, if set, is the list of issuers the verifier's operator
	// vouches for; each result says whether its issuer is on it (Trust).
	// Validity and trust are separate questions.
	Trusted TrustList
	// RevokedKey, if set, says whether a did:key is one its issuer
	// reported compromised, and since when: an operator knows this of its
	// own keys (the command line reads the data directory's key ring).
	// Nothing dates a Data Integrity signature independently, so every
	// signature by such a key fails.
	RevokedKey func(did string) (since time.Time, revoked bool)
}

// trust says whether r's issuer, once its profile is accepted, is on the
// trusted list.
func (v *Verifier) trust(r *Result) *Result {
	if v.Trusted == nil || r.Credential == nil {
		return r
	}
	t := Trust{}
	for _, c := range r.Checks {
		if c.ID == CheckIssuer && c.Status == Passed {
			t = v.Trusted.Check(r.Credential.Issuer)
		}
	}
	r.Trust = &t
	return r
}

// ChainReader reads anchoring transactions of one chain.
type ChainReader interface {
	Lookup(ctx context.Context, txid string) (*anchor.TxInfo, error)
	// Required is the number of confirmations the chain requires.
	Required() uint64
}

func (v *Verifier) canon() dataintegrity.Canonicalizer {
	if v.Canon != nil {
		return v.Canon
	}
	return dataintegrity.Default
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// merkleProof is one MerkleProof2019 proof of the credential and how much of
// the proof chain its hash covers.
type merkleProof struct {
	keep int // proofs before it that its hash covers
	p    *merkleproof.Proof
}

// state carries what one check learns for the next.
type state struct {
	doc     map[string]any
	issuer  string
	proofs  []merkleProof
	other   []string // proof types this verifier does not check
	anchors []merkleproof.Anchor
	tx      *anchor.TxInfo // the anchoring transaction, once checked
	vms     []string       // each Merkle proof's verificationMethod
	sigs    []map[string]any
	profile *profile // the issuer profile, once fetched and accepted
	keys    []signingKey
}

// signingKey is a profile key that made a verified signature, and when.
type signingKey struct {
	id                        string
	created, retired, revoked string
	signed                    string
}

// VerifyJSON verifies a credential given as JSON bytes.
func (v *Verifier) VerifyJSON(ctx context.Context, data []byte) *Result {
	doc, r := v.decode(data)
	if doc == nil {
		return r.finish()
	}
	return v.Verify(ctx, doc)
}

// decode reads a credential's JSON within the limits; on failure it
// returns the result that says why.
func (v *Verifier) decode(data []byte) (map[string]any, *Result) {
	r := &Result{}
	lim := v.Limits
	if lim.MaxBytes == 0 {
		lim = jsonstrict.Default
	}
	raw, err := jsonstrict.Decode(bytes.NewReader(data), lim)
	if err != nil {
		r.add(CheckFormat, Failed, "format.unreadable", "problem", err.Error())
		return nil, r
	}
	doc, ok := raw.(map[string]any)
	if !ok {
		r.add(CheckFormat, Failed, "format.not_object")
		return nil, r
	}
	return doc, r
}

// Verify verifies a decoded credential. It never panics on hostile input
// and makes no network request but the issuer profile and status list
// fetches.
func (v *Verifier) Verify(ctx context.Context, doc map[string]any) *Result {
	if !isBlockcerts(doc) && !hasString(doc["type"], "VerifiablePresentation") {
		return v.trust(v.runW3C(ctx, doc)).finish()
	}
	r, _ := v.run(ctx, doc)
	return v.trust(r).finish()
}

// run makes every check of the credential, and returns what they learnt.
func (v *Verifier) run(ctx context.Context, doc map[string]any) (*Result, *state) {
	r := &Result{Credential: summarize(doc)}
	st := &state{doc: doc}
	if !v.checkFormat(r, st) {
		for _, s := range v.steps() {
			if !r.has(s.id) {
				r.add(s.id, Skipped, "format.not_checked")
			}
		}
		return r, st
	}
	for _, s := range v.steps() {
		if ctx.Err() != nil {
			r.add(s.id, Unknown, "step.stopped")
			continue
		}
		s.run(ctx, r, st)
	}
	return r, st
}

// step is one check after the format's, in the order they run: each may
// use what the earlier ones learnt (state).
type step struct {
	id  string
	run func(context.Context, *Result, *state)
}

func (v *Verifier) steps() []step {
	return append(v.builtinSteps(), v.extensionSteps()...)
}

func (v *Verifier) builtinSteps() []step {
	return []step{
		{CheckIntegrity, v.checkIntegrity},
		{CheckMerkle, func(_ context.Context, r *Result, st *state) { v.checkMerkle(r, st) }},
		{CheckAnchor, v.checkAnchor},
		{CheckIssuer, v.checkIssuer},
		{CheckSignature, v.checkSignature},
		{CheckKeyValidity, func(_ context.Context, r *Result, st *state) { v.checkKeyValidity(r, st) }},
		{CheckRevocation, v.checkRevocation},
		{CheckValidityPeriod, func(_ context.Context, r *Result, st *state) { v.checkValidity(r, st) }},
	}
}

func summarize(doc map[string]any) *Summary {
	s := &Summary{}
	s.ID, _ = doc["id"].(string)
	s.Issuer = issuerID(doc["issuer"])
	if cs, ok := doc["credentialSubject"].(map[string]any); ok {
		s.Subject, _ = cs["name"].(string)
	}
	if d, ok := doc["validFrom"].(string); ok {
		s.Issued = d
	} else if d, ok := doc["issuanceDate"].(string); ok {
		s.Issued = d
	}
	return s
}

func issuerID(v any) string { return vcdm.IDOf(v) }

// Context URLs of the two VC data models.
const (
	vc1Context = "https://www.w3.org/2018/credentials/v1"
	vc2Context = "https://www.w3.org/ns/credentials/v2"
)

// usesTranscriptVocab reports whether a context object maps a term to the
// transcript vocabulary: the credential is a transcript of ours.
func usesTranscriptVocab(ctxs []any) bool {
	for _, c := range ctxs {
		if m, ok := c.(map[string]any); ok {
			for _, v := range m {
				if v == credential.TranscriptVocab {
					return true
				}
			}
		}
	}
	return false
}

func isMerkleProof(p map[string]any) bool {
	t, _ := p["type"].(string)
	cs, _ := p["cryptosuite"].(string)
	ct, _ := p["chainedProofType"].(string)
	return t == "MerkleProof2019" || (t == "DataIntegrityProof" && cs == "merkle-proof-2019") ||
		(t == "ChainedProof2021" && ct == "MerkleProof2019")
}

func hasString(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return x == want
	case []any:
		for _, e := range x {
			if e == want {
				return true
			}
		}
	}
	return false
}

// parseDate accepts RFC 3339 date-times with a time zone, as the VC data
// model requires (xsd:dateTimeStamp) and the official verifier enforces.
func parseDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errors.New("expected a date-time string")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("expected an RFC 3339 date-time with a time zone such as 2026-11-15T09:00:00Z, got %q", clip(s))
	}
	return t, nil
}

// checkIntegrity recomputes each Merkle proof's target hash (docs/credential.md
// §2: canonical N-Quads with the fallback vocabulary, no unmapped terms,
// SHA-256) and compares it with the proof's targetHash.
func (v *Verifier) checkIntegrity(ctx context.Context, r *Result, st *state) {
	if len(st.proofs) == 0 {
		r.add(CheckIntegrity, Skipped, "integrity.no_merkle_proof")
		return
	}
	for _, mp := range st.proofs {
		h, err := dataintegrity.TargetHash(ctx, v.canon(), st.doc, mp.keep)
		var um *dataintegrity.UnmappedError
		var uc *ldcontext.UnknownError
		switch {
		case errors.As(err, &um):
			r.add(CheckIntegrity, Failed, "integrity.unmapped", "fields", strings.Join(um.Fields, ", "))
			return
		case errors.As(err, &uc):
			r.add(CheckIntegrity, Failed, "integrity.unknown_context", "context", clip(uc.URL))
			return
		case ctx.Err() != nil:
			r.add(CheckIntegrity, Unknown, "integrity.stopped")
			return
		case errors.Is(err, jsonstrict.ErrTooLarge):
			r.add(CheckIntegrity, Failed, "integrity.too_large", "problem", err.Error())
			return
		case err != nil:
			v.log().Info("canonicalization failed", "credential", r.Credential.ID, "err", err)
			r.add(CheckIntegrity, Failed, "integrity.not_canonicalizable")
			return
		}
		if h != mp.p.TargetHash {
			r.add(CheckIntegrity, Failed, "integrity.hash_mismatch", "hash", short(h[:]), "signed", short(mp.p.TargetHash[:]))
			return
		}
	}
	r.add(CheckIntegrity, Passed, "integrity.ok")
}

// checkMerkle folds each proof's path over its target hash (docs/credential.md
// §3) and compares the result with merkleRoot.
func (v *Verifier) checkMerkle(r *Result, st *state) {
	if len(st.proofs) == 0 {
		r.add(CheckMerkle, Skipped, "merkle.no_proof")
		return
	}
	for _, mp := range st.proofs {
		if got := merkle.RootFrom(mp.p.TargetHash, mp.p.Path); got != mp.p.MerkleRoot {
			r.add(CheckMerkle, Failed, "merkle.root_mismatch", "root", short(mp.p.MerkleRoot[:]))
			return
		}
		st.anchors = append(st.anchors, mp.p.Anchors...)
	}
	n := len(st.proofs[0].p.Path)
	r.add(CheckMerkle, Passed, "merkle.ok", "root", short(st.proofs[0].p.MerkleRoot[:]), "steps", n)
}

// checkAnchor checks that each Merkle root is on a blockchain
// (docs/credential.md §5): the transaction exists on the chain the proof names,
// read through configured endpoints only; it succeeded; its input is the
// root; it has the chain's required confirmations. A mocknet anchor is a
// test credential (docs/credential.md §4; docs/commands.md, "Verifying").
func (v *Verifier) checkAnchor(ctx context.Context, r *Result, st *state) {
	if len(st.anchors) == 0 {
		r.add(CheckAnchor, Skipped, "anchor.none")
		return
	}
	a := st.anchors[0]
	r.Credential.Anchor = &AnchorInfo{Chain: anchor.Label(a.Chain, a.NetworkName()), Tx: a.TxID}
	if a.Chain == anchor.Mocknet {
		if !v.AllowTestChains {
			r.add(CheckAnchor, Failed, "anchor.test_chain")
			return
		}
		r.add(CheckAnchor, Skipped, "anchor.test_chain_allowed")
		return
	}
	var last *anchor.TxInfo
	for _, mp := range st.proofs {
		for _, a := range mp.p.Anchors {
			name := anchor.Label(a.Chain, a.NetworkName())
			reader, ok := v.Chains[a.Network]
			if n, named := reader.(interface{ NetworkName() string }); ok && named && n.NetworkName() != "" {
				name = anchor.Label(a.Chain, n.NetworkName())
				r.Credential.Anchor.Chain = name
			}
			if a.Chain != "eth" || !ok {
				r.add(CheckAnchor, Unknown, "anchor.chain_not_configured", "chain", name, "tx", clip(a.TxID))
				return
			}
			info, err := reader.Lookup(ctx, a.TxID)
			switch {
			case errors.Is(err, anchor.ErrNoTx):
				r.add(CheckAnchor, Failed, "anchor.tx_not_found", "tx", clip(a.TxID), "chain", name)
				return
			case err != nil:
				v.log().Info("chain read failed", "chain", name, "tx", a.TxID, "err", err)
				r.add(CheckAnchor, Unknown, "anchor.unreachable", "tx", clip(a.TxID), "chain", name)
				return
			case info.Confirmations == 0:
				r.add(CheckAnchor, Unknown, "anchor.pending", "tx", clip(a.TxID), "chain", name)
				return
			case !info.Success:
				r.add(CheckAnchor, Failed, "anchor.tx_failed", "tx", clip(a.TxID), "chain", name)
				return
			case string(info.Input) != string(mp.p.MerkleRoot[:]):
				r.add(CheckAnchor, Failed, "anchor.root_mismatch", "tx", clip(a.TxID), "chain", name, "input", short(info.Input), "root", short(mp.p.MerkleRoot[:]))
				return
			case info.Confirmations < reader.Required():
				r.add(CheckAnchor, Unknown, "anchor.confirmations", "tx", clip(a.TxID), "chain", name, "have", info.Confirmations, "need", reader.Required())
				return
			}
			last = info
		}
	}
	st.tx = last
	r.Credential.Anchor.Block, r.Credential.Anchor.Confirmations = last.Block, last.Confirmations
	r.Credential.Anchor.Time = last.Time.Format(time.RFC3339)
	r.add(CheckAnchor, Passed, "anchor.ok", "tx", clip(a.TxID), "chain", r.Credential.Anchor.Chain, "block", last.Block,
		"time", last.Time.Format(time.RFC3339), "confirmations", last.Confirmations)
}

// checkIssuer fetches the issuer profile from the credential's issuer URL
// (docs/credential.md §6: an embedded issuer object is ignored) and accepts it
// only if its id is that URL.
func (v *Verifier) checkIssuer(ctx context.Context, r *Result, st *state) {
	if strings.HasPrefix(st.issuer, "did:") {
		r.add(CheckIssuer, Unknown, "issuer.did", "issuer", clip(st.issuer))
		return
	}
	if v.Fetcher == nil {
		r.add(CheckIssuer, Unknown, "issuer.no_fetcher")
		return
	}
	b, err := v.Fetcher.Fetch(ctx, st.issuer, MaxProfileBytes)
	if err != nil {
		v.log().Info("issuer profile fetch failed", "url", st.issuer, "err", err)
		r.add(CheckIssuer, Unknown, "issuer.unreachable", "url", clip(st.issuer))
		return
	}
	var p profile
	if err := jsonstrict.Document(b, jsonstrict.Limits{MaxBytes: MaxProfileBytes, MaxDepth: 32}); err != nil {
		r.add(CheckIssuer, Failed, "issuer.invalid_json", "url", clip(st.issuer), "problem", err.Error())
		return
	}
	if err := json.Unmarshal(b, &p); err != nil {
		v.log().Info("issuer profile malformed", "url", st.issuer, "err", err)
		r.add(CheckIssuer, Failed, "issuer.malformed", "url", clip(st.issuer))
		return
	}
	if p.ID != st.issuer {
		r.add(CheckIssuer, Failed, "issuer.other_id", "url", clip(st.issuer), "id", clip(p.ID))
		return
	}
	if !hasString(p.Type, "BlockcertsIssuerProfile") && !hasString(p.Type, "Profile") && !hasString(p.Type, "Issuer") {
		r.add(CheckIssuer, Failed, "issuer.not_profile")
		return
	}
	st.profile = &p
	host := st.issuer
	if u, err := url.Parse(st.issuer); err == nil {
		host = u.Host
	}
	var anchorKey *keys.JWK
	for _, vm := range st.vms {
		k, o := p.anchorKey(vm)
		if o != nil {
			r.add(CheckIssuer, Failed, o.reason, o.params...)
			return
		}
		anchorKey = k
	}
	if st.tx == nil {
		r.add(CheckIssuer, Passed, "issuer.ok", "name", clip(p.Name), "host", host)
		return
	}
	if o := p.sentBy(st.tx, anchorKey); o != nil {
		r.add(CheckIssuer, Failed, o.reason, o.params...)
		return
	}
	r.add(CheckIssuer, Passed, "issuer.ok_anchored", "name", clip(p.Name), "host", host, "address", st.tx.From.Hex())
}

// vmEntry is one verification method of a profile.
type vmEntry struct {
	ID                 string    `json:"id"`
	Type               string    `json:"type"`
	PublicKeyJwk       *keys.JWK `json:"publicKeyJwk"`
	PublicKeyMultibase string    `json:"publicKeyMultibase"`
	Revoked            string    `json:"revoked"`
	Expires            string    `json:"expires"`
	Created            string    `json:"created"`
	Retired            string    `json:"retired"`
}

// profile is what the verifier reads of an issuer profile.
type profile struct {
	ID        string `json:"id"`
	Type      any    `json:"type"`
	Name      string `json:"name"`
	PublicKey []struct {
		ID      string `json:"id"`
		Created string `json:"created"`
		Expires string `json:"expires"`
		Revoked string `json:"revoked"`
	} `json:"publicKey"`
	VerificationMethod []vmEntry `json:"verificationMethod"`
	AssertionMethod    []any     `json:"assertionMethod"`
	RevocationList     string    `json:"revocationList"`
}

// checkSignature verifies each eddsa-rdfc-2022 proof (W3C Data Integrity
// EdDSA Cryptosuites v1.0 §3.3, "Verify Proof") with the key the issuer
// profile publishes: the proof's verificationMethod must be one of the
// profile's verification methods and be listed in its assertionMethod
// (docs/credential.md §6), and the key must not be revoked.
func (v *Verifier) checkSignature(ctx context.Context, r *Result, st *state) {
	if len(st.sigs) == 0 {
		r.add(CheckSignature, Skipped, "signature.none")
		return
	}
	if st.profile == nil {
		r.add(CheckSignature, Unknown, "signature.no_profile")
		return
	}
	for _, sp := range st.sigs {
		if _, chained := sp["previousProof"]; chained {
			// A signature over earlier proofs (VC Data Integrity §4.3.2,
			// proof chains); ours always come first.
			r.add(CheckSignature, Unknown, "signature.chained")
			return
		}
		sk, err := st.profile.verifyEdDSA(ctx, v.canon(), st.doc, sp)
		if ctx.Err() != nil {
			r.add(CheckSignature, Unknown, "signature.stopped")
			return
		}
		if err != nil {
			var re *reasonError
			if errors.As(err, &re) {
				v.log().Info("signature check", "credential", r.Credential.ID, "reason", re.reason, "err", re.cause)
				r.add(CheckSignature, Failed, re.reason, re.params...)
			} else {
				v.log().Info("signature check", "credential", r.Credential.ID, "err", err)
				r.add(CheckSignature, Failed, "signature.invalid")
			}
			return
		}
		st.keys = append(st.keys, sk)
	}
	r.add(CheckSignature, Passed, "signature.ok")
}

// verifyEdDSA verifies an eddsa-rdfc-2022 proof on doc with a key of the
// profile (docs/credential.md §6): the proof's verificationMethod must be one of
// the profile's verification methods, listed in its assertionMethod. It
// returns the key with its validity window, for checkKeyValidity.
func (p *profile) verifyEdDSA(ctx context.Context, canon dataintegrity.Canonicalizer, doc, sp map[string]any) (signingKey, error) {
	vm, _ := sp["verificationMethod"].(string)
	var key string
	var jwk *keys.JWK
	found, asserted := false, false
	sk := signingKey{id: vm}
	sk.signed, _ = sp["created"].(string)
	for _, m := range p.VerificationMethod {
		if m.ID == vm || p.ID+m.ID == vm {
			found, key, jwk = true, m.PublicKeyMultibase, m.PublicKeyJwk
			sk.created, sk.retired, sk.revoked = m.Created, m.Retired, m.Revoked
		}
	}
	for _, a := range p.AssertionMethod {
		if s, ok := a.(string); ok && (s == vm || p.ID+s == vm) {
			asserted = true
		}
	}
	if !found || !asserted {
		return sk, &reasonError{reason: "signature.unknown_key", params: []any{"key", clip(vm)}}
	}
	var pub ed25519.PublicKey
	var err error
	if key != "" {
		pub, err = dataintegrity.DecodeMultikey(key)
	} else if jwk != nil {
		pub, err = keys.Ed25519FromJWK(*jwk)
	} else {
		err = errors.New("no public key given")
	}
	if err != nil {
		return sk, &reasonError{reason: "signature.bad_key", params: []any{"key", clip(vm)}, cause: err}
	}
	if err := dataintegrity.VerifyEdDSA(ctx, canon, doc, sp, pub); err != nil {
		return sk, &reasonError{reason: "signature.invalid", cause: err}
	}
	return sk, nil
}

// sentBy checks the anchoring transaction against the profile
// (docs/credential.md §5-§6): its sender is one of the profile's publicKey
// addresses, the block time lies within that key's created / expires /
// revoked window, and the secp256k1 key the Merkle proof names, when the
// profile lists it, derives to the sender.
func (p *profile) sentBy(tx *anchor.TxInfo, key *keys.JWK) *outcome {
	from := tx.From.Hex()
	at := tx.Time.Format(time.RFC3339)
	for _, k := range p.PublicKey {
		addr, ok := strings.CutPrefix(k.ID, "ecdsa-koblitz-pubkey:")
		if !ok || !strings.EqualFold(addr, from) {
			continue
		}
		if t, err := parseLooseDate(k.Created); err == nil && tx.Time.Before(t) {
			return fail("issuer.key_not_yet_valid", "address", from, "time", at, "created", k.Created)
		}
		if t, err := parseLooseDate(k.Expires); err == nil && !tx.Time.Before(t) {
			return fail("issuer.key_expired", "address", from, "time", at, "expires", k.Expires)
		}
		if t, err := parseLooseDate(k.Revoked); err == nil && !tx.Time.Before(t) {
			return fail("issuer.key_revoked", "address", from, "time", at, "revoked", k.Revoked)
		}
		if key != nil {
			if a, err := keys.AddressOfJWK(*key); err != nil || a != tx.From {
				return fail("issuer.sender_mismatch", "address", a.Hex(), "sender", from)
			}
		}
		return nil
	}
	return fail("issuer.sender_unknown", "sender", from)
}

// anchorKey returns the secp256k1 key a Merkle proof's verificationMethod
// names: one of the profile's verification methods, listed in its
// assertionMethod, with a secp256k1 JWK (the key that sends anchors).
func (p *profile) anchorKey(vm string) (*keys.JWK, *outcome) {
	asserted := false
	for _, a := range p.AssertionMethod {
		if s, ok := a.(string); ok && (s == vm || p.ID+s == vm) {
			asserted = true
		}
	}
	for _, m := range p.VerificationMethod {
		if m.ID != vm && p.ID+m.ID != vm {
			continue
		}
		if !asserted {
			break
		}
		if m.PublicKeyJwk == nil {
			return nil, fail("issuer.anchor_key_kind", "key", clip(vm))
		}
		if _, err := keys.AddressOfJWK(*m.PublicKeyJwk); err != nil {
			return nil, fail("issuer.anchor_key_kind", "key", clip(vm))
		}
		return m.PublicKeyJwk, nil
	}
	return nil, fail("issuer.anchor_key_unknown", "key", clip(vm))
}

// parseLooseDate reads the dates of issuer profiles, which cert-issuer
// writes with or without a zone ("2021-11-20T15:52:57.617381+00:00").
func parseLooseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("empty")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", s)
}

// checkKeyValidity checks that each signing key was valid when it signed
// and when the anchor was mined (docs/commands.md, "Verifying"; docs/credential.md §6):
// the signature's date, and the block time, lie between the key's creation
// and its retirement by rotation, and a key
// compromised since a date is trusted only for credentials anchored on a
// chain before that date, since only the anchor's time cannot be forged
// with a stolen key.
func (v *Verifier) checkKeyValidity(r *Result, st *state) {
	if len(st.keys) == 0 {
		r.add(CheckKeyValidity, Skipped, "key_validity.none")
		return
	}
	for _, k := range st.keys {
		signed, err := parseDate(k.signed)
		if err != nil {
			r.add(CheckKeyValidity, Failed, "key_validity.bad_date", "date", clip(k.signed))
			return
		}
		if t, err := parseLooseDate(k.created); err == nil && signed.Before(t) {
			r.add(CheckKeyValidity, Failed, "key_validity.not_yet", "signed", k.signed, "key", clip(k.id), "created", k.created)
			return
		}
		// Both dates are to the second: a signature in the second of the
		// rotation counts as before it.
		if t, err := parseLooseDate(k.retired); err == nil && signed.After(t) {
			r.add(CheckKeyValidity, Failed, "key_validity.retired", "signed", k.signed, "key", clip(k.id), "retired", k.retired)
			return
		}
		// The key must still be valid when the anchor was mined: the
		// block time is the one date a signer cannot choose.
		if t, err := parseLooseDate(k.retired); err == nil && st.tx != nil && st.tx.Time.After(t) {
			r.add(CheckKeyValidity, Failed, "key_validity.retired_before_anchor", "key", clip(k.id), "retired", k.retired, "anchored", st.tx.Time.Format(time.RFC3339))
			return
		}
		if k.revoked != "" {
			since, err := parseLooseDate(k.revoked)
			if err != nil {
				r.add(CheckKeyValidity, Failed, "key_validity.revoked", "key", clip(k.id), "revoked", clip(k.revoked))
				return
			}
			if st.tx == nil {
				r.add(CheckKeyValidity, Failed, "key_validity.compromised_unanchored", "key", clip(k.id), "since", since.Format(time.RFC3339))
				return
			}
			if !st.tx.Time.Before(since) {
				r.add(CheckKeyValidity, Failed, "key_validity.compromised_after", "key", clip(k.id), "since", since.Format(time.RFC3339), "anchored", st.tx.Time.Format(time.RFC3339))
				return
			}
			r.add(CheckKeyValidity, Passed, "key_validity.compromised_before", "key", clip(k.id), "since", since.Format(time.RFC3339), "anchored", st.tx.Time.Format(time.RFC3339))
			return
		}
	}
	r.add(CheckKeyValidity, Passed, "key_validity.ok")
}

// checkValidity enforces validFrom/validUntil (VC 2.0 §4.9) or
// issuanceDate/expirationDate (VC 1.1 §4.6-4.7).
func (v *Verifier) checkValidity(r *Result, st *state) {
	now := v.now()
	from, until := "validFrom", "validUntil"
	if _, ok := st.doc["issuanceDate"]; ok {
		from, until = "issuanceDate", "expirationDate"
	}
	if t, err := parseDate(st.doc[from]); err == nil && now.Before(t) {
		r.add(CheckValidityPeriod, Failed, "validity_period.not_yet", "from", t.UTC().Format(time.RFC3339))
		return
	}
	if val, ok := st.doc[until]; ok {
		t, err := parseDate(val)
		if err != nil {
			r.add(CheckValidityPeriod, Failed, "validity_period.bad_date", "field", until)
			return
		}
		if !now.Before(t) {
			r.add(CheckValidityPeriod, Failed, "validity_period.expired", "until", t.UTC().Format(time.RFC3339))
			return
		}
		r.add(CheckValidityPeriod, Passed, "validity_period.ok_until", "until", t.UTC().Format(time.RFC3339))
		return
	}
	r.add(CheckValidityPeriod, Passed, "validity_period.ok")
}

func short(b []byte) string {
	h := hex.EncodeToString(b)
	if len(h) > 16 {
		return h[:8] + "…" + h[len(h)-8:]
	}
	return h
}

// clip shortens a value from the document quoted in a message, cutting on
// a character boundary.
func clip(s string) string {
	if len(s) <= 100 {
		return s
	}
	i := 97
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
