// Package rdfstruct reads a Go struct's fields as JSON-LD terms: each
// field's `json` tag names the term and its `ld` tag the IRI it stands for,
// and from that one declaration the package writes the struct's decoded
// JSON (Map), its RDF (Emit) and the JSON-LD context that defines its terms
// (Context). A field without an `ld` tag is a programming error, reported
// when the type is first used, so that a new field cannot be left out of
// the context or the RDF.
//
// The tag is `ld:"prefix:name[,option]"` where the prefix is one of the
// Vocab's, or one of:
//
//	ld:"@id"    the node's IRI (a string)
//	ld:"@type"  the node's types (a string or []string), from Vocab.Types
//	ld:"-"      no term (the field is handled by the caller)
//
// Options: "iri" (the value is an IRI, not a string), "date" and
// "dateTime" (an xsd-typed literal). A bool is an xsd:boolean literal; a
// struct, a pointer to one or a slice of them is a blank node (or the
// node its @id field names) per element.
package rdfstruct

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// XSD is the XML Schema namespace, whose datatypes the options name.
const XSD = "http://www.w3.org/2001/XMLSchema#"

// Vocab resolves the tags' compact IRIs.
type Vocab struct {
	Prefixes map[string]string // prefix -> namespace IRI
	Types    map[string]string // type term -> IRI

	plans sync.Map // reflect.Type -> *plan
}

type kind uint8

const (
	kLiteral kind = iota // a string literal, or a typed one when datatype is set
	kBool                // an xsd:boolean literal
	kIRI                 // a string holding an IRI
	kID                  // the node's own IRI
	kType                // the node's types
	kNode                // a struct or a pointer to one
	kNodes               // a slice of structs
	kStrings             // a []string: a string literal per element
	kSkip                // ld:"-"
)

type field struct {
	index     int
	name      string // JSON member name
	omitempty bool
	term      string // the tag's compact IRI, for Context
	pred      string // its expansion
	datatype  string // for a typed literal
	kind      kind
	ptr       bool
	sub       *plan
}

type plan struct {
	fields []field
	id     int // index in fields of the @id field, or -1
}

// planOf is t's plan, made once; it panics on a field it cannot read.
func (v *Vocab) planOf(t reflect.Type) *plan {
	if p, ok := v.plans.Load(t); ok {
		return p.(*plan)
	}
	p, err := v.makePlan(t)
	if err != nil {
		panic(fmt.Sprintf("rdfstruct: %v", err))
	}
	v.plans.Store(t, p)
	return p
}

func (v *Vocab) makePlan(t reflect.Type) (*plan, error) {
	p := &plan{id: -1}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		f, err := v.makeField(sf)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), sf.Name, err)
		}
		f.index = i
		if f.kind == kID {
			p.id = len(p.fields)
		}
		p.fields = append(p.fields, f)
	}
	return p, nil
}

func (v *Vocab) makeField(sf reflect.StructField) (field, error) {
	name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
	f := field{name: name, omitempty: strings.Contains(opts, "omitempty")}
	if name == "" || name == "-" {
		return f, fmt.Errorf("no JSON name")
	}
	tag, ok := sf.Tag.Lookup("ld")
	if !ok {
		return f, fmt.Errorf("no ld tag (every term of the credential must say its IRI)")
	}
	term, opt, _ := strings.Cut(tag, ",")
	switch term {
	case "-":
		f.kind = kSkip
		return f, nil
	case "@id":
		f.kind = kID
		return f, nil
	case "@type":
		f.kind = kType
		return f, nil
	}
	prefix, local, ok := strings.Cut(term, ":")
	ns, known := v.Prefixes[prefix]
	if !ok || !known {
		return f, fmt.Errorf("ld tag %q: unknown prefix", tag)
	}
	f.term, f.pred = term, ns+local
	return f, v.fieldKind(&f, sf.Type, opt)
}

func (v *Vocab) fieldKind(f *field, t reflect.Type, opt string) error {
	switch {
	case t.Kind() == reflect.String:
		switch opt {
		case "":
			f.kind = kLiteral
		case "iri":
			f.kind = kIRI
		case "date", "dateTime":
			f.kind, f.datatype = kLiteral, XSD+opt
		default:
			return fmt.Errorf("unknown option %q", opt)
		}
	case t.Kind() == reflect.Bool:
		f.kind, f.datatype = kBool, XSD+"boolean"
	case t.Kind() == reflect.Struct:
		f.kind, f.sub = kNode, v.planOf(t)
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		f.kind, f.ptr, f.sub = kNode, true, v.planOf(t.Elem())
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		f.kind, f.sub = kNodes, v.planOf(t.Elem())
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		f.kind = kStrings
	default:
		return fmt.Errorf("a field of type %s cannot be a term", t)
	}
	return nil
}
