package rdfstruct

import "reflect"

// Map returns what json.Unmarshal of json.Marshal(v) into a map gives, for
// a struct (or a pointer to one) whose fields the Vocab reads, without its
// ld:"-" fields (the caller adds those).
func (v *Vocab) Map(x any) map[string]any {
	rv := reflect.Indirect(reflect.ValueOf(x))
	return v.mapOf(v.planOf(rv.Type()), rv)
}

func (v *Vocab) mapOf(p *plan, rv reflect.Value) map[string]any {
	m := make(map[string]any, len(p.fields))
	for i := range p.fields {
		f := &p.fields[i]
		fv := rv.Field(f.index)
		if f.kind == kSkip || f.omitempty && fv.IsZero() && fv.Kind() != reflect.Struct ||
			f.omitempty && fv.Kind() == reflect.Slice && fv.Len() == 0 {
			continue
		}
		m[f.name] = v.value(f, fv)
	}
	return m
}

func (v *Vocab) value(f *field, fv reflect.Value) any {
	switch fv.Kind() {
	case reflect.String:
		return fv.String()
	case reflect.Bool:
		return fv.Bool()
	case reflect.Pointer:
		if fv.IsNil() {
			return nil
		}
		return v.mapOf(f.sub, fv.Elem())
	case reflect.Struct:
		return v.mapOf(f.sub, fv)
	case reflect.Slice:
		if fv.IsNil() {
			return nil
		}
		out := make([]any, fv.Len())
		for i := range out {
			if f.sub != nil {
				out[i] = v.mapOf(f.sub, fv.Index(i))
			} else {
				out[i] = fv.Index(i).String()
			}
		}
		return out
	}
	panic("rdfstruct: unreachable kind " + fv.Kind().String())
}
