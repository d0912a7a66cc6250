package transcript

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// diagnosis reads a JSON record that did not decode as a Record, field by
// field: it notes every field of the wrong type or unknown (so that every
// problem of the record shows at once, each with its field) and returns
// the record made of the fields that were right. It walks Record's own
// type (its JSON tags), so the record's shape is stated in one place.
type diagnosis struct {
	problems []Problem
	bad      []string // the fields with problems
}

// diagnose reads raw, a record's JSON (strictly valid JSON, checked
// before).
func diagnose(raw []byte) (Record, []Problem, []string) {
	d := &diagnosis{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Record{}, []Problem{{Message: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}}, nil
	}
	var r Record
	d.value(v, reflect.ValueOf(&r).Elem(), "")
	return r, d.problems, d.bad
}

func (d *diagnosis) add(field, msg string) {
	d.problems = append(d.problems, Problem{Field: field, Message: msg})
	d.bad = append(d.bad, field)
}

func (d *diagnosis) wrong(field, want string, got any) {
	d.add(field, fmt.Sprintf("expected %s, got %s", want, describe(got)))
}

// describe names a decoded JSON value for a message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprint(x)
	case json.Number:
		return "the number " + clip(x.String())
	case string:
		return fmt.Sprintf("the string %q", clip(x))
	case []any:
		return "an array"
	}
	return "an object"
}

var decimalType = reflect.TypeOf(Decimal{})

// value sets out, of Record or one of its parts, from the decoded JSON v
// at path, noting what does not fit. A null leaves out as it is, as
// encoding/json does (validation says if it is required), except for a
// decimal, which encoding/json refuses too.
func (d *diagnosis) value(v any, out reflect.Value, path string) {
	if v == nil && out.Type() != decimalType {
		return
	}
	switch {
	case out.Type() == decimalType:
		d.decimal(v, out, path)
	case out.Kind() == reflect.String:
		if s, ok := v.(string); ok {
			out.SetString(s)
		} else {
			d.wrong(path, "a string", v)
		}
	case out.Kind() == reflect.Pointer:
		// Set only when the value fits: a part with a problem stays absent.
		before := len(d.problems)
		p := reflect.New(out.Type().Elem())
		d.value(v, p.Elem(), path)
		if len(d.problems) == before {
			out.Set(p)
		}
	case out.Kind() == reflect.Slice:
		d.slice(v, out, path)
	case out.Kind() == reflect.Struct:
		d.object(v, out, path)
	}
}

func (d *diagnosis) decimal(v any, out reflect.Value, path string) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		d.wrong(path, "a decimal number such as 3 or 1.5", v)
		return
	}
	dec, ok := ParseDecimal(s)
	if !ok {
		d.wrong(path, "a decimal number such as 3 or 1.5", v)
		return
	}
	out.Set(reflect.ValueOf(dec))
}

func (d *diagnosis) slice(v any, out reflect.Value, path string) {
	list, ok := v.([]any)
	if !ok {
		d.wrong(path, "an array", v)
		return
	}
	s := reflect.MakeSlice(out.Type(), 0, len(list))
	for i, e := range list {
		ep := fmt.Sprintf("%s[%d]", path, i)
		if _, ok := e.(map[string]any); !ok && out.Type().Elem().Kind() == reflect.Struct {
			d.wrong(ep, "an object", e)
			continue
		}
		el := reflect.New(out.Type().Elem()).Elem()
		d.value(e, el, ep)
		s = reflect.Append(s, el)
	}
	out.Set(s)
}

// object reads a JSON object into a struct by its fields' JSON names;
// a member no field has is an unknown field.
func (d *diagnosis) object(v any, out reflect.Value, path string) {
	m, ok := v.(map[string]any)
	if !ok {
		d.wrong(path, "an object", v)
		return
	}
	known := map[string]bool{}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	for i := range out.NumField() { // in the struct's order
		name, _, _ := strings.Cut(out.Type().Field(i).Tag.Get("json"), ",")
		known[name] = true
		if e, ok := m[name]; ok {
			d.value(e, out.Field(i), join(name))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !known[k] {
			d.add(join(k), "unknown field (see docs/batch-format.md)")
		}
	}
}
