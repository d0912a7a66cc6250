package verifier

import (
	"log/slog"
	"strings"
)

// Messages are the English texts of the checks' reasons; {name} stands for
// the parameter of that name. A reason's code never changes once
// released: readers (the site's pages in other languages, programs
// reading 'verify --json') key on it.
var Messages = map[string]string{
	"format.ok":              "a W3C Verifiable Credential (data model {version}) in Blockcerts v3 form",
	"format.ok_other_proofs": "a W3C Verifiable Credential (data model {version}) in Blockcerts v3 form; {count} other proof(s) not checked here ({types})",
	"format.no_merkle_proof": "a W3C Verifiable Credential (data model {version}) with no MerkleProof2019 proof",
	"format.invalid":         "{problems}",
	// The problems a failed format check lists.
	"format.transcript_no_merkle_proof": "a transcript credential carries the issuer's signature and the Merkle proof of its batch; this one lacks the Merkle proof of its batch (MerkleProof2019): it was removed",
	"format.transcript_no_signature":    "a transcript credential carries the issuer's signature and the Merkle proof of its batch; this one lacks the issuer's signature (eddsa-rdfc-2022): it was removed",
	"format.context_missing":            "@context is missing",
	"format.context_first":              "@context must start with {v2} or {v1}",
	"format.context_unknown":            "context {url} is not one of the known contexts (contexts are never fetched)",
	"format.context_entry":              "@context entries must be URLs or objects",
	"format.type":                       "type must include VerifiableCredential",
	"format.issuer_missing":             "issuer is missing",
	"format.issuer_not_url":             "issuer must be a URL or a DID, got {issuer}",
	"format.subject_missing":            "credentialSubject is missing",
	"format.issuance_date_missing":      "issuanceDate is missing (VC 1.1)",
	"format.date":                       "{field}: expected an RFC 3339 date-time with a time zone such as 2026-11-15T09:00:00Z, got \"{value}\"",
	"format.proof_missing":              "proof is missing",
	"format.proof_kind":                 "proof must be an object or an array",
	"format.proof_not_object":           "proof[{index}] is not an object",
	"format.proof_id_twice":             "proof[{index}].id {id} is also proof[{other}]'s",
	"format.proof_purpose":              "proof[{index}].proofPurpose must be assertionMethod, got \"{purpose}\"",
	"format.merkle_proof_value":         "proof[{index}]: its proofValue is not a valid MerkleProof2019 value",
	"format.previous_proof_unknown":     "proof[{index}].previousProof {previous} names no earlier proof",
	"format.previous_proof_signature":   "proof[{index}].previousProof must name the signature proof[{signature}] that it covers",
	"format.id":                         "{field} must be a single URL",
	"format.type_missing":               "type is missing",
	"format.type_value":                 "type must be a term or a URL, or a list of them",
	"format.type_base":                  "type must include {type}",
	"format.text":                       "{field} must be a string or a language value object",
	"format.subject_empty":              "each credentialSubject must be an object with at least one claim",
	"format.period":                     "{until} is earlier than {from}",
	"format.object":                     "{field} must be an object or a list of objects",
	"format.typed":                      "each {field} must have a type",
	"format.related_id":                 "each relatedResource must have an id of its own, a URL",
	"format.related_digest":             "each relatedResource must have a digestSRI or a digestMultibase",
	"format.enveloped_id":               "the enveloped credential {index} must have a data: URL as its id",
	"format.holder":                     "holder must be a URL, or an object whose id is one",
	"format.presentation_credential":    "verifiableCredential {index} must be a credential object",
	"format.issuer_other":               "issuer is {issuer}; this endpoint issues as {expected}",
	"format.data_loss":                  "the credential has a term or a type no context defines: JSON-LD would drop it, and the signature would not cover it",
	"format.jsonld":                     "the credential uses JSON-LD this issuer does not process (a relative IRI, a redefined protected term, or another construct)",
	"format.ok_presentation":            "a W3C Verifiable Presentation",
	"presentation.challenge":            "the presentation's proof does not answer this verifier's challenge: it was made for another request, or replayed",
	"presentation.domain":               "the presentation's proof was made for another domain",
	"presentation.signed":               "signed by the holder, for this verifier's challenge",
	"presentation.credentials_ok":       "the {count} credential(s) it holds verify",
	"presentation.enveloped":            "credential {index} is enveloped (a secured format this verifier does not read)",
	"presentation.credential_failed":    "credential {index} it holds does not verify: its {check} check failed",
	"presentation.credential_unknown":   "credential {index} it holds could not be fully checked",
	"format.ok_w3c":                     "a W3C Verifiable Credential with Data Integrity proofs",
	"format.merkle_proof_no_method":     "proof[{index}].verificationMethod is missing: the Merkle proof must name the issuer's anchoring key",
	"format.presentation":               "this is a Verifiable Presentation, not a credential: verify the credentials it holds one by one",
	"format.unreadable":                 "not a readable credential: {problem}",
	"format.not_object":                 "not a credential: expected a JSON object",
	"format.not_pdf":                    "not a transcript PDF: {problem}",
	"format.no_attachment":              "the PDF carries no credential to verify",
	"format.not_checked":                "not checked: the credential's form is wrong",

	"step.stopped": "not checked: the verification was stopped (time limit, or the request was cancelled)",

	"integrity.unknown_proofs":      "this credential is not anchored on a blockchain; its proofs ({types}) are of a kind this verifier does not check",
	"integrity.no_merkle_proof":     "no Merkle proof to check against",
	"integrity.unmapped":            "the credential has fields no context defines, which its hash would not cover: {fields}",
	"integrity.unknown_context":     "the credential uses the context {context}, which is not one of the known contexts (contexts are never fetched)",
	"integrity.stopped":             "not finished: the verification was stopped (time limit, or the request was cancelled)",
	"integrity.too_large":           "too large: {problem}",
	"integrity.not_canonicalizable": "the credential cannot be canonicalized (its JSON-LD cannot be read as RDF)",
	"integrity.hash_mismatch":       "the credential was changed after it was issued: its hash {hash} is not the signed hash {signed}",
	"integrity.no_data_loss":        "every term and type of the credential is defined: its signature covers all of it",
	"integrity.data_loss":           "the credential has a term or a type no context defines, which its signature does not cover: it may have been added after signing",
	"integrity.ok":                  "the credential's content is exactly what was issued (hash matches)",

	"merkle.no_proof":      "no Merkle proof",
	"merkle.root_mismatch": "the Merkle path does not lead to the batch's root {root}",
	"merkle.ok":            "the credential belongs to the batch whose Merkle root is {root} (path of {steps} step(s))",

	"anchor.none":                 "no anchor to check",
	"anchor.test_chain":           "test credential, not anchored: it was issued on mocknet, a test chain",
	"anchor.test_chain_allowed":   "test credential, not anchored (mocknet; test chains allowed)",
	"anchor.chain_not_configured": "anchored on {chain} (transaction {tx}), a chain this verifier is not configured to read",
	"anchor.tx_not_found":         "transaction {tx} does not exist on {chain}",
	"anchor.unreachable":          "could not read transaction {tx} on {chain}: the chain's endpoints did not answer, or did not agree",
	"anchor.pending":              "pending: transaction {tx} on {chain} is not mined yet",
	"anchor.tx_failed":            "transaction {tx} on {chain} failed (reverted): it anchors nothing",
	"anchor.root_mismatch":        "transaction {tx} on {chain} carries {input}, not this batch's Merkle root {root}",
	"anchor.confirmations":        "pending: transaction {tx} on {chain} has {have} of the {need} confirmations required",
	"anchor.ok":                   "the Merkle root is in transaction {tx} on {chain}, block {block} of {time}, with {confirmations} confirmation(s)",

	"issuer.did":                "issuer {issuer} is a DID; this verifier does not resolve DIDs",
	"issuer.no_fetcher":         "no way to fetch the issuer profile",
	"issuer.unreachable":        "could not fetch the issuer profile {url}",
	"issuer.invalid_json":       "the issuer profile at {url} is not valid JSON: {problem}",
	"issuer.malformed":          "the issuer profile at {url} is malformed",
	"issuer.other_id":           "the profile at {url} says its id is \"{id}\": it is not this credential's issuer",
	"issuer.not_profile":        "the issuer document is not an issuer profile (type BlockcertsIssuerProfile or Profile)",
	"issuer.anchor_key_unknown": "the Merkle proof names the key {key}, which is not an assertion key of this issuer's profile",
	"issuer.anchor_key_kind":    "the Merkle proof names the key {key}, which is not a secp256k1 anchoring key of this issuer",
	"issuer.key_not_yet_valid":  "the anchoring key {address} was not yet valid at block time {time} (created {created})",
	"issuer.key_expired":        "the anchoring key {address} had expired at block time {time} (expires {expires})",
	"issuer.key_revoked":        "the anchoring key {address} was revoked ({revoked}) before block time {time}",
	"issuer.sender_mismatch":    "the Merkle proof names the issuer's key of address {address}, but the anchor was sent by {sender}",
	"issuer.sender_unknown":     "the anchoring transaction was sent by {sender}, which is not a key of this issuer",
	"issuer.ok":                 "issued by \"{name}\", as published at {host}",
	"issuer.ok_anchored":        "issued by \"{name}\", as published at {host}; anchored by its key {address}, valid at block time",

	"signature.none":        "the credential carries no signature proof of its own (the Merkle proof and its anchor stand for the issuer)",
	"signature.no_profile":  "the signature cannot be checked without the issuer profile",
	"signature.chained":     "the signature proof is chained to another proof, which this verifier does not check",
	"signature.stopped":     "not finished: the verification was stopped (time limit, or the request was cancelled)",
	"signature.unknown_key": "signed with {key}, which is not an assertion key of this issuer",
	"signature.bad_key":     "the issuer's key {key} cannot be read from its profile",
	"signature.invalid":     "the issuer's signature does not verify: the credential or its proof was changed",

	"signature.unknown_proofs":     "the credential's proofs ({types}) are of a kind this verifier does not check",
	"signature.ok_w3c":             "signed by a key its issuer controls (eddsa-rdfc-2022)",
	"signature.ok_w3c_others":      "signed by a key its issuer controls (eddsa-rdfc-2022); its other proofs ({types}) were not checked",
	"signature.previous_missing":   "the proof names an earlier proof {id} that the credential does not carry",
	"signature.key_revoked":        "signed with {key}, which its issuer reported compromised on {since}: nothing dates this signature independently, so it cannot be told from a forgery",
	"signature.purpose":            "the proof's purpose is {purpose}, not {expected}",
	"signature.not_controller":     "signed with {key}, which is not a key of the issuer {issuer}",
	"signature.unresolvable":       "signed with {key}, which this verifier cannot resolve (did:key and https verification methods only)",
	"signature.method_unreachable": "the verification method {key} could not be fetched",
	"signature.ok":                 "signed by the issuer's key, as its profile publishes it",

	"key_validity.none":                   "no verified signature whose key to check",
	"key_validity.bad_date":               "the signature's date {date} is not an RFC 3339 date-time with a time zone",
	"key_validity.not_yet":                "signed on {signed} with key {key}, which was created later ({created})",
	"key_validity.retired":                "signed on {signed} with key {key}, which had been retired on {retired}",
	"key_validity.retired_before_anchor":  "signed with key {key}, retired on {retired}, but anchored later, on {anchored}",
	"key_validity.revoked":                "the key {key} is revoked ({revoked})",
	"key_validity.compromised_unanchored": "the key {key} was compromised on {since}, and no blockchain anchor proves this credential older",
	"key_validity.compromised_after":      "the key {key} was compromised on {since}; this credential was anchored after that, on {anchored}",
	"key_validity.compromised_before":     "the key {key} was compromised on {since}, but this credential was anchored before that, on {anchored}",
	"key_validity.ok":                     "the signing key was valid when it signed",

	"revocation.bad_entries":        "credentialStatus: expected 1 to {max} objects",
	"revocation.bad_index":          "credentialStatus: statusListIndex is not a non-negative integer",
	"revocation.incomplete_entry":   "credentialStatus: statusPurpose and statusListCredential are required",
	"revocation.index_out_of_list":  "credentialStatus: entry {index} is outside the status list {url}",
	"revocation.entry_type":         "could not check the credential's status: a status entry of type \"{type}\", which this verifier does not read",
	"revocation.no_fetcher":         "could not check the credential's status: no way to fetch the status list",
	"revocation.list_unreachable":   "could not check the credential's status: the status list {url} could not be fetched",
	"revocation.list_invalid_json":  "could not check the credential's status: the status list {url} is not valid JSON: {problem}",
	"revocation.list_malformed":     "could not check the credential's status: {url} is not a status list credential",
	"revocation.list_purpose":       "could not check the credential's status: the list {url} is for \"{listPurpose}\", the entry for \"{purpose}\"",
	"revocation.list_undecodable":   "could not check the credential's status: the status list {url} cannot be decoded",
	"revocation.list_other_id":      "could not check the credential's status: the status list {url} cannot be trusted: its id is \"{id}\", not its URL",
	"revocation.list_other_issuer":  "could not check the credential's status: the status list {url} cannot be trusted: issued by {issuer}, not by the credential's issuer",
	"revocation.list_no_profile":    "could not check the credential's status: the status list {url} cannot be trusted without the issuer profile",
	"revocation.list_bad_signature": "could not check the credential's status: the status list {url} cannot be trusted: its signature does not verify with a key of the issuer",
	"revocation.list_bad_date":      "could not check the credential's status: the status list {url} cannot be trusted: its signature has no valid date",
	"revocation.list_key_revoked":   "could not check the credential's status: the status list {url} cannot be trusted: signed with key {key}, which the issuer has revoked",
	"revocation.list_key_not_yet":   "could not check the credential's status: the status list {url} cannot be trusted: signed before its key {key} was created",
	"revocation.list_key_retired":   "could not check the credential's status: the status list {url} cannot be trusted: signed with key {key} after it was retired",
	"revocation.list_unsigned":      "could not check the credential's status: the status list {url} cannot be trusted: it has no eddsa-rdfc-2022 proof by the issuer",
	"revocation.list_expired":       "could not check the credential's status: the status list {url} has expired",
	"revocation.revoked":            "revoked by the issuer (status list {url}, entry {index})",
	"revocation.suspended":          "suspended by the issuer (status list {url}, entry {index})",
	"revocation.marked":             "marked \"{purpose}\" by the issuer (status list {url}, entry {index})",
	"revocation.revoked_unsigned":   "revoked by the issuer (status list {url}, entry {index}); the list's own signature could not be checked",
	"revocation.ok":                 "not revoked (status list signed by the issuer)",
	"revocation.ok_suspension":      "not revoked, not suspended (status lists signed by the issuer)",
	"revocation.ok_purposes":        "not marked {purposes} (status lists signed by the issuer)",
	"revocation.no_profile":         "could not check revocation: the issuer profile, which says where revocations are published, could not be read",
	"revocation.no_status":          "the credential has no status entry: it cannot be revoked",
	"revocation.none":               "the issuer publishes no revocation list and the credential has no status entry: it cannot be revoked",
	"revocation.bad_list_url":       "could not check revocation: the revocation list URL {url} is not an http(s) URL",
	"revocation.rl_unreachable":     "could not check revocation: the revocation list {url} could not be fetched",
	"revocation.rl_invalid":         "could not check revocation: the revocation list {url} is not valid JSON or is malformed",
	"revocation.rl_revoked":         "revoked by the issuer",
	"revocation.rl_revoked_reason":  "revoked by the issuer: {reason}",
	"revocation.rl_ok":              "not in the issuer's revocation list",

	"validity_period.not_yet":        "not yet valid: valid from {from}",
	"validity_period.bad_date":       "{field}: expected an RFC 3339 date-time with a time zone",
	"validity_period.expired":        "expired on {until}",
	"validity_period.ok_until":       "valid until {until}",
	"validity_period.ok":             "valid with no expiry date",
	"pdf_signature.invalid":          "the PDF's signature does not verify: the file was changed after signing",
	"pdf_signature.unsigned":         "the PDF is not signed",
	"pdf_signature.count":            "the PDF has {count} signatures: something was added after the registry signed it",
	"pdf_signature.not_whole":        "the signature does not cover the whole file: something was appended after signing",
	"pdf_signature.no_credential":    "the PDF's signature verifies, but its credential could not be read",
	"pdf_signature.other_credential": "the PDF says it shows credential \"{shows}\" but carries \"{carries}\"",
	"pdf_signature.no_profile":       "the PDF's signature verifies, but without the issuer profile it cannot be tied to the issuer",
	"pdf_signature.unknown_key":      "signed by {signer}, which is not a document-signing key of this issuer",
	"pdf_signature.revoked_key":      "signed by {signer}, which the issuer has revoked ({revoked})",
	"pdf_signature.ok":               "signed by {signer}, the issuer's published document-signing key; nothing was changed or added since",
	"pdf_signature.ok_timestamp":     "signed by {signer}, the issuer's published document-signing key; nothing was changed or added since; timestamped {timestamp}",
}

