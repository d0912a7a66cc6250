package rdfstruct

import "reflect"

// Fill sets every field of the struct x points to that the Vocab reads
// to a value of its own: a string literal to "probe " and its JSON path, a
// date or time to a valid one, an IRI to one under https://probe.example/,
// a bool to true, a node to a filled one (one element of a slice). Types
// and ld:"-" fields are left to the caller. Tests and self-checks use it
// for a document with every term.
func (v *Vocab) Fill(x any) {
	rv := reflect.ValueOf(x).Elem()
	v.fill(v.planOf(rv.Type()), rv, "")
}

func (v *Vocab) fill(p *plan, rv reflect.Value, path string) {
	for i := range p.fields {
		f := &p.fields[i]
		fv := rv.Field(f.index)
		at := path + "/" + f.name
		switch f.kind {
		case kLiteral:
			switch f.datatype {
			case XSD + "date":
				fv.SetString("2020-09-01")
			case XSD + "dateTime":
				fv.SetString("2026-01-01T00:00:00Z")
			default:
				fv.SetString("probe " + at)
			}
		case kIRI, kID:
			fv.SetString("https://probe.example" + at)
		case kBool:
			fv.SetBool(true)
		case kStrings:
			fv.Set(reflect.ValueOf([]string{"probe " + at}))
		case kNode:
			if f.ptr {
				fv.Set(reflect.New(fv.Type().Elem()))
				fv = fv.Elem()
			}
			v.fill(f.sub, fv, at)
		case kNodes:
			fv.Set(reflect.MakeSlice(fv.Type(), 1, 1))
			v.fill(f.sub, fv.Index(0), at)
		}
	}
}
