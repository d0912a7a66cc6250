package transcript

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// diagnosis reads a JSON record that did not decode as a Record, field by
// field: it notes every field of the wrong type or unknown (so that every
// problem of the record shows at once, each with its field) and returns
// the record made of the fields that were right.
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
	m, ok := v.(map[string]any)
	if !ok {
		d.wrong("", "an object", v)
		return Record{}, d.problems, d.bad
	}
	return d.record(m), d.problems, d.bad
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

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fields notes the keys of m that are not among known.
func (d *diagnosis) fields(m map[string]any, path string, known ...string) {
	for k := range m {
		if !slices.Contains(known, k) {
			d.add(join(path, k), "unknown field (see docs/batch-format.md)")
		}
	}
}

func (d *diagnosis) str(m map[string]any, path, key string) string {
	switch x := m[key].(type) {
	case nil: // absent or null, as encoding/json reads it: "" (validation says if it is required)
		return ""
	case string:
		return x
	default:
		d.wrong(join(path, key), "a string", x)
		return ""
	}
}

func (d *diagnosis) decimal(m map[string]any, path, key string) Decimal {
	v, present := m[key]
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		if present {
			d.wrong(join(path, key), "a decimal number such as 3 or 1.5", x)
		}
		return Decimal{}
	}
	dec, ok := ParseDecimal(s)
	if !ok {
		d.wrong(join(path, key), "a decimal number such as 3 or 1.5", v)
	}
	return dec
}

func (d *diagnosis) object(m map[string]any, path, key string) map[string]any {
	switch x := m[key].(type) {
	case nil:
		return nil
	case map[string]any:
		return x
	default:
		d.wrong(join(path, key), "an object", x)
		return nil
	}
}

func (d *diagnosis) array(m map[string]any, path, key string) []any {
	switch x := m[key].(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		d.wrong(join(path, key), "an array", x)
		return nil
	}
}

func (d *diagnosis) record(m map[string]any) Record {
	d.fields(m, "", "studentId", "name", "nameLocal", "email", "program", "terms", "award", "stated")
	r := Record{StudentID: d.str(m, "", "studentId"), Name: d.str(m, "", "name"), NameLocal: d.str(m, "", "nameLocal"), Email: d.str(m, "", "email")}
	if p := d.object(m, "", "program"); p != nil {
		d.fields(p, "program", "code", "name", "level", "admitted")
		r.Program = Program{Code: d.str(p, "program", "code"), Name: d.str(p, "program", "name"), Level: d.str(p, "program", "level"), Admitted: d.str(p, "program", "admitted")}
	}
	for i, t := range d.array(m, "", "terms") {
		path := fmt.Sprintf("terms[%d]", i)
		tm, ok := t.(map[string]any)
		if !ok {
			d.wrong(path, "an object", t)
			continue
		}
		d.fields(tm, path, "term", "courses")
		term := Term{Term: d.str(tm, path, "term")}
		for j, c := range d.array(tm, path, "courses") {
			cpath := fmt.Sprintf("%s.courses[%d]", path, j)
			cm, ok := c.(map[string]any)
			if !ok {
				d.wrong(cpath, "an object", c)
				continue
			}
			d.fields(cm, cpath, "code", "title", "credits", "grade")
			term.Courses = append(term.Courses, Course{Code: d.str(cm, cpath, "code"), Title: d.str(cm, cpath, "title"),
				Credits: d.decimal(cm, cpath, "credits"), Grade: d.str(cm, cpath, "grade")})
		}
		r.Terms = append(r.Terms, term)
	}
	if a := d.object(m, "", "award"); a != nil {
		d.fields(a, "award", "degree", "major", "classification", "conferred")
		r.Award = &Award{Degree: d.str(a, "award", "degree"), Major: d.str(a, "award", "major"),
			Classification: d.str(a, "award", "classification"), Conferred: d.str(a, "award", "conferred")}
	}
	if s := d.object(m, "", "stated"); s != nil {
		d.fields(s, "stated", "cga")
		if _, ok := s["cga"]; ok {
			if c := d.decimal(s, "stated", "cga"); !c.IsZero() {
				r.Stated = &Stated{CGA: &c}
			}
		}
	}
	return r
}
