package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIssueStreamed: a batch file over maxBatchBytes is read once and
// built as it is read: its credentials verify; one whose last record is
// wrong is refused as a whole, leaving no job, no batch and nothing
// built.
func TestIssueStreamed(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	setConfig(t, data, map[string]any{"maxBatchBytes": 1000})
	dir := t.TempDir()
	var recs []string
	for i := range 300 {
		recs = append(recs, rec(fmt.Sprint(1000+i), fmt.Sprintf("s%d@example.edu", i), "3", "A"))
	}
	good := filepath.Join(dir, "streamed.json")
	os.WriteFile(good, []byte(`{"batch":"streamed","records":[`+strings.Join(recs, ",")+`]}`), 0o644)
	recs[298] = rec("1298", "s298@example.edu", "3", "Z")
	bad := filepath.Join(dir, "late.json")
	os.WriteFile(bad, []byte(`{"batch":"late","records":[`+strings.Join(recs, ",")+`]}`), 0o644)

	t.Run("fail/problem-late", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := etranscript(t, data, "issue", bad, "--chain", "mocknet", "--no-mail", "--no-pdf", "--out", out)
		if r.code != 2 || !strings.Contains(r.stderr, `record 299 (student 1298): terms[0].courses[0].grade: unknown grade "Z"`) {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if left, _ := os.ReadDir(filepath.Join(data, "batches")); len(left) != 0 {
			t.Errorf("left in batches/: %v", left)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("output written for a refused batch")
		}
	})
	// Under the cap: refused, it is read again whole, so that malformed
	// JSON is named with its line; "batch" after "records" is taken.
	t.Run("fail/small-named-by-line", func(t *testing.T) {
		data := initData(t, "https://registry.example.edu")
		f := filepath.Join(t.TempDir(), "lines.json")
		os.WriteFile(f, []byte("{\"batch\": \"lines\", \"records\": [\n"+rec("1", "a@example.edu", "3", "A")+",\n{\"studentId\": 2 x}]}"), 0o644)
		r := etranscript(t, data, "issue", f, "--chain", "mocknet", "--no-mail", "--no-pdf")
		if r.code != 2 || !strings.Contains(r.stderr, "lines.json: malformed JSON (expected ',' or '}' in an object) (line 3, column 17)") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("ok/small-batch-after-records", func(t *testing.T) {
		data := initData(t, "https://registry.example.edu")
		f := filepath.Join(t.TempDir(), "after.json")
		os.WriteFile(f, []byte(`{"records": [`+rec("1", "a@example.edu", "3", "A")+`], "batch": "after"}`), 0o644)
		r := etranscript(t, data, "issue", f, "--chain", "mocknet", "--no-mail", "--no-pdf", "--out", filepath.Join(t.TempDir(), "out"))
		if r.code != 0 || !strings.Contains(r.stdout, "batch after: 1 credential(s) issued") {
			t.Fatalf("issue: %+v", r)
		}
	})
	t.Run("ok/verified", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := etranscript(t, data, "issue", good, "--chain", "mocknet", "--no-mail", "--no-pdf", "--out", out)
		if r.code != 0 || !strings.Contains(r.stdout, "batch streamed: 300 credential(s) issued") {
			t.Fatalf("issue: %+v", r)
		}
		files := credentials(t, out)
		if len(files) != 300 {
			t.Fatalf("%d credentials", len(files))
		}
		r = etranscript(t, data, "verify", "--allow-test-chains", files[0], files[299])
		if r.code != 0 {
			t.Fatalf("verify: %+v", r)
		}
		if left, _ := filepath.Glob(filepath.Join(data, "batches", "+*")); len(left) != 0 {
			t.Errorf("left in batches/: %v", left)
		}
	})
}
