package transcript

import (
	"math/big"
	"strconv"
	"strings"
)

// Batch is one registry export: an id and the student records to issue.
type Batch struct {
	ID      string   `json:"batch"`
	Records []Record `json:"records"`
}

// Record is one student's transcript as exported by the student system.
type Record struct {
	StudentID string  `json:"studentId"`
	Name      string  `json:"name"`
	NameLocal string  `json:"nameLocal,omitempty"`
	Email     string  `json:"email"`
	Program   Program `json:"program"`
	Terms     []Term  `json:"terms"`
	Award     *Award  `json:"award,omitempty"`
	Stated    *Stated `json:"stated,omitempty"`
}

// Program is the programme of study.
type Program struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	Admitted string `json:"admitted,omitempty"`
}

// Term is one term and the courses taken in it, in transcript order.
type Term struct {
	Term    string   `json:"term"`
	Courses []Course `json:"courses"`
}

// Course is one course result.
type Course struct {
	Code    string  `json:"code"`
	Title   string  `json:"title"`
	Credits Decimal `json:"credits"`
	Grade   string  `json:"grade"`
}

// Award is the degree conferred, when the transcript shows one.
type Award struct {
	Degree         string `json:"degree"`
	Major          string `json:"major,omitempty"`
	Classification string `json:"classification,omitempty"`
	Conferred      string `json:"conferred,omitempty"`
}

// Stated holds averages as the student system computed them; they are
// cross-checked against ours.
type Stated struct {
	CGA *Decimal `json:"cga,omitempty"`
}

// Decimal is a non-negative decimal number kept as written ("3", "1.5",
// "3.306") so that its precision is known and arithmetic is exact.
type Decimal struct {
	text string
}

// ParseDecimal parses a plain decimal number (digits, an optional point
// and fraction, an optional leading minus sign).
func ParseDecimal(s string) (Decimal, bool) {
	s = strings.TrimSpace(s)
	t := strings.TrimPrefix(s, "-")
	if t == "" || strings.HasPrefix(t, ".") || strings.HasSuffix(t, ".") || len(s) > 32 {
		return Decimal{}, false
	}
	dots := 0
	for _, c := range t {
		switch {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return Decimal{}, false
		}
	}
	if dots > 1 {
		return Decimal{}, false
	}
	return Decimal{text: s}, true
}

// DecimalOf returns the decimal for a whole number.
func DecimalOf(n int) Decimal { return Decimal{text: strconv.Itoa(n)} }

// String returns the decimal as written.
func (d Decimal) String() string { return d.text }

// IsZero reports whether d was never set.
func (d Decimal) IsZero() bool { return d.text == "" }

// Places is the number of digits after the decimal point.
func (d Decimal) Places() int {
	if i := strings.IndexByte(d.text, '.'); i >= 0 {
		return len(d.text) - i - 1
	}
	return 0
}

// hundredths returns the value in hundredths, when it has at most two
// decimals and is below 100,000.
func (d Decimal) hundredths() (int64, bool) {
	t := d.text
	if t == "" || t[0] == '-' {
		return 0, false
	}
	whole, frac, _ := strings.Cut(t, ".")
	if len(whole) > 5 || len(frac) > 2 {
		return 0, false
	}
	var v int64
	for _, c := range whole + frac + "00"[:2-len(frac)] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// Plain is the number as FormatNumber shows it ("3", "1.5"), from its
// digits when it has at most four decimals and no sign.
func (d Decimal) Plain() string {
	t := d.text
	whole, frac, _ := strings.Cut(t, ".")
	if t == "" || t[0] == '-' || len(frac) > 4 {
		return FormatNumber(d.Rat())
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if frac = strings.TrimRight(frac, "0"); frac == "" {
		return whole
	}
	return whole + "." + frac
}

// Rat returns the exact value.
func (d Decimal) Rat() *big.Rat {
	r, ok := new(big.Rat).SetString(d.text)
	if !ok {
		return new(big.Rat)
	}
	return r
}

// MarshalJSON writes the decimal as a JSON number.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d.text == "" {
		return []byte("0"), nil
	}
	return []byte(d.text), nil
}

// UnmarshalJSON accepts a JSON number or a string holding a decimal.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return errNotDecimal
		}
		s = u
	}
	v, ok := ParseDecimal(s)
	if !ok {
		return errNotDecimal
	}
	*d = v
	return nil
}

type decimalError struct{}

func (decimalError) Error() string { return "expected a decimal number such as 3 or 1.5" }

var errNotDecimal error = decimalError{}
