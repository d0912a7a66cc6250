package transcript

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// lexer reads the top of a streamed JSON batch: its punctuation, and each
// member name and value as raw bytes, without decoding them. What it
// returns is checked strictly by its caller (jsonstrict.Check, then
// encoding/json); it only has to find where each value ends, which for
// valid JSON it does exactly, and for anything else it either finds a
// span the check then refuses, or fails.
type lexer struct {
	r   *bufio.Reader
	buf []byte
}

// maxRecordBytes bounds one record of a streamed batch (a transcript of
// 40 courses is about 4 KB).
const maxRecordBytes = 16 << 20

var errMalformed = errors.New("malformed JSON")

// peek skips white space and returns the next byte, not consumed.
func (l *lexer) peek() (byte, error) {
	for {
		c, err := l.r.ReadByte()
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, l.r.UnreadByte()
		}
	}
}

// expect skips white space and consumes c; an error if the next byte is
// another.
func (l *lexer) expect(c byte) error {
	got, err := l.peek()
	if err != nil {
		return fmt.Errorf("%w: expected %q, got %v", errMalformed, c, err)
	}
	if got != c {
		return fmt.Errorf("%w: expected %q, got %q", errMalformed, c, got)
	}
	l.r.ReadByte()
	return nil
}

// member reads the member name want and its colon.
func (l *lexer) member(want string) error {
	raw, err := l.value()
	var name string
	if err == nil {
		err = json.Unmarshal(raw, &name)
	}
	if err != nil {
		return fmt.Errorf("%w: expected %q: %v", errMalformed, want, err)
	}
	if name != want {
		return fmt.Errorf("%w: expected %q, found %q", errMalformed, want, name)
	}
	return l.expect(':')
}

// value skips white space and returns the next value's bytes, in a new
// slice: a string, an object or array (with the strings in it), or a
// number or literal (up to the next delimiter).
func (l *lexer) value() ([]byte, error) {
	c, err := l.peek()
	if err != nil {
		return nil, fmt.Errorf("%w: expected a value, got %v", errMalformed, err)
	}
	l.buf = l.buf[:0]
	switch {
	case c == '"':
		err = l.str()
	case c == '{' || c == '[':
		err = l.nested()
	case c == ',' || c == ']' || c == '}' || c == ':':
		return nil, fmt.Errorf("%w: expected a value, got %q", errMalformed, c)
	default:
		err = l.scalar()
	}
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), l.buf...), nil
}

// take consumes one byte into buf.
func (l *lexer) take() (byte, error) {
	c, err := l.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, fmt.Errorf("%w: %v", errMalformed, err)
	}
	return c, l.add(c)
}

// add appends c to buf, within maxRecordBytes.
func (l *lexer) add(c byte) error {
	if len(l.buf) >= maxRecordBytes {
		return fmt.Errorf("a value larger than %d MiB", maxRecordBytes>>20)
	}
	l.buf = append(l.buf, c)
	return nil
}

// str consumes a string, its quotes included.
func (l *lexer) str() error {
	if _, err := l.take(); err != nil { // the opening quote
		return err
	}
	for {
		c, err := l.take()
		if err != nil {
			return err
		}
		switch c {
		case '\\':
			if _, err := l.take(); err != nil {
				return err
			}
		case '"':
			return nil
		}
	}
}

// nested consumes an object or an array, up to its closing bracket: a
// buffered window at a time, not a byte at a time (a record of 4 KB is
// 4,000 calls otherwise; this was a tenth of a large batch's reading).
func (l *lexer) nested() error {
	depth, inStr, esc := 0, false, false
	for {
		if l.r.Buffered() == 0 {
			if _, err := l.r.Peek(1); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return fmt.Errorf("%w: %v", errMalformed, err)
			}
		}
		win, _ := l.r.Peek(l.r.Buffered())
		i, done := 0, false
	scan:
		for ; i < len(win); i++ {
			c := win[i]
			switch {
			case inStr && esc:
				esc = false
			case inStr && c == '\\':
				esc = true
			case inStr:
				inStr = c != '"'
			case c == '"':
				inStr = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				if depth--; depth == 0 {
					i, done = i+1, true
					break scan
				}
			}
		}
		if len(l.buf)+i > maxRecordBytes {
			return fmt.Errorf("a value larger than %d MiB", maxRecordBytes>>20)
		}
		l.buf = append(l.buf, win[:i]...)
		l.r.Discard(i)
		if done {
			return nil
		}
	}
}

// scalar consumes a number or literal: the bytes up to a delimiter or the
// end.
func (l *lexer) scalar() error {
	for {
		c, err := l.r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", errMalformed, err)
		}
		switch c {
		case ',', ']', '}', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
			return l.r.UnreadByte()
		}
		if err := l.add(c); err != nil {
			return err
		}
	}
}