// Render writes reason's message in English with its parameters. An
// unknown reason is its own message.
func Render(reason string, params map[string]string) string {
	msg, ok := Messages[reason]
	if !ok {
		return reason
	}
	return render(msg, params)
}

// Render is the check's message from a catalogue of one language: its
// reason's, with the problems it lists each rendered and joined.
func (c Check) Render(catalogue map[string]string) string {
	msg, ok := catalogue[c.Reason]
	if !ok {
		return c.Reason
	}
	params := c.Params
	if len(c.Problems) > 0 {
		list := make([]string, len(c.Problems))
		for i, p := range c.Problems {
			list[i] = Check{Reason: p.Reason, Params: p.Params}.Render(catalogue)
		}
		params = map[string]string{"problems": strings.Join(list, "; ")}
		for k, v := range c.Params {
			params[k] = v
		}
	}
	return render(msg, params)
}

// render puts params into a message's {name} places.
func render(msg string, params map[string]string) string {
	if len(params) == 0 {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		j := strings.IndexByte(msg[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(msg)
			return b.String()
		}
		name := msg[i+1 : i+j]
		v, ok := params[name]
		if !ok {
			v = msg[i : i+j+1] // a parameter not given stays as written
		}
		b.WriteString(msg[:i])
		b.WriteString(v)
		msg = msg[i+j+1:]
	}
}

// log is where the causes of outcomes go (the errors of fetches, chain
// reads, decoders): never into a result, which the public reads.
func (v *Verifier) log() *slog.Logger {
	if v.Log != nil {
		return v.Log
	}
	return slog.New(slog.DiscardHandler)
}
