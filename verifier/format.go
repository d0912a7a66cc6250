package verifier

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/ldcontext"
	"github.com/etranscript/etranscript/credential/merkleproof"
)

// formatProblems collects what is wrong with a credential's form.
type formatProblems []string

func (ps *formatProblems) add(format string, args ...any) {
	*ps = append(*ps, fmt.Sprintf(format, args...))
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
	checkProofs(st, vcVersion, &ps)
	if usesTranscriptVocab(ctxs) && (len(st.sigs) == 0 || len(st.proofs) == 0) {
		missing := "the issuer's signature (eddsa-rdfc-2022)"
		if len(st.proofs) == 0 {
			missing = "the Merkle proof of its batch (MerkleProof2019)"
		}
		ps.add("a transcript credential carries the issuer's signature and the Merkle proof of its batch; this one lacks %s: it was removed", missing)
	}
	if len(ps) > 0 {
		r.add(CheckFormat, Failed, "format.invalid", "problems", strings.Join(ps, "; "))
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
		ps.add("@context is missing")
		return nil, 0
	}
	vcVersion := 0
	switch ctxs[0] {
	case vc1Context:
		vcVersion = 1
	case vc2Context:
		vcVersion = 2
	default:
		ps.add("@context must start with %s or %s", vc2Context, vc1Context)
	}
	known, err := ldcontext.Contexts()
	if err != nil {
		ps.add("embedded contexts: %v", err)
	}
	for _, c := range ctxs {
		switch x := c.(type) {
		case string:
			if _, ok := known[x]; !ok {
				ps.add("context %q is not one of the known contexts (contexts are never fetched)", clip(x))
			}
		case map[string]any:
		default:
			ps.add("@context entries must be URLs or objects")
		}
	}
	return ctxs, vcVersion
}

// checkShape checks the type, the issuer, the subject and the dates.
func checkShape(st *state, vcVersion int, ps *formatProblems) {
	doc := st.doc
	if !hasString(doc["type"], "VerifiableCredential") {
		ps.add("type must include VerifiableCredential")
	}
	st.issuer = issuerID(doc["issuer"])
	if st.issuer == "" {
		ps.add("issuer is missing")
	} else if u, err := url.Parse(st.issuer); err != nil || u.Scheme == "" {
		ps.add("issuer must be a URL or a DID, got %q", clip(st.issuer))
	}
	if _, ok := doc["credentialSubject"].(map[string]any); !ok {
		if _, ok := doc["credentialSubject"].([]any); !ok {
			ps.add("credentialSubject is missing")
		}
	}
	dates := []string{"validFrom", "validUntil"}
	if vcVersion == 1 {
		dates = []string{"issuanceDate", "expirationDate"}
		if _, ok := doc["issuanceDate"]; !ok {
			ps.add("issuanceDate is missing (VC 1.1)")
		}
	}
	for _, k := range dates {
		if val, ok := doc[k]; ok {
			if _, err := parseDate(val); err != nil {
				ps.add("%s: %v", k, err)
			}
		}
	}
}

// checkProofs sorts the proofs into signatures (eddsa-rdfc-2022), Merkle
// proofs (decoded) and others, and checks the fields a hash does not
// cover: unique ids, the purpose, the dates, and each Merkle proof's
// previousProof and verificationMethod.
func checkProofs(st *state, vcVersion int, ps *formatProblems) {
	var proofs []any
	switch p := st.doc["proof"].(type) {
	case map[string]any:
		proofs = []any{p}
	case []any:
		proofs = p
	case nil:
		ps.add("proof is missing")
	default:
		ps.add("proof must be an object or an array")
	}
	ids := map[string]int{}
	lastSig := -1 // the index of the last eddsa-rdfc-2022 proof
	for i, p := range proofs {
		pm, ok := p.(map[string]any)
		if !ok {
			ps.add("proof[%d] is not an object", i)
			continue
		}
		checkProofCommon(pm, i, vcVersion, ids, ps)
		switch {
		case pm["type"] == "DataIntegrityProof" && pm["cryptosuite"] == dataintegrity.EdDSARDFC2022:
			st.sigs = append(st.sigs, pm)
			lastSig = i
		case isMerkleProof(pm):
			checkMerkleProof(st, pm, i, lastSig, ids, ps)
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
			ps.add("proof[%d].id %q is also proof[%d]'s", i, clip(id), j)
		}
		ids[id] = i
	}
	if c, ok := pm["created"]; ok && vcVersion == 2 {
		if _, err := parseDate(c); err != nil {
			ps.add("proof[%d].created: %v", i, err)
		}
	}
	checked := isMerkleProof(pm) || pm["type"] == "DataIntegrityProof" && pm["cryptosuite"] == dataintegrity.EdDSARDFC2022
	if pp, _ := pm["proofPurpose"].(string); checked && pp != "assertionMethod" {
		ps.add("proof[%d].proofPurpose must be assertionMethod, got %q", i, clip(pp))
	}
}

// checkMerkleProof decodes the Merkle proof at i and checks what binds it:
// it covers the proofs before it (docs/credential.md §2 step 1), chained by
// previousProof or not; a Merkle proof over a signature names it, so that
// what its hash covers and what it says it covers agree; it names the
// issuer's anchoring key.
func checkMerkleProof(st *state, pm map[string]any, i, lastSig int, ids map[string]int, ps *formatProblems) {
	pv, _ := pm["proofValue"].(string)
	mp, err := merkleproof.Decode(pv)
	if err != nil {
		ps.add("proof[%d]: %v", i, err)
		return
	}
	prev, chained := pm["previousProof"].(string)
	if chained {
		if j, ok := ids[prev]; !ok || j >= i {
			ps.add("proof[%d].previousProof %q names no earlier proof", i, clip(prev))
		}
	}
	if lastSig == i-1 && lastSig >= 0 && (!chained || ids[prev] != lastSig) {
		ps.add("proof[%d].previousProof must name the signature proof[%d] that it covers", i, lastSig)
	}
	vm, _ := pm["verificationMethod"].(string)
	if vm == "" {
		ps.add("proof[%d].verificationMethod is missing: the Merkle proof must name the issuer's anchoring key", i)
	}
	st.proofs = append(st.proofs, merkleProof{keep: i, p: mp})
	st.vms = append(st.vms, vm)
}
