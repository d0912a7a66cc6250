//go:build scale

package main_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/envvar"
)

// TestIssueLarge: 'issue' of a generated batch of 40,000 transcripts of 40
// courses (over 150 MB, far over the 32 MiB cap) succeeds, read a record
// at a time, with peak resident memory under 1 GiB. ETRANSCRIPT_SCALE
// gives another number of transcripts (100000 for docs/benchmarks.md).
func TestIssueLarge(t *testing.T) {
	const courses = 40
	n := 40000
	if v, err := strconv.Atoi(envvar.Scale.Get()); err == nil && v > 0 {
		n = v
	}
	data := initData(t, "https://registry.example.edu")
	dir := t.TempDir()
	file := filepath.Join(dir, "large.json")
	size := writeLargeBatch(t, file, n, courses)
	if size < int64(n)*150<<20/40000 {
		t.Fatalf("the batch is only %d bytes", size)
	}
	cmd := etranscriptCmd(data, "issue", file, "--chain", "mocknet", "--no-mail", "--no-pdf", "--out", filepath.Join(dir, "out"))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("issue: %v\n%s", err, out)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // kilobytes on Linux
	t.Logf("%d transcripts (%d MB) in %s, peak resident memory %d MB", n, size>>20, time.Since(start).Round(time.Second), rss>>20)
	if rss >= 1<<30 {
		t.Errorf("peak resident memory %d MB, not under 1 GiB", rss>>20)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d credential(s) issued", n)) {
		t.Errorf("issue said:\n%s", out)
	}
}

// TestIssueLargeCSV: 'issue' of a CSV export of a class of 10,000 (40
// courses each, one row a course, over the 32 MiB cap) succeeds, read in
// two passes without holding the file; each student's rows are not
// together (every student's first term, then every student's second...),
// as an export ordered by term writes them.
func TestIssueLargeCSV(t *testing.T) {
	const n, courses = 10000, 40
	data := initData(t, "https://registry.example.edu")
	dir := t.TempDir()
	file := filepath.Join(dir, "class-2026.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("studentId,name,nameLocal,email,programCode,programName,level,term,courseCode,courseTitle,credits,grade\n")
	grades := []string{"A+", "A", "A-", "B+", "B", "B-", "C+", "C"}
	for ti := range courses / 5 {
		term := fmt.Sprintf("%d-%02d Fall", 2020+ti/2, (21+ti/2)%100)
		if ti%2 == 1 {
			term = fmt.Sprintf("%d-%02d Spring", 2020+ti/2, (21+ti/2)%100)
		}
		for i := range n {
			for ci := range 5 {
				k := ti*5 + ci
				fmt.Fprintf(w, "2%07d,STUDENT %d,,s%d@example.edu,BSC-COSC,Bachelor of Science in Computer Science,undergraduate,%s,COMP%04d,\"A course on topic %d, of the programme\",3,%s\n",
					i, i, i, term, 1000+k, k, grades[(i+k)%len(grades)])
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	f.Close()
	if fi.Size() < 32<<20 {
		t.Fatalf("the batch is only %d bytes", fi.Size())
	}
	cmd := etranscriptCmd(data, "issue", file, "--chain", "mocknet", "--no-mail", "--no-pdf", "--out", filepath.Join(dir, "out"))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("issue: %v\n%s", err, out)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("%d transcripts (%d MB of CSV) in %s, peak resident memory %d MB", n, fi.Size()>>20, time.Since(start).Round(time.Second), rss>>20)
	if rss >= 1<<30 {
		t.Errorf("peak resident memory %d MB, not under 1 GiB", rss>>20)
	}
	if !strings.Contains(string(out), fmt.Sprintf("batch class-2026: %d credential(s) issued", n)) {
		t.Errorf("issue said:\n%s", out)
	}
}

// writeLargeBatch writes a valid batch of n generated records, each with
// courses courses, a record at a time; it returns its size.
func writeLargeBatch(t *testing.T, path string, n, courses int) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, `{"batch": "large-2026", "records": [`)
	grades := []string{"A+", "A", "A-", "B+", "B", "B-", "C+", "C"}
	for i := range n {
		if i > 0 {
			w.WriteString(",\n")
		}
		var terms []map[string]any
		for ti := range courses / 5 {
			var cs []map[string]any
			for ci := range 5 {
				k := ti*5 + ci
				cs = append(cs, map[string]any{"code": fmt.Sprintf("COMP%04d", 1000+k), "title": fmt.Sprintf("A course on topic number %d of the programme", k),
					"credits": 3, "grade": grades[(i+k)%len(grades)]})
			}
			terms = append(terms, map[string]any{"term": fmt.Sprintf("%d-%02d Fall", 2020+ti/2, (21+ti/2)%100), "courses": cs})
			if ti%2 == 1 {
				terms[len(terms)-1]["term"] = fmt.Sprintf("%d-%02d Spring", 2020+ti/2, (21+ti/2)%100)
			}
		}
		rec := map[string]any{"studentId": fmt.Sprintf("2%07d", i), "name": fmt.Sprintf("STUDENT %d", i), "email": fmt.Sprintf("s%d@example.edu", i),
			"program": map[string]any{"code": "BSC-COSC", "name": "Bachelor of Science in Computer Science", "level": "undergraduate"}, "terms": terms}
		b, _ := json.Marshal(rec)
		w.Write(b)
	}
	w.WriteString("]}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	f.Close()
	return fi.Size()
}
