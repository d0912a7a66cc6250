// Package vcdm checks a document against the rules of the W3C Verifiable
// Credentials Data Model v2.0 (§4) that its JSON shows: contexts, ids,
// types, names, the issuer, the subject, the validity period, status,
// schemas and the other typed properties, and presentations. Each problem
// is a reason code with its parameters (the verifier's catalogue renders
// them). What only JSON-LD processing shows (undefined terms, redefined
// protected terms, types that are not URLs) is left to the caller, which
// expands the document strictly.
package vcdm

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The base contexts of the two versions of the data model.
const (
	V2Context = "https://www.w3.org/ns/credentials/v2"
	V1Context = "https://www.w3.org/2018/credentials/v1"
)

// Problem is one rule broken: a reason code ("format.type") and its
// parameters, name, value pairs.
type Problem struct {
	Reason string
	Params []any
}

type problems []Problem

func (ps *problems) add(reason string, params ...any) {
	*ps = append(*ps, Problem{Reason: reason, Params: params})
}

// Credential lists the problems of a credential (nil when none). v1 allows
// a VC 1.1 credential (its base context and issuanceDate).
func Credential(doc map[string]any, v1 bool) []Problem {
	var ps problems
	version := checkContext(doc, &ps, v1)
	checkID(doc, "id", &ps)
	checkTypes(doc, "VerifiableCredential", &ps)
	checkNames(doc, "", &ps)
	checkIssuer(doc, &ps)
	checkSubjects(doc, &ps)
	if version == 1 {
		if _, ok := doc["issuanceDate"]; !ok {
			ps.add("format.issuance_date_missing")
		}
		checkPeriod(doc, "issuanceDate", "expirationDate", &ps)
	} else {
		checkPeriod(doc, "validFrom", "validUntil", &ps)
	}
	for _, k := range []string{"credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema", "proof"} {
		checkTyped(doc, k, &ps)
	}
	checkSchemas(doc, &ps)
	checkRelated(doc, &ps)
	return ps
}

// Presentation lists the problems of a presentation, and of the
// credentials it embeds.
func Presentation(doc map[string]any) []Problem {
	var ps problems
	checkContext(doc, &ps, false)
	checkID(doc, "id", &ps)
	checkTypes(doc, "VerifiablePresentation", &ps)
	if h, ok := doc["holder"]; ok {
		if id := idOf(h); id == "" || !isURL(id) {
			ps.add("format.holder")
		}
	}
	for i, c := range list(doc["verifiableCredential"]) {
		m, ok := c.(map[string]any)
		if !ok {
			ps.add("format.presentation_credential", "index", i)
			continue
		}
		if hasString(m["type"], "EnvelopedVerifiableCredential") {
			checkEnveloped(m, i, &ps)
			continue
		}
		for _, p := range Credential(m, true) {
			ps = append(ps, Problem{Reason: p.Reason, Params: append([]any{"credential", i}, p.Params...)})
		}
	}
	return ps
}

// checkContext requires @context, the data model's base context first;
// it returns the version (0 when unknown).
func checkContext(doc map[string]any, ps *problems, v1 bool) int {
	ctxs := list(doc["@context"])
	if len(ctxs) == 0 {
		ps.add("format.context_missing")
		return 0
	}
	switch {
	case ctxs[0] == V2Context:
		return 2
	case v1 && ctxs[0] == V1Context:
		return 1
	}
	ps.add("format.context_first", "v2", V2Context, "v1", V1Context)
	return 0
}

// checkID requires a single URL for the key, if present.
func checkID(m map[string]any, key string, ps *problems) {
	v, ok := m[key]
	if !ok {
		return
	}
	if s, isString := v.(string); !isString || !isURL(s) {
		ps.add("format.id", "field", key)
	}
}

// checkTypes requires type, with base among its values, each a string.
func checkTypes(doc map[string]any, base string, ps *problems) {
	ts := list(doc["type"])
	if len(ts) == 0 {
		ps.add("format.type_missing")
		return
	}
	for _, t := range ts {
		if s, ok := t.(string); !ok || s == "" {
			ps.add("format.type_value")
			return
		}
	}
	if !hasString(doc["type"], base) {
		ps.add("format.type_base", "type", base)
	}
}

// checkNames requires name and description to be strings or language
// value objects (§4.6); at names the object they are on.
func checkNames(m map[string]any, at string, ps *problems) {
	for _, k := range []string{"name", "description"} {
		v, ok := m[k]
		if !ok {
			continue
		}
		for _, e := range list(v) {
			if !textValue(e) {
				ps.add("format.text", "field", at+k)
				break
			}
		}
	}
}

