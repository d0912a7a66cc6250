// Package jsonstrict checks that a JSON document means one thing to every
// reader: valid JSON (RFC 8259) that is also I-JSON (RFC 7493), with no
// member name twice in an object, text in valid UTF-8 (no lone surrogate
// escapes either) and nothing after the value, within limits on nesting and
// on the number of values. A document that passes reads the same with a
// first-wins and a last-wins parser, so a forged value stated before the
// true one cannot hide behind it.
//
// Check makes one pass over the bytes and allocates only for member names
// written with escapes and for objects of many members.
package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bound a document; zero means no limit of that kind (but see
// Document and Decode, which apply Default's size and depth).
type Limits struct {
	MaxBytes  int64 // the whole document
	MaxDepth  int   // nesting of objects and arrays
	MaxValues int   // values of every kind: objects, arrays, strings, numbers, literals
}

// The kinds of problem, matched with errors.Is.
var (
	ErrSyntax    = errors.New("malformed JSON")
	ErrDuplicate = errors.New("duplicate member name")
	ErrUTF8      = errors.New("invalid UTF-8")
	ErrTrailing  = errors.New("data after the JSON value")
	ErrTooDeep   = errors.New("nested too deeply")
	ErrTooMany   = errors.New("too many values")
	ErrTooLarge  = errors.New("document too large")
)

// Error is one problem, where it is: the byte offset and the path of the
// value (as a JSON Pointer, RFC 6901).
type Error struct {
	Kind   error
	Offset int
	Path   string
	Detail string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Detail != "" {
		b.WriteString(" ")
		b.WriteString(e.Detail)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, " at %s", e.Path)
	}
	fmt.Fprintf(&b, " (byte %d)", e.Offset)
	return b.String()
}

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Is makes too many values a case of ErrTooLarge.
func (e *Error) Is(target error) bool { return target == ErrTooLarge && e.Kind == ErrTooMany }

// Check reports the first problem of data, or nil.
func Check(data []byte, lim Limits) error {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return fmt.Errorf("%w: over %d bytes", ErrTooLarge, lim.MaxBytes)
	}
	s := &scanner{data: data, lim: lim}
	s.ws()
	if err := s.value(); err != nil {
		return err
	}
	s.ws()
	if s.i < len(s.data) {
		return s.fail(ErrTrailing, "")
	}
	return nil
}

// seg is one step of the path to the current value: a member name (raw,
// as written) or an array index.
type seg struct {
	name  []byte
	index int
}

type scanner struct {
	data   []byte
	i      int
	lim    Limits
	values int
	path   []seg
	names  [][][]byte // per depth, the member names seen (reused)
}

func (s *scanner) fail(kind error, detail string) error {
	return &Error{Kind: kind, Offset: s.i, Path: s.pointer(), Detail: detail}
}

// pointer renders the path as a JSON Pointer.
func (s *scanner) pointer() string {
	var b strings.Builder
	for _, p := range s.path {
		b.WriteByte('/')
		if p.name == nil {
			b.WriteString(strconv.Itoa(p.index))
			continue
		}
		name := string(p.name)
		if bytes.IndexByte(p.name, '\\') >= 0 {
			name = string(unescape(p.name))
		}
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(name))
	}
	return b.String()
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) value() error {
	s.values++
	if s.lim.MaxValues > 0 && s.values > s.lim.MaxValues {
		return s.fail(ErrTooMany, fmt.Sprintf("(over %d)", s.lim.MaxValues))
	}
	if s.i >= len(s.data) {
		return s.fail(ErrSyntax, "(the document ends early)")
	}
	switch c := s.data[s.i]; {
	case c == '{':
		return s.object()
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	return s.fail(ErrSyntax, fmt.Sprintf("(unexpected %q)", s.data[s.i]))
}

func (s *scanner) enter() error {
	if s.lim.MaxDepth > 0 && len(s.path) >= s.lim.MaxDepth {
		return s.fail(ErrTooDeep, fmt.Sprintf("(over %d levels)", s.lim.MaxDepth))
	}
	return nil
}

func (s *scanner) object() error {
	if err := s.enter(); err != nil {
		return err
	}
	depth := len(s.path)
	for len(s.names) <= depth {
		s.names = append(s.names, nil)
	}
	s.names[depth] = s.names[depth][:0]
	var many map[string]bool // past 16 members, names by their unescaped text
	s.i++                    // {
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.path = s.path[:depth]
		if s.i >= len(s.data) || s.data[s.i] != '"' {
			return s.fail(ErrSyntax, "(expected a member name in double quotes)")
		}
		name, err := s.str()
		if err != nil {
			return err
		}
		s.path = append(s.path, seg{name: name})
		if dup := s.seen(depth, name, &many); dup {
			s.i -= len(name) + 2
			return s.fail(ErrDuplicate, strconv.Quote(string(unescape(name))))
		}
		s.ws()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return s.fail(ErrSyntax, "(expected ':' after a member name)")
		}
		s.i++
		s.ws()
		if err := s.value(); err != nil {
			return err
		}
		if done, err := s.next('}', "an object", depth); done || err != nil {
			return err
		}
	}
}

