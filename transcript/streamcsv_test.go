package transcript

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// streamOrReadCSV runs both CSV readers on in: StreamCSV's output and
// error, and ReadCSV's batch written as the inbox copy, and error. It
// fails t unless the records StreamCSV gave its Each are those it wrote.
func streamOrReadCSV(t testing.TB, in string) (streamed []byte, serr error, read []byte, rerr error) {
	var w bytes.Buffer
	each, given := collect()
	_, serr = HKUST().StreamCSV("f.csv", "f", strings.NewReader(in), int64(len(in)), &w, each)
	checkGiven(t, serr, w.Bytes(), given)
	b, rerr := HKUST().ReadCSV("f.csv", "f", strings.NewReader(in), 1<<20)
	var r bytes.Buffer
	if rerr == nil {
		b.WriteJSON(&r)
	}
	return w.Bytes(), serr, r.Bytes(), rerr
}

// problemSet is an error's problems, in a stable order.
func problemSet(err error) []string {
	var inv *InvalidError
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, p := range inv.Problems {
		out = append(out, p.String())
	}
	slices.Sort(out)
	return out
}

const (
	rowA1 = "20481234,CHAN Tai Man,陳大文,tm@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,A-,\n"
	rowB1 = "20480000,LEE Ka Yan,李嘉欣,ky@example.edu,BSC,BSc,undergraduate,2022-23 Fall,COMP1021,Intro,3,B,\n"
	rowA2 = "20481234,CHAN Tai Man,陳大文,tm@example.edu,BSC,BSc,undergraduate,2022-23 Spring,\"MATH1013\",\"Calculus, IB\"\"\",3,B+,\n"
	rowB2 = "20480000,LEE Ka Yan,李嘉欣,ky@example.edu,BSC,BSc,undergraduate,2022-23 Spring,COMP2011,Data,4,A,\n"
)

// TestStreamCSV: a streamed CSV batch writes the same inbox copy as one
// read whole, and refuses what the whole read refuses, with the same
// problems (files sorted by student and files that are not).
func TestStreamCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"ok/sorted", csvHeader + rowA1 + rowA2 + rowB1 + rowB2, true},
		{"ok/interleaved", csvHeader + rowA1 + rowB1 + rowA2 + rowB2, true},
		{"ok/byte-order-mark", "\xef\xbb\xbf" + csvHeader + rowB2 + rowA1 + rowB1 + rowA2, true},
		{"ok/no-final-newline", csvHeader + rowA1 + strings.TrimSuffix(rowB1, "\n"), true},
		{"ok/crlf", strings.ReplaceAll(csvHeader+rowA1+rowB1, "\n", "\r\n"), true},
		{"fail/unknown-grade", csvHeader + rowA1 + strings.Replace(rowB1, ",B,", ",Z,", 1), false},
		{"fail/name-differs", csvHeader + rowA1 + rowB1 + strings.Replace(rowA2, "CHAN Tai Man", "CHAN Tai Mun", 1), false},
		{"fail/stated-differs", csvHeader + strings.Replace(rowA1, ",A-,", ",A-,3.5", 1) + strings.Replace(rowA2, ",B+,", ",B+,3.9", 1), false},
		{"fail/stated-wrong", csvHeader + strings.Replace(rowA1, ",A-,", ",A-,3.9", 1) + rowA2, false},
		{"fail/credits", csvHeader + rowB1 + strings.Replace(rowA1, ",3,A-", ",x,A-", 1), false},
		{"fail/field-count", csvHeader + rowA1 + "1,2,3\n", false},
		{"fail/quoting", csvHeader + rowA1 + "\"unterminated,x\n", false},
		{"fail/header", "studentId,name\n1,x\n", false},
		{"fail/empty", csvHeader, false},
		{"fail/nothing", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			streamed, serr, read, rerr := streamOrReadCSV(t, tc.in)
			if (serr == nil) != tc.ok || (rerr == nil) != tc.ok {
				t.Fatalf("streamed: %v; read whole: %v", serr, rerr)
			}
			if tc.ok && !bytes.Equal(streamed, read) {
				t.Errorf("the inbox copies differ:\n%.300s\n%.300s", streamed, read)
			}
			if s, r := problemSet(serr), problemSet(rerr); !slices.Equal(s, r) {
				t.Errorf("problems differ:\nstreamed %q\nread     %q", s, r)
			}
		})
	}
}

// FuzzStreamCSV: the streamed CSV reader accepts exactly what the whole
// reader accepts, writes the same bytes, and names the same problems.
func FuzzStreamCSV(f *testing.F) {
	f.Add(csvHeader + rowA1 + rowB1 + rowA2)
	f.Add(csvHeader + rowA1 + "1,2\n")
	f.Fuzz(func(t *testing.T, in string) {
		streamed, serr, read, rerr := streamOrReadCSV(t, in)
		if (serr == nil) != (rerr == nil) {
			t.Fatalf("streamed: %v; read whole: %v", serr, rerr)
		}
		if serr == nil && !bytes.Equal(streamed, read) {
			t.Fatalf("the inbox copies differ")
		}
		if s, r := problemSet(serr), problemSet(rerr); len(r) < MaxProblems && !slices.Equal(s, r) {
			t.Fatalf("problems differ:\nstreamed %q\nread     %q", s, r)
		}
	})
}