// textValue is a string, or an object with a string @value and at most a
// @language and a @direction.
func textValue(v any) bool {
	switch x := v.(type) {
	case string:
		return true
	case map[string]any:
		if _, ok := x["@value"].(string); !ok {
			return false
		}
		for k, e := range x {
			if _, isString := e.(string); !isString || k != "@value" && k != "@language" && k != "@direction" {
				return false
			}
		}
		return true
	}
	return false
}

// checkIssuer requires an issuer: a URL, or an object whose id is one.
func checkIssuer(doc map[string]any, ps *problems) {
	v, ok := doc["issuer"]
	if !ok {
		ps.add("format.issuer_missing")
		return
	}
	id := idOf(v)
	if id == "" || !isURL(id) {
		ps.add("format.issuer_not_url", "issuer", clip(fmt.Sprint(v)))
	}
	if m, ok := v.(map[string]any); ok {
		checkNames(m, "issuer.", ps)
	}
}

// checkSubjects requires one or more subjects, each an object with at
// least one claim, its id a single URL if present.
func checkSubjects(doc map[string]any, ps *problems) {
	subs := list(doc["credentialSubject"])
	if len(subs) == 0 {
		ps.add("format.subject_missing")
		return
	}
	for _, s := range subs {
		m, ok := s.(map[string]any)
		if !ok || len(m) == 0 {
			ps.add("format.subject_empty")
			return
		}
		checkID(m, "id", ps)
	}
}

// checkPeriod requires dates with a time zone (xsd:dateTimeStamp), the
// start no later than the end.
func checkPeriod(doc map[string]any, from, until string, ps *problems) {
	var times [2]time.Time
	var ok [2]bool
	for i, k := range []string{from, until} {
		v, present := doc[k]
		if !present {
			continue
		}
		if times[i], ok[i] = DateTime(v); !ok[i] {
			s, _ := v.(string)
			ps.add("format.date", "field", k, "value", clip(s))
		}
	}
	if ok[0] && ok[1] && times[1].Before(times[0]) {
		ps.add("format.period", "from", from, "until", until)
	}
}

// DateTime reads an xsd:dateTimeStamp: RFC 3339 with a time zone.
func DateTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || !strings.Contains(s, "T") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// checkTyped requires each object of the key to have a type, and its id,
// if any, to be a single URL.
func checkTyped(doc map[string]any, key string, ps *problems) {
	for _, e := range list(doc[key]) {
		m, ok := e.(map[string]any)
		if !ok {
			ps.add("format.object", "field", key)
			return
		}
		if len(list(m["type"])) == 0 {
			ps.add("format.typed", "field", key)
			return
		}
		checkID(m, "id", ps)
	}
}

// checkSchemas requires each credentialSchema to have an id.
func checkSchemas(doc map[string]any, ps *problems) {
	for _, e := range list(doc["credentialSchema"]) {
		if m, ok := e.(map[string]any); ok {
			if _, has := m["id"]; !has {
				ps.add("format.id", "field", "credentialSchema.id")
			}
		}
	}
}

// checkRelated requires each related resource to have a URL id of its
// own and a digest.
func checkRelated(doc map[string]any, ps *problems) {
	seen := map[string]bool{}
	for _, e := range list(doc["relatedResource"]) {
		m, ok := e.(map[string]any)
		if !ok {
			ps.add("format.object", "field", "relatedResource")
			return
		}
		id, _ := m["id"].(string)
		if !isURL(id) || seen[id] {
			ps.add("format.related_id")
			return
		}
		seen[id] = true
		_, sri := m["digestSRI"]
		_, mb := m["digestMultibase"]
		if !sri && !mb {
			ps.add("format.related_digest")
			return
		}
	}
}

// checkEnveloped checks an enveloped credential of a presentation: a data:
// URL id and its @context.
func checkEnveloped(m map[string]any, i int, ps *problems) {
	id, _ := m["id"].(string)
	if !strings.HasPrefix(id, "data:") || !strings.Contains(id, ",") {
		ps.add("format.enveloped_id", "index", i)
	}
	if list(m["@context"]) == nil || list(m["@context"])[0] != V2Context {
		ps.add("format.context_first", "v2", V2Context, "v1", V1Context)
	}
}

// List is a JSON value as a list: nil for nothing, the elements of an
// array, or the value alone (JSON-LD's sets, written either way).
func List(v any) []any { return list(v) }

func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// IDOf is the id of a value that is an id or an object with one (an
// issuer, a holder): "" if it has none.
func IDOf(v any) string { return idOf(v) }

func idOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		id, _ := x["id"].(string)
		return id
	}
	return ""
}

func hasString(v any, s string) bool {
	for _, e := range list(v) {
		if e == s {
			return true
		}
	}
	return false
}

// isURL reports an absolute URL (a DID or a URN included): a scheme and no
// spaces.
func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && !strings.ContainsAny(s, " \t\n") && len(s) > len(u.Scheme)+1
}

func clip(s string) string {
	if len(s) <= 100 {
		return s
	}
	return s[:97] + "..."
}
