package transcript

import (
	"math/big"
	"strconv"
	"strings"
)

// Scale names the grade-point scale an average is on.
type Scale string

const (
	FourPoint   Scale = "4-point"
	TwelvePoint Scale = "12-point"
)

// AveragePlaces is the number of decimals a transcript shows for averages.
const AveragePlaces = 3

// Result is what the registry computes from a record: grade points per
// course, TGA per term, CGA, credits.
type Result struct {
	Terms []TermResult
	// CGA is the credit-weighted average over all terms; nil when no course
	// counts in averages.
	CGA *big.Rat
	// CGAScale is FourPoint unless every term is on the 12-point scale.
	CGAScale Scale
	// CreditsEarned counts the credits of courses whose grade earns credit.
	CreditsEarned *big.Rat
	// CreditsInAverage counts the credits of courses whose grade counts in
	// averages.
	CreditsInAverage *big.Rat
}

// TermResult is one term's figures.
type TermResult struct {
	Scale   Scale
	Points  []*big.Rat // per course, nil when the grade is not in averages; shared, not to be changed
	TGA     *big.Rat   // nil when no course counts in averages
	Credits *big.Rat   // credits earned in the term
}

// Compute works out the averages of a valid record. Grades must all be in
// the scheme (Validate checks this).
//
// TGA is computed over the courses of one term on that term's scale; CGA
// over all terms, credit-weighted. Terms before the scheme's first 4-point
// term are on the 12-point scale; a CGA over terms of both scales uses the
// 4-point value of each letter (the transcript key's letter-for-letter
// conversion table).
func (s *Scheme) Compute(r *Record) Result {
	if res, ok := s.computeFixed(r); ok {
		return res
	}
	return s.computeExact(r)
}

// computeFixed is Compute in integers: credits in hundredths (a valid
// record has at most two decimals) and grade points in millionths (the
// scheme's points have at most six, LoadScheme checks), so that every sum
// is exact and only the averages are fractions. It declines (ok false) a
// record with credits it cannot hold that way; TestComputeFixed compares
// it with computeExact.
func (s *Scheme) computeFixed(r *Record) (res Result, ok bool) {
	twelve := make([]bool, len(r.Terms))
	res.CGAScale = TwelvePoint
	for i, t := range r.Terms {
		if twelve[i] = s.twelvePoint(t.Term); !twelve[i] {
			res.CGAScale = FourPoint
		}
	}
	cgaScale := 0
	if res.CGAScale == TwelvePoint {
		cgaScale = 1
	}
	var earned, cgaSum, cgaCred int64
	res.Terms = make([]TermResult, len(r.Terms))
	for ti, t := range r.Terms {
		tr := TermResult{Scale: FourPoint, Points: make([]*big.Rat, len(t.Courses))}
		scale := 0
		if twelve[ti] {
			tr.Scale, scale = TwelvePoint, 1
		}
		var termEarned, sum, cred int64
		for i, c := range t.Courses {
			cr, ok := c.Credits.hundredths()
			if !ok {
				return Result{}, false
			}
			g, _ := s.Lookup(c.Grade)
			if g.Earns {
				termEarned += cr
			}
			if !g.Counts() {
				continue
			}
			pts := s.points[c.Grade]
			tr.Points[i] = pts[scale]
			sum += s.micro[c.Grade][scale] * cr
			cred += cr
			cgaSum += s.micro[c.Grade][cgaScale] * cr
			cgaCred += cr
			if cgaSum > 1<<62 || sum > 1<<62 {
				return Result{}, false // each course adds under 2^50: no overflow yet
			}
		}
		if cred > 0 {
			tr.TGA = new(big.Rat).SetFrac(big.NewInt(sum), new(big.Int).Mul(big.NewInt(cred), big.NewInt(1e6)))
		}
		tr.Credits = big.NewRat(termEarned, 100)
		earned += termEarned
		res.Terms[ti] = tr
	}
	res.CreditsEarned, res.CreditsInAverage = big.NewRat(earned, 100), big.NewRat(cgaCred, 100)
	if cgaCred > 0 {
		res.CGA = new(big.Rat).SetFrac(big.NewInt(cgaSum), new(big.Int).Mul(big.NewInt(cgaCred), big.NewInt(1e6)))
	}
	return res, true
}

