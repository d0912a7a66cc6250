package transcript

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func rat(s string) *big.Rat { r, _ := new(big.Rat).SetString(s); return r }

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		v      string
		places int
		want   string
	}{
		{"3.30625", 3, "3.306"}, {"3.30625", 2, "3.30"}, {"3.9999", 3, "3.999"}, {"4", 3, "4.000"},
		{"0.0005", 3, "0.000"}, {"649/190", 3, "3.415"}, {"3.5", 0, "3"},
	} {
		if got := Truncate(rat(tc.v), tc.places); got != tc.want {
			t.Errorf("Truncate(%s, %d) = %s, want %s", tc.v, tc.places, got, tc.want)
		}
	}
}

func TestCompute(t *testing.T) {
	s := HKUST()
	r := Record{Terms: []Term{
		{Term: "2008-09 Fall", Courses: []Course{{Credits: DecimalOf(3), Grade: "A"}, {Credits: DecimalOf(3), Grade: "B"}}},
		{Term: "2022-23 Fall", Courses: []Course{
			{Credits: DecimalOf(3), Grade: "A-"}, {Credits: DecimalOf(4), Grade: "B+"},
			{Credits: DecimalOf(2), Grade: "P"}, {Credits: DecimalOf(3), Grade: "F"}, {Credits: DecimalOf(3), Grade: "W"}}},
	}}
	res := s.Compute(&r)
	// Term 1 is on the 12-point scale: (11*3 + 8*3) / 6 = 9.5.
	if res.Terms[0].Scale != TwelvePoint || FormatAverage(res.Terms[0].TGA) != "9.500" {
		t.Errorf("term 1: %s %s", res.Terms[0].Scale, FormatAverage(res.Terms[0].TGA))
	}
	// Term 2: (3.7*3 + 3.3*4 + 0*3) / 10 = 2.43; P and W left out.
	if FormatAverage(res.Terms[1].TGA) != "2.430" || FormatNumber(res.Terms[1].Credits) != "9" {
		t.Errorf("term 2: TGA %s credits %s", FormatAverage(res.Terms[1].TGA), FormatNumber(res.Terms[1].Credits))
	}
	// CGA over both scales uses the 4-point value of each letter:
	// (4.0*3 + 3.0*3 + 3.7*3 + 3.3*4 + 0*3) / 16 = 45.3/16 = 2.83125.
	if res.CGAScale != FourPoint || FormatAverage(res.CGA) != "2.831" {
		t.Errorf("CGA %s %s", res.CGAScale, FormatAverage(res.CGA))
	}
	if FormatNumber(res.CreditsEarned) != "15" || FormatNumber(res.CreditsInAverage) != "16" {
		t.Errorf("credits earned %s in average %s", FormatNumber(res.CreditsEarned), FormatNumber(res.CreditsInAverage))
	}
}

func good() map[string]any {
	return map[string]any{
		"studentId": "20481234", "name": "CHAN Tai Man", "nameLocal": "陳大文", "email": "tmchan@connect.example.edu",
		"program": map[string]any{"code": "BSC-COSC", "name": "BSc in Computer Science", "level": "undergraduate"},
		"terms": []any{map[string]any{"term": "2022-23 Fall", "courses": []any{
			map[string]any{"code": "COMP1021", "title": "Intro", "credits": 3, "grade": "A-"},
			map[string]any{"code": "MATH1013", "title": "Calculus", "credits": 3, "grade": "B+"},
		}}},
	}
}

func course(r map[string]any, i int) map[string]any {
	return r["terms"].([]any)[0].(map[string]any)["courses"].([]any)[i].(map[string]any)
}

func batchJSON(records ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"batch": "test-batch", "records": records})
	return string(b)
}

