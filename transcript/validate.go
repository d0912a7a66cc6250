package transcript

import (
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Problem is one thing wrong with a batch, located as precisely as the input
// allows.
type Problem struct {
	File      string `json:"file,omitempty"`
	Record    int    `json:"record,omitempty"` // 1-based; 0 for the batch itself
	Line      int    `json:"line,omitempty"`   // CSV line, when known
	StudentID string `json:"studentId,omitempty"`
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Record > 0 {
		fmt.Fprintf(&b, "record %d", p.Record)
		if p.StudentID != "" {
			fmt.Fprintf(&b, " (student %s)", p.StudentID)
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// InvalidError lists every problem found in a batch. Nothing of a batch
// with problems may be issued.
type InvalidError struct {
	Problems []Problem
	tooLarge bool
}

// ErrTooLarge is matched (errors.Is) by the InvalidError of a batch over
// the size cap.
var ErrTooLarge = errors.New("batch larger than the size cap")

// Is reports whether the batch was refused for its size.
func (e *InvalidError) Is(target error) bool { return target == ErrTooLarge && e.tooLarge }

func (e *InvalidError) Error() string {
	const show = 20
	var b strings.Builder
	fmt.Fprintf(&b, "invalid batch: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Problems)-show)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// MaxProblems bounds how many problems one batch reports.
const MaxProblems = 1000

type problems struct {
	file string
	list []Problem
}

func (ps *problems) add(p Problem) {
	if len(ps.list) >= MaxProblems {
		return
	}
	if p.File == "" {
		p.File = ps.file
	}
	ps.list = append(ps.list, p)
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &InvalidError{Problems: ps.list}
}

var (
	batchIDRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	studentIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,31}$`)
)

// Levels are the programme levels a record may name.
var Levels = []string{"undergraduate", "postgraduate"}

// Validate checks a batch against a grading scheme and returns an
// *InvalidError listing every problem, or nil.
func (s *Scheme) Validate(file string, b *Batch) error {
	ps := &problems{file: file}
	s.validate(ps, b, nil)
	return ps.err()
}

// validate adds b's problems to ps. lines, when not nil, gives the input
// line of each record (for CSV).
func (s *Scheme) validate(ps *problems, b *Batch, lines []int) {
	if !batchIDRE.MatchString(b.ID) {
		ps.add(Problem{Field: "batch", Message: fmt.Sprintf("expected a batch id of letters, digits, '.', '_' or '-' (at most 64), got %q", clip(b.ID))})
	}
	if len(b.Records) == 0 {
		ps.add(Problem{Field: "records", Message: "expected at least one record"})
	}
	s.validateRecords(ps, b, lines, make(map[string]int, len(b.Records)), 0)
}

// validateRecords validates b's records, which are the batch's from record
// base+1 on; seen holds the student ids of the records before (a streamed
// batch validates a record at a time).
func (s *Scheme) validateRecords(ps *problems, b *Batch, lines []int, seen map[string]int, base int) {
	lim := s.creditLimit()
	for i := range b.Records {
		r := &b.Records[i]
		line := 0
		if lines != nil {
			line = lines[i]
		}
		n := base + i + 1
		at := func(field, msg string, args ...any) {
			ps.add(Problem{Record: n, Line: line, StudentID: r.StudentID, Field: field, Message: fmt.Sprintf(msg, args...)})
		}
		if !studentIDRE.MatchString(r.StudentID) {
			at("studentId", "expected letters, digits or '-' (at most 32), got %q", clip(r.StudentID))
		} else if first, dup := seen[r.StudentID]; dup {
			at("studentId", "duplicate student id: also record %d", first)
		} else {
			seen[r.StudentID] = n
		}
		text(at, "name", r.Name, true, 200)
		text(at, "nameLocal", r.NameLocal, false, 200)
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || a.Name != "" {
			at("email", "expected an email address such as name@example.edu, got %q", clip(r.Email))
		}
		text(at, "program.code", r.Program.Code, true, 32)
		text(at, "program.name", r.Program.Name, true, 200)
		if !contains(Levels, r.Program.Level) {
			at("program.level", "expected one of %s, got %q", strings.Join(Levels, ", "), clip(r.Program.Level))
		}
		date(at, "program.admitted", r.Program.Admitted)
		if len(r.Terms) == 0 {
			at("terms", "expected at least one term")
		}
		terms := map[string]bool{}
		for ti, t := range r.Terms {
			tf := fmt.Sprintf("terms[%d]", ti)
			if s.FourPointFrom != "" {
				if _, ok := parseTerm(t.Term); !ok {
					at(tf+".term", "expected a term like \"2022-23 Fall\" (years YYYY-YY, then Fall, Winter, Spring or Summer), got %q", clip(t.Term))
				}
			} else {
				text(at, tf+".term", t.Term, true, 64)
			}
			if terms[t.Term] {
				at(tf+".term", "term %q appears twice", clip(t.Term))
			}
			terms[t.Term] = true
			if len(t.Courses) == 0 {
				at(tf+".courses", "expected at least one course")
			}
			for ci := range t.Courses {
				c := &t.Courses[ci]
				// The field's name is made only for a problem.
				field := func(f string) string { return fmt.Sprintf("%s.courses[%d].%s", tf, ci, f) }
				if msg, args := textProblem(c.Code, true, 32); msg != "" {
					at(field("code"), msg, args...)
				}
				if msg, args := textProblem(c.Title, true, 200); msg != "" {
					at(field("title"), msg, args...)
				}
				if msg, args := creditsProblem(c.Credits, lim); msg != "" {
					at(field("credits"), msg, args...)
				}
				if _, ok := s.Lookup(c.Grade); !ok {
					at(field("grade"), "unknown grade %q; expected one of %s", clip(c.Grade), strings.Join(s.Names(), " "))
				}
			}
		}
		if r.Award != nil {
			text(at, "award.degree", r.Award.Degree, true, 200)
			text(at, "award.major", r.Award.Major, false, 200)
			text(at, "award.classification", r.Award.Classification, false, 200)
			date(at, "award.conferred", r.Award.Conferred)
		}
		if r.Stated != nil && r.Stated.CGA != nil {
			s.checkStated(at, r, lim)
		}
	}
}

// checkStated compares a stated CGA with ours, truncated to the stated
// number of decimals; only when the record is otherwise computable.
func (s *Scheme) checkStated(at func(string, string, ...any), r *Record, lim creditLimit) {
	for _, t := range r.Terms {
		for _, c := range t.Courses {
			if _, ok := s.Lookup(c.Grade); !ok || !creditsOK(c.Credits, lim) {
				return // already reported; the average is not defined
			}
		}
	}
	st := *r.Stated.CGA
	got := s.Compute(r).CGA
	if got == nil {
		at("stated.cga", "stated CGA %s, but no course counts in the average", st)
		return
	}
	want := Truncate(got, st.Places())
	if st.Rat().Cmp(mustRat(want)) != 0 {
		at("stated.cga", "stated CGA %s differs from the computed CGA %s (%s to %d decimals)",
			st, Truncate(got, 5), want, st.Places())
	}
}

func mustRat(s string) *big.Rat {
	r, _ := new(big.Rat).SetString(s)
	return r
}

// creditLimit is the scheme's maximum credits for a course, exactly and
// as floor(100 max) when that fits (hundredths).
type creditLimit struct {
	max        *big.Rat
	hundredths int64
	ok         bool
}

func (s *Scheme) creditLimit() creditLimit {
	l := creditLimit{max: ratOf(s.MaxCredits)}
	r := new(big.Rat).Mul(l.max, big.NewRat(100, 1))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	l.hundredths, l.ok = q.Int64(), r.Sign() >= 0 && q.IsInt64()
	return l
}

func creditsOK(d Decimal, lim creditLimit) bool {
	if d.IsZero() || d.Places() > 2 {
		return false
	}
	// In hundredths when the number allows: h/100 <= max exactly when h
	// <= floor(100 max), h being whole.
	if h, ok := d.hundredths(); ok && lim.ok {
		return h <= lim.hundredths
	}
	v := d.Rat()
	return v.Sign() >= 0 && v.Cmp(lim.max) <= 0
}

// creditsProblem is what is wrong with a course's credits, if anything:
// a message and its arguments.
func creditsProblem(d Decimal, lim creditLimit) (string, []any) {
	switch {
	case d.IsZero():
		return "expected a number of credits", nil
	case !creditsOK(d, lim):
		return "expected credits from 0 to %s with at most 2 decimals, got %s", []any{FormatNumber(lim.max), d}
	}
	return "", nil
}

func text(at func(string, string, ...any), field, v string, required bool, max int) {
	if msg, args := textProblem(v, required, max); msg != "" {
		at(field, msg, args...)
	}
}

// textProblem is what is wrong with a text field, if anything: a message
// and its arguments.
func textProblem(v string, required bool, max int) (string, []any) {
	switch {
	case v == "" && required:
		return "required", nil
	case !utf8.ValidString(v):
		return "expected UTF-8 text", nil
	case utf8.RuneCountInString(v) > max:
		return "expected at most %d characters, got %d", []any{max, utf8.RuneCountInString(v)}
	case strings.TrimSpace(v) != v:
		return "has leading or trailing spaces: %q", []any{clip(v)}
	}
	for _, c := range v {
		if unicode.IsControl(c) {
			return "contains a control character (U+%04X)", []any{c}
		}
	}
	return "", nil
}

func date(at func(string, string, ...any), field, v string) {
	if v == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		at(field, "expected a date YYYY-MM-DD, got %q", clip(v))
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) <= 60 {
		return s
	}
	for i := 57; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "..."
		}
	}
	return "..."
}
