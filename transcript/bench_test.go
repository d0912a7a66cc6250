package transcript

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkReadFile reads and validates a batch file of 2,000 transcripts
// of 40 courses (7.0 MB). (The batch is made here: importing the test kit
// would link the whole issuer into this package's fuzzing binary, whose
// coverage instrumentation then slows every fuzz input fourfold.)
func BenchmarkReadFile(b *testing.B) {
	js := benchBatch(b, 2000)
	path := filepath.Join(b.TempDir(), "batch.json")
	if err := os.WriteFile(path, js, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HKUST().ReadFile(path, "", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamJSON reads the same batch as a stream, as issue reads a
// file over the size cap.
func BenchmarkStreamJSON(b *testing.B) {
	js := benchBatch(b, 2000)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := HKUST().StreamJSON("batch.json", bytes.NewReader(js), "", io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchBatch is the benchmarks' batch of n records, as JSON.
func benchBatch(b testing.TB, n int) []byte {
	grades := []string{"A+", "A", "A-", "B+", "B", "B-", "C+", "C", "D", "F", "P"}
	batch := Batch{ID: "bench"}
	for i := range n {
		r := Record{
			StudentID: fmt.Sprintf("2%07d", i), Name: fmt.Sprintf("STUDENT %d", i), NameLocal: "陳大文",
			Email:   fmt.Sprintf("s%d@connect.example.edu", i),
			Program: Program{Code: "BSC-COSC", Name: "Bachelor of Science in Computer Science", Level: "undergraduate", Admitted: "2020-09-01"},
			Award:   &Award{Degree: "Bachelor of Science", Major: "Computer Science", Conferred: "2026-11-15"},
		}
		for c := range 40 {
			if c%5 == 0 {
				t := c / 5
				r.Terms = append(r.Terms, Term{Term: fmt.Sprintf("%d-%02d %s", 2020+t/3, (2021+t/3)%100, []string{"Fall", "Spring", "Summer"}[t%3])})
			}
			t := &r.Terms[len(r.Terms)-1]
			t.Courses = append(t.Courses, Course{Code: fmt.Sprintf("COMP%04d", 1000+c), Title: fmt.Sprintf("Course number %d", c),
				Credits: DecimalOf(1 + (i+c)%4), Grade: grades[(i*7+c)%len(grades)]})
		}
		batch.Records = append(batch.Records, r)
	}
	js, err := json.Marshal(&batch)
	if err != nil {
		b.Fatal(err)
	}
	return js
}
