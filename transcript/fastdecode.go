package transcript

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// fastRecord decodes raw, one record's JSON, to the record strictUnmarshal
// makes of it, for the shape every export writes: member names in their
// exact case, each once; strings without escapes; no nulls. It reports
// false for anything else, which strictUnmarshal then decodes (and whose
// problems it names): it never takes what strictUnmarshal refuses, and
// never makes another record of what it takes (FuzzFastRecord). Decoding
// by reflection was two thirds of checking a record.
func fastRecord(raw []byte) (Record, bool) {
	d := &fastDecoder{b: raw}
	var r Record
	ok := d.object(func(key []byte) bool {
		switch string(key) {
		case "studentId":
			return d.str(&r.StudentID)
		case "name":
			return d.str(&r.Name)
		case "nameLocal":
			return d.str(&r.NameLocal)
		case "email":
			return d.str(&r.Email)
		case "program":
			return d.program(&r.Program)
		case "terms":
			r.Terms = []Term{}
			return d.array(func() bool {
				r.Terms = append(r.Terms, Term{})
				return d.term(&r.Terms[len(r.Terms)-1])
			})
		case "award":
			r.Award = &Award{}
			return d.award(r.Award)
		case "stated":
			r.Stated = &Stated{}
			return d.object(func(key []byte) bool {
				if string(key) != "cga" {
					return false
				}
				r.Stated.CGA = &Decimal{}
				return d.decimal(r.Stated.CGA)
			})
		}
		return false
	})
	d.ws()
	return r, ok && d.i == len(d.b)
}

func (d *fastDecoder) program(p *Program) bool {
	return d.strings(&[...]field{{"code", &p.Code}, {"name", &p.Name}, {"level", &p.Level}, {"admitted", &p.Admitted}})
}

func (d *fastDecoder) term(t *Term) bool {
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "term":
			return d.str(&t.Term)
		case "courses":
			t.Courses = []Course{}
			return d.array(func() bool {
				t.Courses = append(t.Courses, Course{})
				return d.course(&t.Courses[len(t.Courses)-1])
			})
		}
		return false
	})
}

func (d *fastDecoder) course(c *Course) bool {
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "code":
			return d.str(&c.Code)
		case "title":
			return d.str(&c.Title)
		case "credits":
			return d.decimal(&c.Credits)
		case "grade":
			return d.str(&c.Grade)
		}
		return false
	})
}

func (d *fastDecoder) award(a *Award) bool {
	return d.strings(&[...]field{{"degree", &a.Degree}, {"major", &a.Major}, {"classification", &a.Classification}, {"conferred", &a.Conferred}})
}

// field is a member of an object of strings, and where its value goes.
type field struct {
	name string
	v    *string
}

// strings reads an object whose members are the four fields' strings.
func (d *fastDecoder) strings(fields *[4]field) bool {
	return d.object(func(key []byte) bool {
		for _, f := range fields {
			if string(key) == f.name {
				return d.str(f.v)
			}
		}
		return false
	})
}

// fastDecoder reads JSON at b[i:].
type fastDecoder struct {
	b []byte
	i int
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and takes c, if it comes next.
func (d *fastDecoder) next(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// object reads an object, giving member each name to read its value;
// false for a name given twice or one member does not take.
func (d *fastDecoder) object(member func(key []byte) bool) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	var names [8][]byte // the members of any object of a record
	seen := names[:0]
	for {
		key, ok := d.raw()
		if !ok || !d.next(':') || slices.ContainsFunc(seen, func(k []byte) bool { return bytes.Equal(k, key) }) || !member(key) {
			return false
		}
		seen = append(seen, key)
		if d.next('}') {
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// array reads an array, giving elem each element to read.
func (d *fastDecoder) array(elem func() bool) bool {
	if !d.next('[') {
		return false
	}
	if d.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.next(']') {
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// str reads a string without escapes or control characters, in valid
// UTF-8.
func (d *fastDecoder) str(s *string) bool {
	v, ok := d.raw()
	if ok {
		*s = string(v)
	}
	return ok
}

// raw reads a string as str does, and returns its bytes in b.
func (d *fastDecoder) raw() ([]byte, bool) {
	if !d.next('"') {
		return nil, false
	}
	start := d.i
	ascii := true
	for ; d.i < len(d.b); d.i++ {
		switch c := d.b[d.i]; {
		case c == '"':
			v := d.b[start:d.i]
			d.i++
			return v, ascii || utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// decimal reads a decimal as Decimal.UnmarshalJSON does: a JSON number,
// or a string holding one.
func (d *fastDecoder) decimal(v *Decimal) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '"' {
		var s string
		if !d.str(&s) {
			return false
		}
		x, ok := ParseDecimal(s)
		*v = x
		return ok
	}
	start := d.i
	if !d.number() {
		return false
	}
	x, ok := ParseDecimal(string(d.b[start:d.i]))
	*v = x
	return ok
}

// number reads a number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?,
// and an exponent, which ParseDecimal then refuses.
func (d *fastDecoder) number() bool {
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.b) && d.b[d.i] == '0':
		d.i++
	case d.digits() == 0:
		return false
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if d.digits() == 0 {
			return false
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		return false
	}
	return true
}

// digits reads digits and says how many.
func (d *fastDecoder) digits() int {
	start := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}
