package verifier

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/credential/merkleproof"
)

// formatProblems collects what is wrong with a credential's form, each
// by its reason and parameters (rendered per language like a check's).
type formatProblems []Problem

func (ps *formatProblems) add(reason string, params ...any) {
	*ps = append(*ps, Problem{Reason: reason, Params: paramMap(params)})
}

// date adds a problem of the date value v of field, if it is one.
func (ps *formatProblems) date(field string, v any) {
	if _, err := parseDate(v); err != nil {
		s, _ := v.(string)
		ps.add("format.date", "field", field, "value", clip(s))
	}
}

// checkFormat enforces the VC data model's shape (VC 1.1 §4, VC 2.0 §4)
// and the Blockcerts v3 rules of docs/credential.md §1: a known VC context
// first, every context embedded, the VerifiableCredential type, an issuer,
// dates in RFC 3339 with a time zone (proof.created included), and at
// least one MerkleProof2019 proof that decodes, its fields bound (§4). It
// returns false when the later checks cannot run.
func (v *Verifier) checkFormat(r *Result, st *state) bool {
	var ps formatProblems
	ctxs, vcVersion := checkContexts(st.doc, &ps)
	if hasString(st.doc["type"], "VerifiablePresentation") {
		r.add(CheckFormat, Failed, "format.presentation")
		return false
	}
	checkShape(st, vcVersion, &ps)
	v.checkProofs(st, vcVersion, &ps)
	if usesTranscriptVocab(ctxs) && (len(st.sigs) == 0 || len(st.proofs) == 0) {
		if len(st.proofs) == 0 {
			ps.add("format.transcript_no_merkle_proof")
		} else {
			ps.add("format.transcript_no_signature")
		}
	}
	if len(ps) > 0 {
		r.addProblems(CheckFormat, "format.invalid", ps)
		return len(st.proofs) > 0 && vcVersion > 0 && st.issuer != ""
	}
	if len(st.proofs) == 0 {
		r.add(CheckFormat, Passed, "format.no_merkle_proof", "version", vcVersion)
		r.add(CheckIntegrity, Unknown, "integrity.unknown_proofs", "types", strings.Join(st.other, ", "))
		return false
	}
	version := map[int]string{1: "1.1", 2: "2.0"}[vcVersion]
	if len(st.other) > 0 {
		r.add(CheckFormat, Passed, "format.ok_other_proofs", "version", version, "count", len(st.other), "types", strings.Join(st.other, ", "))
		return true
	}
	r.add(CheckFormat, Passed, "format.ok", "version", version)
	return true
}

// checkContexts checks @context: a VC context first, then only embedded
// contexts (by URL) or context objects. It returns the contexts and the
// data model's version (0 when unknown).
func checkContexts(doc map[string]any, ps *formatProblems) ([]any, int) {
	ctxs, _ := doc["@context"].([]any)
	if s, ok := doc["@context"].(string); ok {
		ctxs = []any{s}
	}
	if len(ctxs) == 0 {
		ps.add("format.context_missing")
		return nil, 0
	}
	vcVersion := 0
	switch ctxs[0] {
	case vc1Context:
		vcVersion = 1
	case vc2Context:
		vcVersion = 2
	default:
		ps.add("format.context_first", "v2", vc2Context, "v1", vc1Context)
	}
	known, err := ldcontext.Contexts()
	if err != nil {
		panic(fmt.Sprintf("the embedded contexts: %v", err)) // built in, checked by their tests
	}
	for _, c := range ctxs {
		switch x := c.(type) {
		case string:
			if _, ok := known[x]; !ok {
				ps.add("format.context_unknown", "url", clip(x))
			}
		case map[string]any:
		default:
			ps.add("format.context_entry")
		}
	}
	return ctxs, vcVersion
}

// checkShape checks the type, the issuer, the subject and the dates.
func checkShape(st *state, vcVersion int, ps *formatProblems) {
	doc := st.doc
	if !hasString(doc["type"], "VerifiableCredential") {
		ps.add("format.type")
	}
	st.issuer = issuerID(doc["issuer"])
	if st.issuer == "" {
		ps.add("format.issuer_missing")
	} else if u, err := url.Parse(st.issuer); err != nil || u.Scheme == "" {
		ps.add("format.issuer_not_url", "issuer", clip(st.issuer))
	}
	if _, ok := doc["credentialSubject"].(map[string]any); !ok {
		if _, ok := doc["credentialSubject"].([]any); !ok {
			ps.add("format.subject_missing")
		}
	}
	dates := []string{"validFrom", "validUntil"}
	if vcVersion == 1 {
		dates = []string{"issuanceDate", "expirationDate"}
		if _, ok := doc["issuanceDate"]; !ok {
			ps.add("format.issuance_date_missing")
		}
	}
	for _, k := range dates {
		if val, ok := doc[k]; ok {
			ps.date(k, val)
		}
	}
}

