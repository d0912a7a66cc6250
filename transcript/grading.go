package transcript

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"strconv"

	"github.com/etranscript/etranscript/internal/jsonstrict"
)

// Grade is one grade of a grading scheme.
type Grade struct {
	// Grade is the letter or code shown on the transcript ("A-", "P", "W").
	Grade string `json:"grade"`
	// Points is the grade point on the 4-point scale; nil for grades left
	// out of averages.
	Points *float64 `json:"points,omitempty"`
	// Points12 is the grade point on the 12-point scale used before the
	// 4-point system; nil for grades left out of averages.
	Points12 *float64 `json:"points12,omitempty"`
	// Earns says whether a course with this grade earns its credits.
	Earns bool `json:"earns"`
	// Meaning is the grade's definition in the transcript key.
	Meaning string `json:"meaning,omitempty"`
}

// Counts reports whether the grade counts in grade averages.
func (g Grade) Counts() bool { return g.Points != nil }

// Scheme is a grading scheme: the grades, their points on each scale, and
// the first term graded on the 4-point scale. It is data: the built-in one
// follows the HKUST transcript key, others are read from JSON files.
type Scheme struct {
	Name string `json:"name"`
	// FourPointFrom is the first term ("YYYY-YY Spring") whose averages use
	// the 4-point scale. Earlier terms use the 12-point scale. Empty means
	// every term uses the 4-point scale.
	FourPointFrom string `json:"fourPointFrom,omitempty"`
	// MaxCredits is the largest credit value accepted for one course.
	MaxCredits float64 `json:"maxCredits"`
	Grades     []Grade `json:"grades"`

	byGrade   map[string]Grade
	points    map[string][2]*big.Rat // 4-point and 12-point values, exact, for Compute
	micro     map[string][2]int64    // the same in millionths
	fourPoint termKey
}

func pt(v float64) *float64 { return &v }

// HKUST is the built-in grading scheme, from the HKUST transcript key
// (the HKUST transcript key): letter grades A+ to F on the 4-point scale (and the
// 12-point scale for terms before 2009-10 Spring, the term the key calls
// "Spring 2010"), and the grades omitted from averages.
//
// The key says both "prior to 2010 Spring" and "with effect from 2010-11
// Spring"; the built-in scheme takes the first. A registry for which the
// other holds sets fourPointFrom in its own scheme file.
func HKUST() *Scheme {
	letter := func(g string, p4, p12 float64, earns bool, meaning string) Grade {
		return Grade{Grade: g, Points: pt(p4), Points12: pt(p12), Earns: earns, Meaning: meaning}
	}
	other := func(g string, earns bool, meaning string) Grade {
		return Grade{Grade: g, Earns: earns, Meaning: meaning}
	}
	s := &Scheme{
		Name:          "HKUST 4-point scale (12-point before 2009-10 Spring)",
		FourPointFrom: "2009-10 Spring",
		MaxCredits:    30,
		Grades: []Grade{
			letter("A+", 4.3, 12, true, "Excellent Performance"),
			letter("A", 4.0, 11, true, "Excellent Performance"),
			letter("A-", 3.7, 10, true, "Excellent Performance"),
			letter("B+", 3.3, 9, true, "Good Performance"),
			letter("B", 3.0, 8, true, "Good Performance"),
			letter("B-", 2.7, 7, true, "Good Performance (undergraduate); Marginal Performance (postgraduate)"),
			letter("C+", 2.3, 6, true, "Satisfactory Performance (undergraduate); Marginal Performance (postgraduate)"),
			letter("C", 2.0, 5, true, "Satisfactory Performance (undergraduate); Marginal Performance (postgraduate)"),
			letter("C-", 1.7, 4, true, "Satisfactory Performance"),
			letter("D", 1.0, 2, true, "Marginal Pass"),
			letter("F", 0, 0, false, "Fail"),
			other("AU", false, "Audited"),
			other("CR", true, "Credit"),
			other("DI", true, "Distinction"),
			other("DN", true, "Distinction"),
			other("HP", true, "High Pass"),
			other("I", false, "Incomplete"),
			other("IP", false, "In Progress"),
			other("LP", true, "Low Pass"),
			other("P", true, "Pass"),
			other("PA", true, "Pass, Graded"),
			other("PP", false, "Permitted to Proceed"),
			other("PS", true, "Pass, Graded"),
			other("T", true, "Transferred"),
			other("U", false, "Unsatisfactory"),
			other("W", false, "Withdrawal without Penalty"),
			other("Y", false, "Incomplete"),
		},
	}
	if err := s.compile(); err != nil {
		panic(err) // the built-in scheme is a constant
	}
	return s
}

