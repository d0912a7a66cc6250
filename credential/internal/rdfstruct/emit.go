package rdfstruct

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/etranscript/etranscript/canon"
	"github.com/etranscript/etranscript/jsonld"
)

// RDFType is rdf:type.
const RDFType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

// Emitter appends a document's quads, in graph G; OK turns false at the
// first value the direct conversion does not take (the caller then
// converts the document through package jsonld).
type Emitter struct {
	Q      []canon.Quad
	G      canon.Term
	OK     bool
	blanks int
}

// NewEmitter starts quads in the default graph, in a buffer of package
// jsonld (Done gives it back on failure; the caller releases it else).
func NewEmitter() *Emitter {
	return &Emitter{Q: jsonld.Buffer(), G: canon.Term{Kind: canon.DefaultGraph}, OK: true}
}

// Done returns the quads, or gives them back and reports false.
func (e *Emitter) Done() ([]canon.Quad, bool) {
	if !e.OK {
		jsonld.Release(e.Q)
		return nil, false
	}
	return e.Q, true
}

// IRITerm is an IRI term.
func IRITerm(v string) canon.Term { return canon.Term{Kind: canon.IRI, Value: v} }

// IRI is an IRI-valued field's term: an absolute IRI under a scheme no
// context defines as a prefix, that package jsonld would write as is.
func (e *Emitter) IRI(v string) canon.Term {
	scheme, _, _ := strings.Cut(v, ":")
	switch scheme {
	case "http", "https", "urn", "did":
		if jsonld.IRIOK(v) {
			return IRITerm(v)
		}
	}
	e.OK = false
	return canon.Term{}
}

// Blank is a new blank node.
func (e *Emitter) Blank() canon.Term {
	n := canon.Term{Kind: canon.Blank, Value: blankLabel(e.blanks)}
	e.blanks++
	return n
}

// Link states s p o.
func (e *Emitter) Link(s canon.Term, p string, o canon.Term) {
	e.Q = append(e.Q, canon.Quad{S: s, P: IRITerm(p), O: o, G: e.G})
}

// Literal states s p "v", typed dt unless dt is "".
func (e *Emitter) Literal(s canon.Term, p, v, dt string) {
	e.Link(s, p, canon.Term{Kind: canon.Literal, Value: v, Datatype: dt})
}

// Emit states the fields of x, a struct or a pointer to one, as node n's.
func (v *Vocab) Emit(e *Emitter, n canon.Term, x any) {
	rv := reflect.Indirect(reflect.ValueOf(x))
	v.emit(e, v.planOf(rv.Type()), n, rv)
}

// Node is the term of x's node: the IRI of its @id field, or a new blank
// node when it has none.
func (v *Vocab) Node(e *Emitter, x any) canon.Term {
	rv := reflect.Indirect(reflect.ValueOf(x))
	return v.node(e, v.planOf(rv.Type()), rv)
}

func (v *Vocab) node(e *Emitter, p *plan, rv reflect.Value) canon.Term {
	if p.id < 0 {
		return e.Blank()
	}
	return e.IRI(rv.Field(p.fields[p.id].index).String())
}

func (v *Vocab) emit(e *Emitter, p *plan, n canon.Term, rv reflect.Value) {
	for i := range p.fields {
		f := &p.fields[i]
		fv := rv.Field(f.index)
		switch f.kind {
		case kLiteral:
			if s := fv.String(); s != "" || !f.omitempty {
				e.Literal(n, f.pred, s, f.datatype)
			}
		case kBool:
			e.Literal(n, f.pred, strconv.FormatBool(fv.Bool()), f.datatype)
		case kIRI:
			if s := fv.String(); s != "" || !f.omitempty {
				e.Link(n, f.pred, e.IRI(s))
			}
		case kType:
			v.types(e, n, fv)
		case kNode:
			if f.ptr {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			v.child(e, f, n, fv)
		case kNodes:
			for j := range fv.Len() {
				v.child(e, f, n, fv.Index(j))
			}
		case kStrings:
			for j := range fv.Len() {
				e.Literal(n, f.pred, fv.Index(j).String(), "")
			}
		}
	}
}

func (v *Vocab) child(e *Emitter, f *field, n canon.Term, fv reflect.Value) {
	c := v.node(e, f.sub, fv)
	e.Link(n, f.pred, c)
	v.emit(e, f.sub, c, fv)
}

// types states a node's types, each of which must be one of the Vocab's.
func (v *Vocab) types(e *Emitter, n canon.Term, fv reflect.Value) {
	one := func(t string) {
		iri, ok := v.Types[t]
		if !ok {
			e.OK = false
			return
		}
		e.Link(n, RDFType, IRITerm(iri))
	}
	if fv.Kind() == reflect.String {
		if fv.String() != "" {
			one(fv.String())
		}
		return
	}
	for j := range fv.Len() {
		one(fv.Index(j).String())
	}
}

// blankLabels are the first blank node labels, made once.
var blankLabels = func() []string {
	l := make([]string, 1024)
	for i := range l {
		l[i] = "x" + strconv.Itoa(i)
	}
	return l
}()

func blankLabel(i int) string {
	if i < len(blankLabels) {
		return blankLabels[i]
	}
	return "x" + strconv.Itoa(i)
}