// computeExact is Compute in rationals, for any record.
func (s *Scheme) computeExact(r *Record) Result {
	res := Result{CreditsEarned: new(big.Rat), CreditsInAverage: new(big.Rat), CGAScale: TwelvePoint}
	twelve := make([]bool, len(r.Terms))
	for i, t := range r.Terms {
		if twelve[i] = s.twelvePoint(t.Term); !twelve[i] {
			res.CGAScale = FourPoint
		}
	}
	cgaSum, cgaCred, prod := new(big.Rat), new(big.Rat), new(big.Rat)
	for ti, t := range r.Terms {
		tr := TermResult{Scale: FourPoint, Credits: new(big.Rat), Points: make([]*big.Rat, len(t.Courses))}
		if twelve[ti] {
			tr.Scale = TwelvePoint
		}
		sum, cred := new(big.Rat), new(big.Rat)
		for i, c := range t.Courses {
			g, _ := s.Lookup(c.Grade)
			cr := c.Credits.Rat()
			if g.Earns {
				tr.Credits.Add(tr.Credits, cr)
			}
			if !g.Counts() {
				continue
			}
			pts := s.points[c.Grade]
			p := pts[0]
			if tr.Scale == TwelvePoint {
				p = pts[1]
			}
			tr.Points[i] = p
			sum.Add(sum, prod.Mul(p, cr))
			cred.Add(cred, cr)

			cp := pts[0]
			if res.CGAScale == TwelvePoint {
				cp = pts[1]
			}
			cgaSum.Add(cgaSum, prod.Mul(cp, cr))
			cgaCred.Add(cgaCred, cr)
		}
		if cred.Sign() > 0 {
			tr.TGA = new(big.Rat).Quo(sum, cred)
		}
		res.CreditsEarned.Add(res.CreditsEarned, tr.Credits)
		res.Terms = append(res.Terms, tr)
	}
	res.CreditsInAverage = cgaCred
	if cgaCred.Sign() > 0 {
		res.CGA = new(big.Rat).Quo(cgaSum, cgaCred)
	}
	return res
}

func ratOf(f float64) *big.Rat {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'f', -1, 64))
	return r
}

// Truncate formats a non-negative value with exactly places decimals,
// dropping further digits. Averages are shown this way, and a stated
// average is compared this way: 3.30625 shows as 3.306 (to three places)
// and as 3.30 (to two), so a stated 3.306 matches it and a stated 3.31 does
// not (docs/grading.md).
func Truncate(v *big.Rat, places int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	n := new(big.Int).Mul(v.Num(), scale)
	n.Quo(n, v.Denom()) // truncates toward zero
	s := n.String()
	if places == 0 {
		return s
	}
	for len(s) <= places {
		s = "0" + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}

// FormatAverage shows an average as the transcript does ("3.524"), or ""
// when there is none.
func FormatAverage(v *big.Rat) string {
	if v == nil {
		return ""
	}
	return Truncate(v, AveragePlaces)
}

// FormatPoints shows grade points as FormatNumber wrote them with at least
// one decimal, so that a column of them reads alike ("4.0" beside "3.7").
func FormatPoints(s string) string {
	if s == "" || strings.Contains(s, ".") {
		return s
	}
	return s + ".0"
}

// FormatNumber shows credits or grade points without trailing zeros
// ("3", "1.5", "4.3").
func FormatNumber(v *big.Rat) string {
	if v == nil {
		return ""
	}
	s := v.FloatString(4)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