// TestValidation: each case is one mutation of a known-good record, and
// must give one problem naming the record, the student and the field.
func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r map[string]any)
		field  string
		says   string
	}{
		{"fail/grade", func(r map[string]any) { course(r, 0)["grade"] = "Z" }, "terms[0].courses[0].grade", `unknown grade "Z"`},
		{"fail/credits-negative", func(r map[string]any) { course(r, 1)["credits"] = -3 }, "terms[0].courses[1].credits", "from 0 to 30"},
		{"fail/credits-too-many", func(r map[string]any) { course(r, 1)["credits"] = 31 }, "terms[0].courses[1].credits", "from 0 to 30"},
		{"fail/credits-type", func(r map[string]any) { course(r, 1)["credits"] = "three" }, "terms[0].courses[1].credits", "decimal number"},
		{"fail/email", func(r map[string]any) { r["email"] = "tmchan at example" }, "email", "expected an email address"},
		{"fail/email-display-name", func(r map[string]any) { r["email"] = "Tai Man <tm@example.edu>" }, "email", "expected an email address"},
		{"fail/stated-cga", func(r map[string]any) { r["stated"] = map[string]any{"cga": 3.6} }, "stated.cga", "differs from the computed CGA"},
		{"fail/name-missing", func(r map[string]any) { delete(r, "name") }, "name", "required"},
		{"fail/level", func(r map[string]any) { r["program"].(map[string]any)["level"] = "phd" }, "program.level", "expected one of"},
		{"fail/term", func(r map[string]any) { r["terms"].([]any)[0].(map[string]any)["term"] = "Fall 2022" }, "terms[0].term", "expected a term like"},
		{"fail/unknown-field", func(r map[string]any) { r["gpa"] = 4 }, "gpa", "unknown field"},
		{"fail/conferred", func(r map[string]any) { r["award"] = map[string]any{"degree": "BSc", "conferred": "15/11/2026"} }, "award.conferred", "YYYY-MM-DD"},
	}
	s := HKUST()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.mutate(r)
			_, err := s.ReadJSON("batch.json", strings.NewReader(batchJSON(good2(), r)), 0)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("err = %v, want *InvalidError", err)
			}
			if len(inv.Problems) != 1 {
				t.Fatalf("%d problems, want 1: %v", len(inv.Problems), err)
			}
			p := inv.Problems[0]
			if p.File != "batch.json" || p.Record != 2 || p.StudentID != "20481234" || p.Field != tc.field || !strings.Contains(p.Message, tc.says) {
				t.Errorf("problem %+v; want record 2, student 20481234, field %q, saying %q", p, tc.field, tc.says)
			}
		})
	}
	t.Run("ok/stated-cga", func(t *testing.T) {
		// (3.7*3 + 3.3*3)/6 = 3.5: stated 3.5, 3.50 and 3.500 all match.
		for _, st := range []any{3.5, "3.50", "3.500"} {
			r := good()
			r["stated"] = map[string]any{"cga": st}
			if _, err := s.ReadJSON("b.json", strings.NewReader(batchJSON(r)), 0); err != nil {
				t.Errorf("stated %v: %v", st, err)
			}
		}
	})
}

// TestStatedRule is the design's example: 3.306 matches 3.30625, 3.31
// does not.
func TestStatedRule(t *testing.T) {
	s := HKUST()
	// One course of 16 credits at A (4.0) and one of 16 at C+ (2.3) plus ...:
	// build 3.30625 = 52.9/16: A- (3.7) x 9 credits + C (2.0)... use exact
	// credits: 3.7*a + 2.3*b = 3.30625*(a+b) with a=11.75? Simpler: use
	// 0.25-credit steps: A- 3.7*x + B 3.0*y over x+y with x=7.25,y=?;
	// 3.30625 = (3.7*7 + 3.0*9)/16 = (25.9+27)/16 = 52.9/16. Exact.
	mk := func(stated string) map[string]any {
		r := good()
		r["terms"] = []any{map[string]any{"term": "2022-23 Fall", "courses": []any{
			map[string]any{"code": "A1", "title": "A", "credits": 7, "grade": "A-"},
			map[string]any{"code": "B1", "title": "B", "credits": 9, "grade": "B"},
		}}}
		r["stated"] = map[string]any{"cga": json.Number(stated)}
		return r
	}
	if _, err := s.ReadJSON("b.json", strings.NewReader(batchJSON(mk("3.306"))), 0); err != nil {
		t.Errorf("3.306 should match 3.30625: %v", err)
	}
	if _, err := s.ReadJSON("b.json", strings.NewReader(batchJSON(mk("3.31"))), 0); err == nil {
		t.Errorf("3.31 should not match 3.30625")
	}
}

