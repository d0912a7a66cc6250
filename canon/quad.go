package canon

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind of an RDF term.
type Kind uint8

const (
	IRI Kind = iota
	Blank
	Literal
	DefaultGraph
)

// Well-known datatypes.
const (
	XSDString     = "http://www.w3.org/2001/XMLSchema#string"
	RDFLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
)

// Term is an RDF term. For a blank node Value is its label without "_:".
type Term struct {
	Kind     Kind
	Value    string
	Datatype string // literals; "" means xsd:string
	Lang     string // literals with a language tag
}

// Quad is one statement; Graph.Kind is DefaultGraph for the default graph.
type Quad struct {
	S, P, O, G Term
}

// appendTerm writes t in canonical N-Quads form (a blank node with its own
// label).
func appendTerm(b []byte, t Term) []byte {
	switch t.Kind {
	case IRI:
		b = append(b, '<')
		b = append(b, t.Value...)
		return append(b, '>')
	case Blank:
		b = append(b, '_', ':')
		return append(b, t.Value...)
	case Literal:
		b = append(b, '"')
		b = appendEscaped(b, t.Value)
		b = append(b, '"')
		switch {
		case t.Lang != "":
			b = append(b, '@')
			b = append(b, t.Lang...)
		case t.Datatype != "" && t.Datatype != XSDString:
			b = append(b, '^', '^', '<')
			b = append(b, t.Datatype...)
			b = append(b, '>')
		}
	}
	return b
}

// appendEscaped escapes a literal as canonical N-Quads requires (RDFC-1.0
// §4.3, RDF 1.2 N-Quads canonical form): \" \\ \n \r \t \b \f as ECHAR, the
// other control characters as \u00XX, everything else as itself.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		// Copy the run up to the next byte that needs an escape at once.
		j := i
		for j < len(s) && !needsEscape[s[j]] {
			j++
		}
		b = append(b, s[i:j]...)
		if j == len(s) {
			break
		}
		switch c := s[j]; c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
		i = j + 1
	}
	return b
}

// needsEscape marks the bytes a literal escapes: quote, backslash and the
// control characters.
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'], t[0x7f] = true, true, true
	return t
}()

// appendQuadWith writes one canonical N-Quads line, with the blank node
// in position k (0 subject, 1 object, 2 graph) labelled label(k).
func appendQuadWith(b []byte, q *Quad, label func(k int) string) []byte {
	b = appendTermWith(b, &q.S, label, 0)
	b = append(b, ' ')
	b = appendTerm(b, q.P)
	b = append(b, ' ')
	b = appendTermWith(b, &q.O, label, 1)
	if q.G.Kind != DefaultGraph {
		b = append(b, ' ')
		b = appendTermWith(b, &q.G, label, 2)
	}
	return append(b, ' ', '.', '\n')
}

func appendTermWith(b []byte, t *Term, label func(int) string, k int) []byte {
	if t.Kind == Blank {
		b = append(b, '_', ':')
		return append(b, label(k)...)
	}
	return appendTerm(b, *t)
}

// ParseError reports a malformed N-Quads line.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return "N-Quads line " + strconv.Itoa(e.Line) + ": " + e.Msg }

// ParseNQuads reads an N-Quads document (RDF 1.1 N-Quads).
func ParseNQuads(s string) ([]Quad, error) {
	var out []Quad
	for n, line := range strings.Split(s, "\n") {
		p := &nqParser{s: line, line: n + 1}
		p.skip()
		if p.done() || p.peek() == '#' {
			continue
		}
		var q Quad
		var err error
		if q.S, err = p.term(); err != nil {
			return nil, err
		}
		if q.P, err = p.term(); err != nil {
			return nil, err
		}
		if q.O, err = p.term(); err != nil {
			return nil, err
		}
		q.G = Term{Kind: DefaultGraph}
		p.skip()
		if !p.done() && p.peek() != '.' {
			if q.G, err = p.term(); err != nil {
				return nil, err
			}
		}
		p.skip()
		if p.done() || p.peek() != '.' {
			return nil, p.fail("expected '.'")
		}
		p.i++
		p.skip()
		if !p.done() && p.peek() != '#' {
			return nil, p.fail("unexpected text after '.'")
		}
		if q.S.Kind == Literal || q.P.Kind != IRI || q.G.Kind == Literal {
			return nil, p.fail("literal or blank node where it may not be")
		}
		out = append(out, q)
	}
	return out, nil
}

type nqParser struct {
	s    string
	i    int
	line int
}

func (p *nqParser) done() bool { return p.i >= len(p.s) }
func (p *nqParser) peek() byte { return p.s[p.i] }
func (p *nqParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}
func (p *nqParser) fail(msg string) error { return &ParseError{Line: p.line, Msg: msg} }

func (p *nqParser) term() (Term, error) {
	p.skip()
	if p.done() {
		return Term{}, p.fail("unexpected end of line")
	}
	var t Term
	switch p.peek() {
	case '<':
		j := strings.IndexByte(p.s[p.i:], '>')
		if j < 0 {
			return t, p.fail("unterminated IRI")
		}
		v, err := unescape(p.s[p.i+1 : p.i+j])
		if err != nil {
			return t, p.fail(err.Error())
		}
		t = Term{Kind: IRI, Value: v}
		p.i += j + 1
	case '_':
		if !strings.HasPrefix(p.s[p.i:], "_:") {
			return t, p.fail("bad blank node")
		}
		j := p.i + 2
		for j < len(p.s) && p.s[j] != ' ' && p.s[j] != '\t' && !(p.s[j] == '.' && (j+1 == len(p.s) || p.s[j+1] == ' ')) {
			j++
		}
		t = Term{Kind: Blank, Value: p.s[p.i+2 : j]}
		p.i = j
	case '"':
		j := p.i + 1
		for ; j < len(p.s); j++ {
			if p.s[j] == '\\' {
				j++
				continue
			}
			if p.s[j] == '"' {
				break
			}
		}
		if j >= len(p.s) {
			return t, p.fail("unterminated literal")
		}
		v, err := unescape(p.s[p.i+1 : j])
		if err != nil {
			return t, p.fail(err.Error())
		}
		t = Term{Kind: Literal, Value: v}
		p.i = j + 1
		if !p.done() && p.peek() == '@' {
			k := p.i + 1
			for k < len(p.s) && p.s[k] != ' ' && p.s[k] != '\t' {
				k++
			}
			t.Lang, t.Datatype = p.s[p.i+1:k], RDFLangString
			p.i = k
		} else if strings.HasPrefix(p.s[p.i:], "^^<") {
			k := strings.IndexByte(p.s[p.i:], '>')
			if k < 0 {
				return t, p.fail("unterminated datatype")
			}
			dt, err := unescape(p.s[p.i+3 : p.i+k])
			if err != nil {
				return t, p.fail(err.Error())
			}
			t.Datatype = dt
			p.i += k + 1
		}
		if t.Datatype == XSDString {
			t.Datatype = ""
		}
	default:
		return t, p.fail("expected a term")
	}
	return t, nil
}

func unescape(s string) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i >= len(s) {
			return "", errBadEscape
		}
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case '"', '\'', '\\':
			b.WriteByte(s[i])
		case 'u', 'U':
			n := 4
			if s[i] == 'U' {
				n = 8
			}
			if i+1+n > len(s) {
				return "", errBadEscape
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return "", errBadEscape
			}
			b.WriteRune(rune(v))
			i += n
		default:
			return "", errBadEscape
		}
	}
	return b.String(), nil
}

type escapeError struct{}

func (escapeError) Error() string { return "bad escape sequence" }

var errBadEscape error = escapeError{}