// LoadScheme reads a grading scheme from a JSON file.
func LoadScheme(path string) (*Scheme, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("grading scheme: %w", err)
	}
	s := new(Scheme)
	if err := jsonstrict.Check(b, jsonstrict.Limits{MaxDepth: 32}); err != nil {
		return nil, fmt.Errorf("grading scheme %s: %w", path, err)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("grading scheme %s: %w", path, err)
	}
	if err := s.compile(); err != nil {
		return nil, fmt.Errorf("grading scheme %s: %w", path, err)
	}
	return s, nil
}

func (s *Scheme) compile() error {
	if len(s.Grades) == 0 {
		return fmt.Errorf("no grades")
	}
	if s.MaxCredits <= 0 {
		return fmt.Errorf("maxCredits: expected a positive number")
	}
	s.byGrade = make(map[string]Grade, len(s.Grades))
	s.points = make(map[string][2]*big.Rat, len(s.Grades))
	s.micro = make(map[string][2]int64, len(s.Grades))
	for i, g := range s.Grades {
		if g.Grade == "" {
			return fmt.Errorf("grades[%d]: empty grade", i)
		}
		if _, dup := s.byGrade[g.Grade]; dup {
			return fmt.Errorf("grades[%d]: grade %q listed twice", i, g.Grade)
		}
		if (g.Points == nil) != (g.Points12 == nil) && s.FourPointFrom != "" {
			return fmt.Errorf("grades[%d] %q: points and points12 must both be set or both be absent", i, g.Grade)
		}
		s.byGrade[g.Grade] = g
		if g.Points != nil {
			p12 := g.Points
			if g.Points12 != nil {
				p12 = g.Points12
			}
			s.points[g.Grade] = [2]*big.Rat{ratOf(*g.Points), ratOf(*p12)}
			var m [2]int64
			for k, p := range s.points[g.Grade] {
				v := new(big.Rat).Mul(p, big.NewRat(1e6, 1))
				if !v.IsInt() || v.Sign() < 0 || v.Num().Cmp(big.NewInt(100e6)) > 0 {
					return fmt.Errorf("grades[%d] %q: expected points from 0 to 100 with at most 6 decimals", i, g.Grade)
				}
				m[k] = v.Num().Int64()
			}
			s.micro[g.Grade] = m
		}
	}
	if s.FourPointFrom != "" {
		k, ok := parseTerm(s.FourPointFrom)
		if !ok {
			return fmt.Errorf("fourPointFrom %q: expected a term like \"2009-10 Spring\"", s.FourPointFrom)
		}
		s.fourPoint = k
	}
	return nil
}

// Lookup returns the grade named g.
func (s *Scheme) Lookup(g string) (Grade, bool) {
	gr, ok := s.byGrade[g]
	return gr, ok
}

// Names lists the scheme's grades in order, for error messages.
func (s *Scheme) Names() []string {
	out := make([]string, len(s.Grades))
	for i, g := range s.Grades {
		out[i] = g.Grade
	}
	return out
}

// termKey orders terms: academic year start, then season.
type termKey struct{ year, season int }

func (a termKey) less(b termKey) bool {
	if a.year != b.year {
		return a.year < b.year
	}
	return a.season < b.season
}

var termRE = regexp.MustCompile(`^(\d{4})-(\d{2}) (Fall|Winter|Spring|Summer)$`)

var seasons = map[string]int{"Fall": 0, "Winter": 1, "Spring": 2, "Summer": 3}

// parseTerm parses "2022-23 Fall". The two years must be consecutive.
func parseTerm(s string) (termKey, bool) {
	m := termRE.FindStringSubmatch(s)
	if m == nil {
		return termKey{}, false
	}
	y, _ := strconv.Atoi(m[1])
	y2, _ := strconv.Atoi(m[2])
	if (y+1)%100 != y2 {
		return termKey{}, false
	}
	return termKey{y, seasons[m[3]]}, true
}

// scaleOf tells whether a term uses the 12-point scale.
func (s *Scheme) twelvePoint(term string) bool {
	if s.FourPointFrom == "" {
		return false
	}
	k, ok := parseTerm(term)
	return ok && k.less(s.fourPoint)
}