// seen records name among the members of the object at depth, and reports
// whether it was there already. Names are compared as text: "a" and
// "\u0061" are the same name.
func (s *scanner) seen(depth int, name []byte, many *map[string]bool) bool {
	if bytes.IndexByte(name, '\\') >= 0 {
		name = unescape(name)
	}
	if *many != nil {
		if (*many)[string(name)] {
			return true
		}
		(*many)[string(name)] = true
		return false
	}
	list := s.names[depth]
	for _, n := range list {
		if bytes.Equal(n, name) {
			return true
		}
	}
	list = append(list, name)
	s.names[depth] = list
	if len(list) > 16 {
		*many = make(map[string]bool, 2*len(list))
		for _, n := range list {
			(*many)[string(n)] = true
		}
	}
	return false
}

func (s *scanner) array() error {
	if err := s.enter(); err != nil {
		return err
	}
	depth := len(s.path)
	s.path = append(s.path, seg{index: 0})
	s.i++ // [
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == ']' {
		s.i++
		s.path = s.path[:depth]
		return nil
	}
	for n := 0; ; n++ {
		s.path[depth] = seg{index: n}
		if err := s.value(); err != nil {
			return err
		}
		if done, err := s.next(']', "an array", depth); done || err != nil {
			return err
		}
	}
}

// next reads what follows a member or an element: a comma (another comes;
// done is false) or the closing bracket (done, and the path back at
// depth).
func (s *scanner) next(closing byte, in string, depth int) (done bool, err error) {
	s.ws()
	switch {
	case s.i < len(s.data) && s.data[s.i] == ',':
		s.i++
		s.ws()
		return false, nil
	case s.i < len(s.data) && s.data[s.i] == closing:
		s.i++
		s.path = s.path[:depth]
		return true, nil
	}
	return true, s.fail(ErrSyntax, fmt.Sprintf("(expected ',' or '%c' in %s)", closing, in))
}

func (s *scanner) literal(word string) error {
	if !bytes.HasPrefix(s.data[s.i:], []byte(word)) {
		return s.fail(ErrSyntax, "(expected "+word+")")
	}
	s.i += len(word)
	return nil
}

func (s *scanner) number() error {
	d, i := s.data, s.i
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		s.i = i
		return s.fail(ErrSyntax, "(expected a digit)")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			s.i = i
			return s.fail(ErrSyntax, "(expected a digit after the decimal point)")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.i = i
			return s.fail(ErrSyntax, "(expected a digit in the exponent)")
		}
	}
	s.i = i
	return nil
}

// str scans a string and returns its raw content (between the quotes).
func (s *scanner) str() ([]byte, error) {
	d := s.data
	start := s.i + 1
	i := start
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s.i = i + 1
			return d[start:i], nil
		case c < 0x20:
			s.i = i
			return nil, s.fail(ErrSyntax, "(control character in a string)")
		case c == '\\':
			n, err := s.escape(i)
			if err != nil {
				return nil, err
			}
			i += n
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n <= 1 {
				s.i = i
				return nil, s.fail(ErrUTF8, "")
			}
			i += n
		}
	}
	s.i = i
	return nil, s.fail(ErrSyntax, "(unterminated string)")
}

// escape checks the escape sequence at i and returns its length. A \u
// escape of a UTF-16 surrogate must be a high one followed by a low one.
func (s *scanner) escape(i int) (int, error) {
	d := s.data
	if i+1 >= len(d) {
		s.i = i
		return 0, s.fail(ErrSyntax, "(unterminated string)")
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case 'u':
		r, ok := hex4(d, i+2)
		if !ok {
			s.i = i
			return 0, s.fail(ErrSyntax, "(expected four hex digits after \\u)")
		}
		if !utf16.IsSurrogate(r) {
			return 6, nil
		}
		if r < 0xdc00 && i+7 < len(d) && d[i+6] == '\\' && d[i+7] == 'u' {
			if lo, ok := hex4(d, i+8); ok && lo >= 0xdc00 && lo <= 0xdfff {
				return 12, nil
			}
		}
		s.i = i
		return 0, s.fail(ErrUTF8, "(a lone UTF-16 surrogate escape)")
	}
	s.i = i
	return 0, s.fail(ErrSyntax, fmt.Sprintf("(invalid escape \\%c)", d[i+1]))
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d[i:i+4]), 16, 32)
	return rune(v), err == nil
}

// unescape returns the text of a checked string's raw content.
func unescape(raw []byte) []byte {
	var out string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	if err := json.Unmarshal(q, &out); err != nil {
		return raw
	}
	return []byte(out)
}
