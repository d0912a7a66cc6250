package jsonld

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrUnsupported marks a document this package does not handle.
var ErrUnsupported = errors.New("jsonld: unsupported feature")

// ErrTooLarge marks a document over this package's limits; unlike
// ErrUnsupported it is final.
var ErrTooLarge = errors.New("jsonld: document too large")

func unsupported(what string) error { return fmt.Errorf("%w: %s", ErrUnsupported, what) }

// Loader returns the parsed JSON of a context document by URL.
type Loader func(url string) (any, error)

type termDef struct {
	id        string // IRI, blank node or keyword; "" for a term defined as null
	typ       string // "", "@id", "@vocab" or a datatype IRI
	graph     bool   // @container @graph
	set       bool   // @container @set
	ctx       any    // property- or type-scoped context, raw
	ctxKey    string // its cache key
	protected bool
	prefix    bool
}

func (a *termDef) same(b *termDef) bool {
	return a.id == b.id && a.typ == b.typ && a.graph == b.graph && a.set == b.set && a.ctxKey == b.ctxKey && a.prefix == b.prefix
}

// ctx is an active context. It is never changed once built, so it is
// shared between goroutines and cached.
type ctx struct {
	key      uint64
	terms    map[string]*termDef
	vocab    string
	hasVocab bool
	previous *ctx
}

var (
	nextKey   atomic.Uint64
	cache     sync.Map // cache key -> *ctx
	cacheSize atomic.Int64
)

// maxCache bounds the compiled-context cache: a hostile stream of
// documents with ever new inline contexts cannot grow it without limit.
const maxCache = 4096

func newCtx() *ctx { return &ctx{key: nextKey.Add(1), terms: map[string]*termDef{}} }

func (c *ctx) clone() *ctx {
	n := &ctx{key: nextKey.Add(1), terms: make(map[string]*termDef, len(c.terms)+8), vocab: c.vocab, hasVocab: c.hasVocab, previous: c.previous}
	for k, v := range c.terms {
		n.terms[k] = v
	}
	return n
}

// localKey identifies a local context: its URL, or the SHA-256 of its
// content (an unambiguous, type-tagged and length-prefixed serialization
// with sorted keys: cheaper than JSON, and the same for equal contexts).
func localKey(local any) (string, error) {
	if s, ok := local.(string); ok {
		return "u:" + s, nil
	}
	bp := keyBufs.Get().(*[]byte)
	b, err := appendValueKey((*bp)[:0], local, 0)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	if cap(b) <= 1<<20 {
		*bp = b
		keyBufs.Put(bp)
	}
	return "h:" + string(sum[:]), nil
}

var keyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func appendValueKey(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, unsupported("context nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		return append(b, 'n'), nil
	case bool:
		if x {
			return append(b, 't'), nil
		}
		return append(b, 'f'), nil
	case float64:
		b = append(b, 'd')
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
		return append(b, ';'), nil
	case json.Number:
		b = append(b, 'd')
		return append(append(b, x...), ';'), nil
	case string:
		return appendStringKey(append(b, 's'), x), nil
	case []any:
		b = append(b, 'a')
		b = strconv.AppendInt(b, int64(len(x)), 10)
		b = append(b, ':')
		var err error
		for _, e := range x {
			if b, err = appendValueKey(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, 'm')
		b = strconv.AppendInt(b, int64(len(x)), 10)
		b = append(b, ':')
		var err error
		for _, k := range keys {
			b = appendStringKey(b, k)
			if b, err = appendValueKey(b, x[k], depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, unsupported(fmt.Sprintf("context value of type %T", v))
}

func appendStringKey(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// process is the Context Processing algorithm (JSON-LD 1.1 API §4.1.2),
// cached on (active context, local context, flags).
func (p *proc) process(active *ctx, local any, key string, propagate, override bool) (*ctx, error) {
	if key == "" {
		var err error
		if key, err = localKey(local); err != nil {
			return nil, err
		}
	}
	flags := byte('0')
	if propagate {
		flags |= 1
	}
	if override {
		flags |= 2
	}
	ck := strconv.FormatUint(active.key, 36) + string(flags) + key
	if c, ok := cache.Load(ck); ok {
		return c.(*ctx), nil
	}
	result := active.clone()
	if !propagate && result.previous == nil {
		result.previous = active
	}
	items, ok := local.([]any)
	if !ok {
		items = []any{local}
	}
	for _, item := range items {
		switch v := item.(type) {
		case nil:
			return nil, unsupported("null context")
		case string:
			if p.depth++; p.depth > 16 {
				return nil, unsupported("contexts nested too deeply")
			}
			doc, err := p.load(v)
			if err != nil {
				return nil, err
			}
			m, ok := doc.(map[string]any)
			if !ok {
				return nil, unsupported("context document is not an object")
			}
			inner, ok := m["@context"]
			if !ok {
				return nil, unsupported("context document without @context")
			}
			r, err := p.process(result, inner, "", true, override)
			p.depth--
			if err != nil {
				return nil, err
			}
			prev := result.previous
			result = r.clone()
			result.previous = prev
		case map[string]any:
			if err := p.define(result, v, override); err != nil {
				return nil, err
			}
		default:
			return nil, unsupported("context entry of another kind")
		}
	}
	if cacheSize.Load() < maxCache {
		if _, loaded := cache.LoadOrStore(ck, result); !loaded {
			cacheSize.Add(1)
		}
	}
	return result, nil
}

var genDelims = ":/?#[]@"

// define adds a local context map's definitions to result (Create Term
// Definition, §4.2.2).
func (p *proc) define(result *ctx, local map[string]any, override bool) error {
	d := &definer{result: result, local: local, override: override, defined: map[string]bool{}}
	if err := d.keywords(); err != nil {
		return err
	}
	for k := range local {
		if k == "" {
			return unsupported("empty term")
		}
		if !strings.HasPrefix(k, "@") {
			if err := d.def(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// definer is one local context's definition into result.
type definer struct {
	result    *ctx
	local     map[string]any
	override  bool
	protected bool            // the context's @protected
	defined   map[string]bool // term -> done (false while being defined)
}

// keywords reads the local context's own keywords.
func (d *definer) keywords() error {
	for k, v := range d.local {
		switch k {
		case "@version":
		case "@protected":
			b, ok := v.(bool)
			if !ok {
				return unsupported("@protected")
			}
			d.protected = b
		case "@vocab":
			switch s := v.(type) {
			case nil:
				d.result.vocab, d.result.hasVocab = "", false
			case string:
				if !strings.Contains(s, ":") {
					return unsupported("relative @vocab")
				}
				d.result.vocab, d.result.hasVocab = s, true
			default:
				return unsupported("@vocab")
			}
		default:
			if strings.HasPrefix(k, "@") {
				return unsupported("context keyword " + k)
			}
		}
	}
	return nil
}

// def defines term, and first the terms of this context its definition
// refers to.
func (d *definer) def(term string) error {
	if done, seen := d.defined[term]; seen {
		if !done {
			return unsupported("cyclic term definition")
		}
		return nil
	}
	d.defined[term] = false
	raw := d.local[term]
	td := &termDef{protected: d.protected}
	// A term that looks like an IRI or a compact IRI must expand to its
	// own IRI mapping (JSON-LD 1.1 §4.2.2 step 14.2.4-5); json-gold
	// applies a stricter 1.0 rule: left to the complete processor.
	if strings.ContainsAny(term, ":/") {
		m, isMap := raw.(map[string]any)
		if _, isString := raw.(string); isString || (isMap && m["@id"] != nil) {
			return unsupported("term " + term + " with a colon or slash and an IRI mapping")
		}
	}
	var err error
	switch v := raw.(type) {
	case nil:
		td.id = ""
	case string:
		err = d.fromString(td, term, v)
	case map[string]any:
		err = d.fromMap(td, term, v)
	default:
		err = unsupported("term definition of another kind")
	}
	if err != nil {
		return err
	}
	return d.store(term, td, raw != nil)
}

// expand is IRI expansion within this local context, which first defines
// what s refers to.
func (d *definer) expand(term, s string) (string, error) {
	if _, ok := d.local[s]; ok && s != term {
		if err := d.def(s); err != nil {
			return "", err
		}
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		if _, ok := d.local[s[:i]]; ok && s[:i] == term {
			// The term's own prefix: a cyclic IRI mapping (JSON-LD 1.1
			// §4.2.2 step 2), left to json-gold to refuse.
			return "", unsupported("cyclic IRI mapping of " + term)
		}
		if _, ok := d.local[s[:i]]; ok && s[:i] != term {
			if err := d.def(s[:i]); err != nil {
				return "", err
			}
		}
	}
	return d.result.expandIRI(s, true)
}

// fromString is a term defined by a string: an IRI, or a keyword alias.
func (d *definer) fromString(td *termDef, term, v string) error {
	if strings.HasPrefix(v, "@") {
		if v != "@id" && v != "@type" {
			return unsupported("alias of " + v)
		}
		td.id = v
		return nil
	}
	id, err := d.expand(term, v)
	if err != nil {
		return err
	}
	if id == "" {
		return unsupported("term " + term + " maps to nothing")
	}
	td.id = id
	td.prefix = strings.ContainsAny(id[len(id)-1:], genDelims) && !strings.Contains(term, ":")
	return nil
}

// fromMap is an expanded term definition.
func (d *definer) fromMap(td *termDef, term string, v map[string]any) error {
	for kk, vv := range v {
		if err := d.member(td, term, kk, vv); err != nil {
			return err
		}
	}
	if _, ok := v["@id"]; ok {
		return nil
	}
	switch {
	case strings.Contains(term, ":"):
		id, err := d.expand(term, term)
		if err != nil {
			return err
		}
		td.id = id
	case d.result.hasVocab:
		td.id = d.result.vocab + term
	default:
		return unsupported("term without an IRI")
	}
	return nil
}

// member reads one member of an expanded term definition.
func (d *definer) member(td *termDef, term, kk string, vv any) error {
	switch kk {
	case "@id":
		s, ok := vv.(string)
		if !ok {
			return unsupported("@id of term " + term)
		}
		if strings.HasPrefix(s, "@") {
			if s != "@id" && s != "@type" {
				return unsupported("alias of " + s)
			}
			td.id = s
			return nil
		}
		id, err := d.expand(term, s)
		if err == nil && strings.HasPrefix(id, "@") {
			// A term that aliases a keyword ("id" for @id): json-gold
			// refuses it where JSON-LD 1.1 allows it; left to it.
			return unsupported("@id of term " + term + " through an alias of " + id)
		}
		td.id = id
		return err
	case "@type":
		return d.typeMember(td, term, vv)
	case "@container":
		return containers(td, vv)
	case "@context":
		key, err := localKey(vv)
		td.ctx, td.ctxKey = vv, key
		return err
	case "@protected", "@prefix":
		b, ok := vv.(bool)
		if !ok {
			return unsupported(kk)
		}
		if kk == "@protected" {
			td.protected = b
		} else {
			td.prefix = b
		}
		return nil
	}
	return unsupported("term definition key " + kk)
}

// typeMember reads a term definition's @type.
func (d *definer) typeMember(td *termDef, term string, vv any) error {
	s, ok := vv.(string)
	if !ok {
		return unsupported("@type of term " + term)
	}
	switch s {
	case "@id", "@vocab", "@json":
		td.typ = s // a @json value itself is unsupported where used
		return nil
	}
	if strings.HasPrefix(s, "@") {
		return unsupported("@type " + s)
	}
	t, err := d.expand(term, s)
	if err == nil && t == "" {
		// "" or an undefined term: an invalid type mapping (JSON-LD 1.1
		// §4.2.2 step 13.2), which the complete processor reports.
		return unsupported("@type of term " + term + " expands to nothing")
	}
	if err == nil && strings.HasPrefix(t, "@") {
		// Through an alias ("id" for @id): allowed by JSON-LD 1.1,
		// refused by json-gold; left to it.
		return unsupported("@type of term " + term + " through an alias of " + t)
	}
	td.typ = t
	return err
}

// containers reads a term definition's @container.
func containers(td *termDef, vv any) error {
	cs, ok := vv.([]any)
	if !ok {
		cs = []any{vv}
	}
	for _, c := range cs {
		switch c {
		case "@set":
			td.set = true
		case "@graph":
			td.graph = true
		default:
			return unsupported(fmt.Sprintf("@container %v", c))
		}
	}
	return nil
}

// store checks a term's definition and keeps it (a protected term keeps
// its first definition, which a redefinition must equal).
func (d *definer) store(term string, td *termDef, given bool) error {
	// Only clean absolute IRIs (or blank nodes, or the two keyword
	// aliases) here; anything else is left to the complete processor.
	if given && td.id != "@id" && td.id != "@type" && !strings.HasPrefix(td.id, "_:") && !absolute(td.id) {
		return unsupported("term " + term + " does not map to an absolute IRI")
	}
	if td.typ != "" && td.typ != "@id" && td.typ != "@vocab" && td.typ != "@json" && !absolute(td.typ) {
		return unsupported("term " + term + " has a datatype that is not an absolute IRI")
	}
	if old, ok := d.result.terms[term]; ok && old.protected && !d.override {
		if !old.same(td) {
			return unsupported("protected term redefined: " + term)
		}
		td = old
	}
	d.result.terms[term] = td
	d.defined[term] = true
	return nil
}

// expandIRI is IRI Expansion (§5.2.2) without a base: relative IRIs are
// unsupported. vocab says whether terms and @vocab apply.
func (c *ctx) expandIRI(s string, vocab bool) (string, error) {
	if strings.HasPrefix(s, "@") {
		return s, nil
	}
	if vocab {
		if td, ok := c.terms[s]; ok {
			if td.id == "" {
				return "", nil
			}
			return td.id, nil
		}
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		prefix, suffix := s[:i], s[i+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return s, nil
		}
		if td, ok := c.terms[prefix]; ok && td.id != "" {
			if !td.prefix {
				return "", unsupported("compact IRI with a non-prefix term " + prefix)
			}
			return td.id + suffix, nil
		}
		return s, nil
	}
	if vocab && c.hasVocab {
		return c.vocab + s, nil
	}
	if !vocab {
		return "", unsupported("relative IRI " + s)
	}
	return "", nil // an undefined term: dropped
}
