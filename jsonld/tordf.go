package jsonld

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"

	"github.com/etranscript/etranscript/canon"
)

const (
	rdfType    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	xsdBoolean = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble  = "http://www.w3.org/2001/XMLSchema#double"
)

type proc struct {
	ctx   context.Context
	load  Loader
	depth int
	quads []canon.Quad
	blank int
	ids   map[string]string // document blank node labels -> ours
	iris  map[string]bool   // IRIs found valid in this document
	// strict makes a term that expands to nothing an error (ErrDropped)
	// rather than a value dropped.
	strict bool
}

// Limits of one document.
const (
	maxNodes = 200_000
	maxDepth = 64
)

// ToRDF returns the quads of doc. Its blank node labels are its own (the
// canonicalization relabels them).
// It stops with ctx's error when ctx ends, and with ErrTooLarge past
// maxNodes statements or maxDepth levels: those are not left to another
// processor, whose cost would grow faster.
func ToRDF(ctx context.Context, doc map[string]any, load Loader) (quads []canon.Quad, err error) {
	return toRDF(ctx, doc, load, false)
}

// ErrDropped is the error of ToRDFStrict for a term the document's
// contexts do not define: JSON-LD would drop its value, and a signature
// would not cover it (VC Data Integrity 1.0 §4.2, data loss).
var ErrDropped = errors.New("jsonld: a term no context defines (its value would be dropped)")

// ToRDFStrict is ToRDF that refuses, with ErrDropped, a document of which
// JSON-LD would drop a value: a property or a type no context defines.
// Unsupported features are errors too, as with ToRDF.
func ToRDFStrict(ctx context.Context, doc map[string]any, load Loader) ([]canon.Quad, error) {
	return toRDF(ctx, doc, load, true)
}

func toRDF(ctx context.Context, doc map[string]any, load Loader, strict bool) (quads []canon.Quad, err error) {
	defer func() {
		if r := recover(); r != nil {
			// A bug, not a feature to leave to another processor: report it.
			quads, err = nil, fmt.Errorf("jsonld: internal error: %v", r)
		}
	}()
	p := &proc{ctx: ctx, load: load, ids: map[string]string{}, iris: make(map[string]bool, 64), strict: strict}
	p.quads = Buffer()
	root, err := p.process(initial, map[string]any{}, "j:{}", true, false)
	if err != nil {
		return nil, err
	}
	if _, err := p.node(doc, root, nil, canon.Term{Kind: canon.DefaultGraph}, 0); err != nil {
		return nil, err
	}
	return p.quads, nil
}

var initial = newCtx()

func (p *proc) fresh() canon.Term {
	p.blank++
	return canon.Term{Kind: canon.Blank, Value: "g" + strconv.Itoa(p.blank)}
}

func (p *proc) blankFor(label string) canon.Term {
	id, ok := p.ids[label]
	if !ok {
		id = "d" + strconv.Itoa(len(p.ids))
		p.ids[label] = id
	}
	return canon.Term{Kind: canon.Blank, Value: id}
}

