package rdfstruct

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Context is the JSON-LD context that defines the terms of root's type
// (and of the types of its fields) whose IRIs are under prefix: the
// prefix itself, "xsd" when a term is typed, then each term in the order
// the fields are declared, depth first. Two fields of one name must stand
// for one IRI.
func (v *Vocab) Context(prefix string, root any) ([]byte, error) {
	c := contextWriter{v: v, prefix: prefix, defs: map[string]string{}}
	c.walk(v.planOf(reflect.Indirect(reflect.ValueOf(root)).Type()), map[*plan]bool{})
	if c.err != nil {
		return nil, c.err
	}
	var b bytes.Buffer
	b.WriteString("{\n")
	c.entry(&b, prefix, v.Prefixes[prefix])
	if c.typed {
		c.entry(&b, "xsd", XSD)
	}
	for _, name := range c.order {
		b.WriteString(",\n  ")
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteString(": ")
		b.WriteString(c.defs[name])
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

type contextWriter struct {
	v      *Vocab
	prefix string
	defs   map[string]string // term -> its definition's JSON
	order  []string
	typed  bool
	err    error
}

func (c *contextWriter) entry(b *bytes.Buffer, k, val string) {
	if b.Len() > 2 {
		b.WriteString(",\n")
	}
	kj, _ := json.Marshal(k)
	vj, _ := json.Marshal(val)
	fmt.Fprintf(b, "  %s: %s", kj, vj)
}

func (c *contextWriter) walk(p *plan, seen map[*plan]bool) {
	if seen[p] {
		return
	}
	seen[p] = true
	for i := range p.fields {
		f := &p.fields[i]
		if strings.HasPrefix(f.term, c.prefix+":") {
			c.define(f)
		}
		if f.sub != nil {
			c.walk(f.sub, seen)
		}
	}
}

func (c *contextWriter) define(f *field) {
	id, _ := json.Marshal(f.term)
	def := string(id)
	switch {
	case f.datatype != "" && f.kind == kLiteral:
		c.typed = true
		def = fmt.Sprintf(`{"@id": %s, "@type": "xsd:%s"}`, id, strings.TrimPrefix(f.datatype, XSD))
	case f.kind == kIRI:
		def = fmt.Sprintf(`{"@id": %s, "@type": "@id"}`, id)
	}
	if old, ok := c.defs[f.name]; ok {
		if old != def && c.err == nil {
			c.err = fmt.Errorf("rdfstruct: term %q defined as %s and as %s", f.name, old, def)
		}
		return
	}
	c.defs[f.name] = def
	c.order = append(c.order, f.name)
}