// checkProofs sorts the proofs into signatures (eddsa-rdfc-2022), Merkle
// proofs (decoded) and others, and checks the fields a hash does not
// cover: unique ids, the purpose, the dates, and each Merkle proof's
// previousProof and verificationMethod.
func (v *Verifier) checkProofs(st *state, vcVersion int, ps *formatProblems) {
	var proofs []any
	switch p := st.doc["proof"].(type) {
	case map[string]any:
		proofs = []any{p}
	case []any:
		proofs = p
	case nil:
		ps.add("format.proof_missing")
	default:
		ps.add("format.proof_kind")
	}
	ids := map[string]int{}
	lastSig := -1 // the index of the last eddsa-rdfc-2022 proof
	for i, p := range proofs {
		pm, ok := p.(map[string]any)
		if !ok {
			ps.add("format.proof_not_object", "index", i)
			continue
		}
		checkProofCommon(pm, i, vcVersion, ids, ps)
		switch {
		case pm["type"] == "DataIntegrityProof" && pm["cryptosuite"] == dataintegrity.EdDSARDFC2022:
			st.sigs = append(st.sigs, pm)
			lastSig = i
		case isMerkleProof(pm):
			v.checkMerkleProof(st, pm, i, lastSig, ids, ps)
		default:
			t, _ := pm["type"].(string)
			if cs, ok := pm["cryptosuite"].(string); ok {
				t += " " + cs
			}
			st.other = append(st.other, t)
		}
	}
}

// checkProofCommon checks what every proof must have right: an id no
// other proof has, a date with a time zone (VC 2.0 requires it of every
// date, xsd:dateTimeStamp; the official verifier enforces it for VC 2.0
// documents only, and so do we), and, on the proofs this verifier checks,
// the purpose assertionMethod.
func checkProofCommon(pm map[string]any, i, vcVersion int, ids map[string]int, ps *formatProblems) {
	if id, ok := pm["id"].(string); ok {
		if j, dup := ids[id]; dup {
			ps.add("format.proof_id_twice", "index", i, "id", clip(id), "other", j)
		}
		ids[id] = i
	}
	if c, ok := pm["created"]; ok && vcVersion == 2 {
		ps.date(fmt.Sprintf("proof[%d].created", i), c)
	}
	checked := isMerkleProof(pm) || pm["type"] == "DataIntegrityProof" && pm["cryptosuite"] == dataintegrity.EdDSARDFC2022
	if pp, _ := pm["proofPurpose"].(string); checked && pp != "assertionMethod" {
		ps.add("format.proof_purpose", "index", i, "purpose", clip(pp))
	}
}

// checkMerkleProof decodes the Merkle proof at i and checks what binds it:
// it covers the proofs before it (docs/credential.md §2 step 1), chained by
// previousProof or not; a Merkle proof over a signature names it, so that
// what its hash covers and what it says it covers agree; it names the
// issuer's anchoring key.
func (v *Verifier) checkMerkleProof(st *state, pm map[string]any, i, lastSig int, ids map[string]int, ps *formatProblems) {
	pv, _ := pm["proofValue"].(string)
	mp, err := merkleproof.Decode(pv)
	if err != nil {
		v.log().Info("MerkleProof2019 proofValue", "proof", i, "err", err)
		ps.add("format.merkle_proof_value", "index", i)
		return
	}
	prev, chained := pm["previousProof"].(string)
	if chained {
		if j, ok := ids[prev]; !ok || j >= i {
			ps.add("format.previous_proof_unknown", "index", i, "previous", clip(prev))
		}
	}
	if lastSig == i-1 && lastSig >= 0 && (!chained || ids[prev] != lastSig) {
		ps.add("format.previous_proof_signature", "index", i, "signature", lastSig)
	}
	vm, _ := pm["verificationMethod"].(string)
	if vm == "" {
		ps.add("format.merkle_proof_no_method", "index", i)
	}
	st.proofs = append(st.proofs, merkleProof{keep: i, p: mp})
	st.vms = append(st.vms, vm)
}