func (p *proc) emit(s, pr, o, g canon.Term) error {
	if len(p.quads) >= maxNodes {
		return fmt.Errorf("%w: over %d statements", ErrTooLarge, maxNodes)
	}
	if len(p.quads)&1023 == 1023 {
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
	p.quads = append(p.quads, canon.Quad{S: s, P: pr, O: o, G: g})
	return nil
}

// idTerm turns an expanded @id into a term.
func (p *proc) idTerm(id string) (canon.Term, error) {
	if strings.HasPrefix(id, "_:") {
		return p.blankFor(id[2:]), nil
	}
	if !p.iris[id] {
		if !IRIOK(id) {
			return canon.Term{}, unsupported("not an absolute IRI, or one json-gold would drop: " + id)
		}
		p.iris[id] = true // a document repeats its properties' and types' IRIs
	}
	return canon.Term{Kind: canon.IRI, Value: id}, nil
}

// IRIOK reports whether ToRDF writes iri, an expanded IRI, as an IRI
// term: it is absolute and, under http and https, json-gold keeps it.
// Otherwise ToRDF leaves the document to json-gold.
func IRIOK(iri string) bool {
	return absolute(iri) && (!strings.HasPrefix(iri, "http://") && !strings.HasPrefix(iri, "https://") || validURL(iri))
}

// keyTerm expands a property key; ok is false for keys that are dropped.
func keyOf(c *ctx, k string) (string, error) {
	return c.expandIRI(k, true)
}

// node processes a node object (Expansion §5.1.2 steps 7-13, then the node
// map's quads) and returns its subject. prop is the term definition of the
// property it is the value of, if any.
func (p *proc) node(m map[string]any, active *ctx, prop *termDef, g canon.Term, depth int) (canon.Term, error) {
	if depth > maxDepth {
		return canon.Term{}, fmt.Errorf("%w: nested over %d levels", ErrTooLarge, maxDepth)
	}
	active, err := p.nodeContext(m, active, prop)
	if err != nil {
		return canon.Term{}, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	active, types, err := p.nodeTypes(m, keys, active)
	if err != nil {
		return canon.Term{}, err
	}
	subject, err := p.subject(m, keys, active)
	if err != nil {
		return canon.Term{}, err
	}
	for _, t := range types {
		tt, err := p.idTerm(t)
		if err != nil {
			return canon.Term{}, err
		}
		if tt.Kind == canon.Blank {
			return canon.Term{}, unsupported("blank node type")
		}
		if err := p.emit(subject, canon.Term{Kind: canon.IRI, Value: rdfType}, tt, g); err != nil {
			return canon.Term{}, err
		}
	}
	for _, k := range keys {
		if err := p.property(m, k, active, subject, g, depth); err != nil {
			return canon.Term{}, err
		}
	}
	return subject, nil
}

// nodeContext is the active context of a node object (steps 7-9).
func (p *proc) nodeContext(m map[string]any, active *ctx, prop *termDef) (*ctx, error) {
	// Step 7: a new node object does not inherit type-scoped terms.
	if active.previous != nil && !valueOrRef(m, active) {
		active = active.previous
	}
	var err error
	// Step 8: the property's scoped context.
	if prop != nil && prop.ctx != nil {
		if active, err = p.process(active, prop.ctx, prop.ctxKey, true, true); err != nil {
			return nil, err
		}
	}
	// Step 9: an embedded context.
	if lc, ok := m["@context"]; ok {
		if active, err = p.process(active, lc, "", true, false); err != nil {
			return nil, err
		}
	}
	return active, nil
}

// nodeTypes applies the type-scoped contexts, by key, then by term, in
// order (steps 10-11), and returns the node's types expanded.
func (p *proc) nodeTypes(m map[string]any, keys []string, active *ctx) (*ctx, []string, error) {
	typeScoped := active
	var types []string
	for _, k := range keys {
		ek, err := keyOf(active, k)
		if err != nil {
			return nil, nil, err
		}
		if ek != "@type" {
			continue
		}
		vals, err := stringsOf(m[k])
		if err != nil {
			return nil, nil, err
		}
		sorted := append([]string(nil), vals...)
		sort.Strings(sorted)
		for _, t := range sorted {
			if td, ok := typeScoped.terms[t]; ok && td.ctx != nil {
				if active, err = p.process(active, td.ctx, td.ctxKey, false, false); err != nil {
					return nil, nil, err
				}
			}
		}
		for _, t := range vals {
			e, err := typeScoped.expandIRI(t, true)
			if err != nil {
				return nil, nil, err
			}
			if p.strict && (e == "" || !strings.Contains(e, ":")) {
				return nil, nil, fmt.Errorf("%w: type %q", ErrDropped, t)
			}
			if e == "" {
				return nil, nil, unsupported("type that does not expand: " + t)
			}
			types = append(types, e)
		}
	}
	return active, types, nil
}

// subject is the node's @id, or a new blank node.
func (p *proc) subject(m map[string]any, keys []string, active *ctx) (canon.Term, error) {
	var subject canon.Term
	haveID := false
	for _, k := range keys {
		ek, err := keyOf(active, k)
		if err != nil {
			return canon.Term{}, err
		}
		if ek != "@id" {
			continue
		}
		if haveID {
			return canon.Term{}, unsupported("two @id entries")
		}
		s, ok := m[k].(string)
		if !ok {
			return canon.Term{}, unsupported("@id that is not a string")
		}
		id, err := active.expandIRI(s, false)
		if err != nil {
			return canon.Term{}, err
		}
		if subject, err = p.idTerm(id); err != nil {
			return canon.Term{}, err
		}
		haveID = true
	}
	if !haveID {
		subject = p.fresh()
	}
	return subject, nil
}

// property states the values of the node's entry k (other than its
// context, id and types).
func (p *proc) property(m map[string]any, k string, active *ctx, subject, g canon.Term, depth int) error {
	if k == "@context" {
		return nil
	}
	if k == "" {
		return unsupported("empty key")
	}
	ek, err := keyOf(active, k)
	if err != nil {
		return err
	}
	switch {
	case ek == "@id" || ek == "@type":
		return nil
	case ek == "" || !strings.Contains(ek, ":") && !strings.HasPrefix(ek, "@"):
		if p.strict {
			return fmt.Errorf("%w: %q", ErrDropped, k)
		}
		return nil // no definition, no vocabulary: dropped
	case strings.HasPrefix(ek, "@"):
		return unsupported("keyword " + ek + " in a node")
	case strings.HasPrefix(ek, "_:"):
		return unsupported("blank node property")
	}
	pred, err := p.idTerm(ek)
	if err != nil {
		return err
	}
	// A term that only a type-scoped context defines keeps its @graph
	// container (a presentation's verifiableCredential), as JSON-LD 1.1 and
	// jsonld.js, which sign presentations, have it; json-gold does not
	// honour it, and its output differs there.
	return p.values(m[k], active, active.terms[k], subject, pred, g, depth)
}

// valueOrRef reports a value object or a lone {"@id": ...} (step 7's
// exceptions).
func valueOrRef(m map[string]any, c *ctx) bool {
	for k := range m {
		if ek, _ := c.expandIRI(k, true); ek == "@value" {
			return true
		}
	}
	if len(m) == 1 {
		for k := range m {
			ek, _ := c.expandIRI(k, true)
			return ek == "@id"
		}
	}
	return false
}

func stringsOf(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, unsupported("@type value that is not a string")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, unsupported("@type value")
}

// values emits the statements for one property's value(s).
func (p *proc) values(v any, active *ctx, td *termDef, s, pred, g canon.Term, depth int) error {
	if td != nil && td.typ == "@json" {
		return unsupported("@json value")
	}
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for _, e := range x {
			if _, nested := e.([]any); nested {
				return unsupported("nested array")
			}
			if err := p.values(e, active, td, s, pred, g, depth); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if isValueObject(x, active) {
			o, keep, err := p.valueObject(x, active)
			if err != nil || !keep {
				return err
			}
			return p.emit(s, pred, o, g)
		}
		if td != nil && td.graph {
			// An @graph container: the node lives in its own graph, named
			// by a blank node that is the property's value.
			name := p.fresh()
			if _, err := p.node(x, active, td, name, depth+1); err != nil {
				return err
			}
			return p.emit(s, pred, name, g)
		}
		o, err := p.node(x, active, td, g, depth+1)
		if err != nil {
			return err
		}
		return p.emit(s, pred, o, g)
	}
	// A scalar: value expansion (§5.3.2) with the property's scoped context.
	if td != nil && td.ctx != nil {
		var err error
		if active, err = p.process(active, td.ctx, td.ctxKey, true, true); err != nil {
			return err
		}
		td = active.terms[termName(active, td)]
	}
	o, err := p.scalar(v, active, td)
	if err != nil {
		return err
	}
	if o.Kind == canon.DefaultGraph {
		return nil
	}
	if td != nil && td.graph {
		return unsupported("scalar in an @graph container")
	}
	return p.emit(s, pred, o, g)
}

// termName finds td's name again after a scoped context (the definition of
// the same term in the new context).
func termName(c *ctx, td *termDef) string {
	for k, v := range c.terms {
		if v == td {
			return k
		}
	}
	return ""
}

func isValueObject(m map[string]any, c *ctx) bool {
	for k := range m {
		if ek, _ := c.expandIRI(k, true); ek == "@value" {
			return true
		}
	}
	return false
}

func (p *proc) valueObject(m map[string]any, c *ctx) (canon.Term, bool, error) {
	var val any
	dt := ""
	for k, v := range m {
		ek, err := c.expandIRI(k, true)
		if err != nil {
			return canon.Term{}, false, err
		}
		switch ek {
		case "@value":
			val = v
		case "@type":
			s, ok := v.(string)
			if !ok {
				return canon.Term{}, false, unsupported("value @type")
			}
			if dt, err = c.expandIRI(s, true); err != nil {
				return canon.Term{}, false, err
			}
			if strings.HasPrefix(dt, "@") || !strings.Contains(dt, ":") {
				return canon.Term{}, false, unsupported("value @type " + s)
			}
		default:
			return canon.Term{}, false, unsupported("value object key " + k)
		}
	}
	switch x := val.(type) {
	case nil:
		return canon.Term{}, false, nil
	case string:
		return canon.Term{Kind: canon.Literal, Value: x, Datatype: normDT(dt)}, true, nil
	}
	if dt != "" {
		return canon.Term{}, false, unsupported("typed native value")
	}
	t, err := native(val)
	return t, true, err
}

func normDT(dt string) string {
	if dt == canon.XSDString {
		return ""
	}
	return dt
}

// scalar is a string, number or boolean value of a property.
func (p *proc) scalar(v any, c *ctx, td *termDef) (canon.Term, error) {
	typ := ""
	if td != nil {
		typ = td.typ
	}
	if s, ok := v.(string); ok {
		switch typ {
		case "@id", "@vocab":
			id, err := c.expandIRI(s, typ == "@vocab")
			if err != nil {
				return canon.Term{}, err
			}
			if id == "" {
				return canon.Term{}, unsupported("IRI value that does not expand")
			}
			return p.idTerm(id)
		case "":
			return canon.Term{Kind: canon.Literal, Value: s}, nil
		default:
			return canon.Term{Kind: canon.Literal, Value: s, Datatype: normDT(typ)}, nil
		}
	}
	if typ != "" {
		return canon.Term{}, unsupported("coerced native value")
	}
	return native(v)
}

// native converts a JSON number or boolean (JSON-LD API §8.6 step 10-12).
func native(v any) (canon.Term, error) {
	switch x := v.(type) {
	case bool:
		return canon.Term{Kind: canon.Literal, Value: strconv.FormatBool(x), Datatype: xsdBoolean}, nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return canon.Term{Kind: canon.Literal, Value: strconv.FormatInt(int64(x), 10), Datatype: xsdInteger}, nil
		}
		return canon.Term{}, unsupported("non-integer number")
	}
	return canon.Term{}, unsupported("value of another kind")
}

// urlOK remembers validURL's answers: for an authority (the IRI up to its
// path, without the "/"), or for a whole IRI. Both are bounded by
// urlOKSize.
var urlOK, authOK sync.Map

var urlOKSize atomic.Int64

// validURL is json-gold's test for http(s) IRIs (it drops statements with
// IRIs it finds invalid), remembered by authority: IRIs that differ only
// after it (a status entry's fragment) are valid alike. The test is
// ld.IsURL: a pattern over the scheme, user, host and port, then
// "[/?#]\S*", and url.Parse, which past the authority fails only on
// control characters and bad percent escapes, which absolute has already
// refused. So, for an IRI with no "@" (with one, the pattern could find a
// user name reaching into the path) and no space, whose authority is not
// empty, and under the pattern's length limit, the answer is that for its
// authority and "/". TestValidURL compares the two.
func validURL(iri string) bool {
	cache, key, test := &urlOK, iri, iri
	if i := strings.Index(iri, "://"); i > 0 {
		rest := iri[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j > 0 && !strings.ContainsAny(rest, "@ \t\n\r\f\v") &&
			utf8.RuneCountInString(iri) < 2000 {
			cache, key = &authOK, iri[:i+3+j]
			test = key + "/"
		}
	}
	if v, ok := cache.Load(key); ok {
		return v.(bool)
	}
	ok := ld.IsURL(test)
	if urlOKSize.Load() < 65536 {
		cache.Store(strings.Clone(key), ok)
		urlOKSize.Add(1)
	}
	return ok
}

// absolute reports a clean absolute IRI: a scheme (RFC 3986 §3.1), "//"
// after http and https, well-formed percent escapes, no character that may
// not appear in an IRI. Anything else is left to the complete processor,
// whose handling of broken IRIs this package does not imitate.
func absolute(iri string) bool {
	i := strings.IndexByte(iri, ':')
	if i < 1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := iri[j]
		alpha := c|0x20 >= 'a' && c|0x20 <= 'z'
		if !alpha && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	// http and https only in lower case and with "//" (as before: the
	// other spellings are left to json-gold).
	if scheme := iri[:i]; (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) &&
		(scheme != "http" && scheme != "https" || !strings.HasPrefix(iri[i:], "://")) {
		return false
	}
	for j := 0; j < len(iri); j++ {
		c := iri[j]
		switch {
		case notInIRI[c]:
			return false
		case c == '%':
			if j+2 >= len(iri) || !isHex(iri[j+1]) || !isHex(iri[j+2]) {
				return false
			}
		}
	}
	return authorityOK(iri, i)
}

// parseOK remembers authorityOK's answers by scheme and authority, bounded
// by urlOKSize.
var parseOK sync.Map

// authorityOK: an IRI with an authority ("scheme://host:port/...", the
// scheme ending at i) has one url.Parse reads. json-gold takes an IRI for
// absolute only if url.Parse reads it, and drops it, or refuses a context
// defining it, otherwise ("kttps://host:::x/" has a port it cannot read).
// Past the authority url.Parse fails only on what absolute has refused.
func authorityOK(iri string, i int) bool {
	if !strings.HasPrefix(iri[i:], "://") {
		return true
	}
	auth := iri
	if j := strings.IndexAny(iri[i+3:], "/?#"); j >= 0 {
		auth = iri[:i+3+j]
	}
	if v, ok := parseOK.Load(auth); ok {
		return v.(bool)
	}
	_, err := url.Parse(auth)
	if urlOKSize.Add(1) < 65536 {
		parseOK.Store(strings.Clone(auth), err == nil)
	}
	return err == nil
}

// notInIRI marks the bytes that may not appear in an IRI.
var notInIRI = func() (t [256]bool) {
	for c := 0; c <= 0x20; c++ {
		t[c] = true
	}
	t[0x7f] = true
	for _, c := range []byte("<>\"{}|^`\\") {
		t[c] = true
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

var quadPool sync.Pool

// Buffer is an empty slice of quads to append to, from those Release gave
// back when it can; Release it after use.
func Buffer() []canon.Quad {
	if b, ok := quadPool.Get().(*[]canon.Quad); ok {
		return (*b)[:0]
	}
	return make([]canon.Quad, 0, 512)
}

// Release gives back the slice ToRDF returned, for reuse; the caller must
// not use it afterwards.
func Release(quads []canon.Quad) {
	if cap(quads) > 1<<16 {
		return
	}
	// Past len, the array is still zero: appends wrote only below it, and
	// each release clears what its use wrote.
	clear(quads)
	quads = quads[:0]
	quadPool.Put(&quads)
}