func good2() map[string]any {
	r := good()
	r["studentId"] = "20480000"
	r["email"] = "other@connect.example.edu"
	return r
}

func TestEveryProblemAtOnce(t *testing.T) {
	a, b, c := good(), good2(), good()
	course(a, 0)["grade"] = "Z"
	b["email"] = "nope"
	// c duplicates a's student id.
	_, err := HKUST().ReadJSON("b.json", strings.NewReader(batchJSON(a, b, c)), 0)
	var inv *InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if !strings.Contains(inv.Problems[2].Message, "duplicate student id: also record 1") || inv.Problems[2].Record != 3 {
		t.Errorf("duplicate: %+v", inv.Problems[2])
	}
}

func TestMalformedJSON(t *testing.T) {
	for name, in := range map[string]string{
		"fail/syntax":      "{\n\"batch\": \"x\",\n \"records\": [,]}",
		"fail/truncated":   `{"batch": "x", "records": [{"studentId": "1"`,
		"fail/not-object":  `[1,2,3]`,
		"fail/record-type": `{"batch":"x","records":[{"studentId": 20481234}]}`,
	} {
		_, err := HKUST().ReadJSON("b.json", strings.NewReader(in), 0)
		var inv *InvalidError
		if !errors.As(err, &inv) || !strings.Contains(err.Error(), "b.json") {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := HKUST().ReadJSON("b.json", strings.NewReader("{\n\"batch\": \"x\",\n \"records\": [,]}"), 0)
	if !strings.Contains(err.Error(), "line 3") {
		t.Errorf("syntax error without its line: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	big := `{"batch":"x","records":[` + strings.Repeat(" ", 2<<20) + `]}`
	_, err := HKUST().ReadJSON("b.json", strings.NewReader(big), 1<<20)
	if err == nil || !strings.Contains(err.Error(), "larger than") || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if _, err := HKUST().ReadJSON("b.json", strings.NewReader(`{"batch":"x","records":[]}`), 1<<20); errors.Is(err, ErrTooLarge) {
		t.Fatalf("an invalid batch of the right size reads as too large: %v", err)
	}
}

const csvHeader = "studentId,name,nameLocal,email,programCode,programName,level,term,courseCode,courseTitle,credits,grade,statedCga\n"

func TestCSV(t *testing.T) {
	in := csvHeader +
		"20481234,CHAN Tai Man,陳大文,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,A-,3.5\n" +
		"20480000,LEE Ka Yan,李嘉欣,ky@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,B,\n" +
		"20481234,CHAN Tai Man,陳大文,tm@example.edu,BSC,BSc,undergraduate,2022-23 Spring,\"MATH1013\",\"Calculus, IB\",3,B+,3.5\n"
	b, err := HKUST().ReadCSV("b.csv", "b", strings.NewReader("\xef\xbb\xbf"+in), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Records) != 2 || b.Records[0].StudentID != "20481234" || len(b.Records[0].Terms) != 2 ||
		b.Records[0].Terms[1].Courses[0].Title != "Calculus, IB" || b.Records[0].NameLocal != "陳大文" {
		t.Fatalf("grouping: %+v", b.Records)
	}
	bad := csvHeader +
		"20481234,CHAN Tai Man,,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,Q,\n" +
		"20481234,CHAN Tai Mun,,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1022,Intro,x,A,\n"
	_, err = HKUST().ReadCSV("b.csv", "b", strings.NewReader(bad), 0)
	var inv *InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 3 {
		t.Fatalf("want 3 problems (name differs, credits, grade), got %v", err)
	}
	for _, p := range inv.Problems {
		if p.Line == 0 || p.File != "b.csv" {
			t.Errorf("problem without file and line: %+v", p)
		}
	}
	if _, err := HKUST().ReadCSV("b.csv", "b", strings.NewReader("studentId,name\n1,x\n"), 0); err == nil || !strings.Contains(err.Error(), "required column missing") {
		t.Errorf("missing columns: %v", err)
	}
	if _, err := HKUST().ReadCSV("b.csv", "b", strings.NewReader(csvHeader+"\"unterminated,x\n"), 0); err == nil || !strings.Contains(err.Error(), "malformed CSV") {
		t.Errorf("malformed: %v", err)
	}
}

func TestSampleBatch(t *testing.T) {
	b, err := HKUST().ReadFile("../cli/sample/sample-batch.json", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Records) != 3 {
		t.Fatalf("%d records", len(b.Records))
	}
}

func TestLoadScheme(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/s.json"
	os.WriteFile(p, []byte(`{"name":"Pass/Fail","maxCredits":10,"grades":[{"grade":"PASS","points":1,"earns":true},{"grade":"FAIL","points":0}]}`), 0o644)
	s, err := LoadScheme(p)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := s.Lookup("PASS"); !ok || !g.Counts() {
		t.Error("PASS not loaded")
	}
	os.WriteFile(p, []byte(`{"name":"x","maxCredits":10,"grades":[{"grade":"A"},{"grade":"A"}]}`), 0o644)
	if _, err := LoadScheme(p); err == nil {
		t.Error("duplicate grade accepted")
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add(batchJSON(good()))
	f.Add(`{"batch":"x","records":[{}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		b, err := HKUST().ReadJSON("f.json", strings.NewReader(in), 1<<20)
		if err == nil && len(b.Records) == 0 {
			t.Fatal("an empty batch was accepted")
		}
		var inv *InvalidError
		if err != nil && !errors.As(err, &inv) {
			t.Fatalf("error of another kind: %v", err)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add(csvHeader + "20481234,CHAN,,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,A-,\n")
	f.Add("a,b\n\"x")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := HKUST().ReadCSV("f.csv", "f", strings.NewReader(in), 1<<20)
		if err == nil && len(b.Records) == 0 {
			t.Fatal("an empty batch was accepted")
		}
		var inv *InvalidError
		if err != nil && !errors.As(err, &inv) {
			t.Fatalf("error of another kind: %v", err)
		}
	})
}

// TestComputeFixed: the integer computation gives the rational one's
// results, on random records of both scales.
func TestComputeFixed(t *testing.T) {
	s := HKUST()
	rng := rand.New(rand.NewPCG(1, 2))
	credits := []string{"0", "1", "3", "4", "1.5", "0.25", "2.75", "99999.99"}
	terms := []string{"2007-08 Fall", "2009-10 Spring", "2022-23 Fall", "2023-24 Summer"}
	for n := 0; n < 500; n++ {
		var r Record
		for ti := 0; ti < 1+rng.IntN(4); ti++ {
			tm := Term{Term: terms[rng.IntN(len(terms))]}
			for ci := 0; ci < rng.IntN(8); ci++ {
				d, _ := ParseDecimal(credits[rng.IntN(len(credits))])
				tm.Courses = append(tm.Courses, Course{Credits: d, Grade: s.Grades[rng.IntN(len(s.Grades))].Grade})
			}
			r.Terms = append(r.Terms, tm)
		}
		fixed, ok := s.computeFixed(&r)
		if !ok {
			t.Fatalf("record %d: declined", n)
		}
		if exact := s.computeExact(&r); !reflect.DeepEqual(results(fixed), results(exact)) {
			t.Fatalf("record %d: %v, exact %v", n, results(fixed), results(exact))
		}
	}
	d, _ := ParseDecimal("123456")
	if _, ok := s.computeFixed(&Record{Terms: []Term{{Term: "2022-23 Fall", Courses: []Course{{Credits: d, Grade: "A"}}}}}); ok {
		t.Error("credits of six digits: not declined")
	}
}

// results shows a Result's figures exactly, as strings.
func results(r Result) []string {
	str := func(v *big.Rat) string {
		if v == nil {
			return "nil"
		}
		return v.RatString()
	}
	out := []string{str(r.CGA), string(r.CGAScale), str(r.CreditsEarned), str(r.CreditsInAverage)}
	for _, t := range r.Terms {
		out = append(out, string(t.Scale), str(t.TGA), str(t.Credits))
		for _, p := range t.Points {
			out = append(out, str(p))
		}
	}
	return out
}

func TestPlain(t *testing.T) {
	for _, s := range []string{"0", "3", "03", "3.0", "3.50", "0.25", "0.00", "100", "1.2345", "1.23456", "-2.5", "-0", "007.100"} {
		d, ok := ParseDecimal(s)
		if !ok {
			t.Fatalf("%s", s)
		}
		if got, want := d.Plain(), FormatNumber(d.Rat()); got != want {
			t.Errorf("%s: %s, FormatNumber %s", s, got, want)
		}
	}
}

// TestCreditsOK compares the check in hundredths with the exact one on
// random credits and limits.
func TestCreditsOK(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	texts := []string{"0", "0.5", "3", "3.25", "4.00", "99999.99", "100000", "1e1", "-1", "-0", "6.55", "6.56", "0.01"}
	for range 2000 {
		texts = append(texts, strconv.Itoa(r.IntN(20))+"."+strconv.Itoa(r.IntN(100)))
	}
	for _, max := range []float64{0, 1, 4, 6, 6.5, 6.55, 10, 12.345, 1e6} {
		s := &Scheme{MaxCredits: max}
		lim := s.creditLimit()
		for _, txt := range texts {
			d := Decimal{text: txt}
			v := d.Rat()
			want := d.Places() <= 2 && v.Sign() >= 0 && v.Cmp(ratOf(max)) <= 0
			if got := creditsOK(d, lim); got != want {
				t.Fatalf("credits %s, max %v: %v, want %v", txt, max, got, want)
			}
		}
	}
}

// TestCSVOptionalColumns: each optional student-level column, given on
// any one of a student's three rows, reaches the record; given twice alike
// it is one value; given twice differently it is an error naming both
// lines.
func TestCSVOptionalColumns(t *testing.T) {
	values := map[string]string{"admitted": "2022-09-01", "degree": "Bachelor of Science", "major": "Computer Science",
		"classification": "First Class Honours", "conferred": "2026-11-15", "statedCga": "3.300"}
	got := map[string]func(r Record) string{
		"admitted": func(r Record) string { return r.Program.Admitted },
		"degree": func(r Record) string {
			if r.Award == nil {
				return ""
			}
			return r.Award.Degree
		},
		"major": func(r Record) string {
			if r.Award == nil {
				return ""
			}
			return r.Award.Major
		},
		"classification": func(r Record) string {
			if r.Award == nil {
				return ""
			}
			return r.Award.Classification
		},
		"conferred": func(r Record) string {
			if r.Award == nil {
				return ""
			}
			return r.Award.Conferred
		},
		"statedCga": func(r Record) string {
			if r.Stated == nil || r.Stated.CGA == nil {
				return ""
			}
			return r.Stated.CGA.String()
		},
	}
	courses := []string{"COMP1021,Intro,3,B+", "MATH1013,Calculus,3,B+", "LANG1002,English,3,B+"}
	// A degree is needed with any award field: the other award columns
	// come with one, on the first row.
	row := func(i int, opt map[string]string) string {
		var vals []string
		for _, c := range CSVOptional {
			vals = append(vals, opt[c])
		}
		return "20481234,CHAN Tai Man,,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall," + courses[i] + "," + strings.Join(vals, ",") + "\n"
	}
	header := strings.TrimSuffix(csvHeader, "statedCga\n") + strings.Join(CSVOptional, ",") + "\n"
	for _, col := range CSVOptional {
		for pos := range 3 {
			t.Run(fmt.Sprintf("ok/%s/row%d", col, pos+1), func(t *testing.T) {
				in := header
				for i := range 3 {
					opt := map[string]string{}
					if i == 0 && col != "degree" && col != "admitted" && col != "statedCga" {
						opt["degree"] = values["degree"]
					}
					if i == pos {
						opt[col] = values[col]
					}
					if i == 2 && pos != 2 {
						opt[col] = values[col] // the same value again: one value
					}
					in += row(i, opt)
				}
				b, err := HKUST().ReadCSV("b.csv", "b", strings.NewReader(in), 0)
				if err != nil {
					t.Fatal(err)
				}
				if g := got[col](b.Records[0]); g != values[col] {
					t.Fatalf("%s = %q, want %q", col, g, values[col])
				}
			})
		}
		t.Run("fail/"+col+"/differs", func(t *testing.T) {
			in := header + row(0, map[string]string{"degree": values["degree"], col: values[col]}) +
				row(1, map[string]string{}) + row(2, map[string]string{col: "1999-01-01x"})
			_, err := HKUST().ReadCSV("b.csv", "b", strings.NewReader(in), 0)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("accepted: %v", err)
			}
			found := false
			for _, p := range inv.Problems {
				if p.Field == col && p.Line == 4 && strings.Contains(p.Message, "line 2") {
					found = true
				}
			}
			if !found {
				t.Fatalf("no problem naming %s on lines 2 and 4: %v", col, err)
			}
		})
	}
}

// TestTypeErrors: values of the wrong type are each named by record and
// field, every one at once, with the other records' problems; a batch
// whose every record is wrong does not also say it has none.
func TestTypeErrors(t *testing.T) {
	course := func(credits string) string {
		return `{"code": "COMP1021", "title": "Intro", "credits": ` + credits + `, "grade": "A"}`
	}
	rec := func(id, credits, stated string) string {
		return `{"studentId": "` + id + `", "name": "CHAN Tai Man", "email": "a` + id + `@example.edu",
		  "program": {"code": "BSC", "name": "BSc", "level": "undergraduate"},
		  "terms": [{"term": "2022-23 Fall", "courses": [` + course("3") + `, ` + course(credits) + `]}]` + stated + `}`
	}
	in := `{"batch": "b", "records": [` + strings.Join([]string{
		rec("1", "null", ""), rec("2", "true", ""), rec("3", `"three"`, ""), rec("4", "1e308", ""),
		rec("5", "3", `, "stated": {"cga": "abc"}`), rec("6", "3", ""),
	}, ",") + `, {"studentId": "7", "name": "X", "email": "bad", "program": {"code": "BSC", "name": "BSc", "level": "undergraduate"}, "terms": []}]}`
	_, err := HKUST().ReadJSON("b.json", strings.NewReader("\xef\xbb\xbf"+in), 0)
	var inv *InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("accepted: %v", err)
	}
	want := map[string]string{
		"1 terms[0].courses[1].credits": "got null", "2 terms[0].courses[1].credits": "got true",
		"3 terms[0].courses[1].credits": `got the string "three"`, "4 terms[0].courses[1].credits": "got the number 1e308",
		"5 stated.cga": `got the string "abc"`, "7 email": "", "7 terms": "at least one term",
	}
	for _, p := range inv.Problems {
		key := fmt.Sprintf("%d %s", p.Record, p.Field)
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected problem %s", p)
			continue
		}
		if !strings.Contains(p.Message, w) {
			t.Errorf("%s: %q, want %q in it", key, p.Message, w)
		}
		delete(want, key)
	}
	for k := range want {
		t.Errorf("no problem for record and field %s", k)
	}
	// Every record wrong: no "expected at least one record".
	_, err = HKUST().ReadJSON("b.json", strings.NewReader(`{"batch": "b", "records": [`+rec("1", "null", "")+`]}`), 0)
	if err == nil || strings.Contains(err.Error(), "at least one record") {
		t.Errorf("every record wrong: %v", err)
	}
}

// TestBatchID: --batch names a batch whose file name is not an id.
func TestBatchID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export (1).csv")
	os.WriteFile(path, []byte(csvHeader+"20481234,CHAN Tai Man,,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,A-,\n"), 0o644)
	if _, err := HKUST().ReadFile(path, "", 0); err == nil || !strings.Contains(err.Error(), "--batch ID") {
		t.Errorf("no batch id: %v", err)
	}
	b, err := HKUST().ReadFile(path, "export-1", 0)
	if err != nil || b.ID != "export-1" {
		t.Fatalf("--batch: %v", err)
	}
	json := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(json, []byte(`{"batch": "first", "records": [{"studentId": "1", "name": "A", "email": "a@example.edu", "program": {"code": "B", "name": "B", "level": "undergraduate"}, "terms": [{"term": "2022-23 Fall", "courses": [{"code": "C1", "title": "T", "credits": 3, "grade": "A"}]}]}]}`), 0o644)
	if b, err := HKUST().ReadFile(json, "second", 0); err != nil || b.ID != "second" {
		t.Fatalf("--batch on JSON: %v", err)
	}
}
