package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/verifier"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "etranscript-e2e")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "etranscript")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type run struct {
	code           int
	stdout, stderr string
}

// etranscriptCmd is the command for args on data, not started.
func etranscriptCmd(data string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, append([]string{"--data", data}, args...)...)
	cmd.Env = append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=e2e-test-passphrase")
	return cmd
}

func etranscript(t *testing.T, data string, args ...string) run {
	t.Helper()
	cmd := etranscriptCmd(data, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	return run{exitCode(t, cmd.Run()), o.String(), e.String()}
}

// exitCode is the exit status a finished command's error says.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

func initData(t *testing.T, url string) string {
	data := t.TempDir()
	if r := etranscript(t, data, "init", "--name", "Test University", "--url", url); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	return data
}

func credentials(t *testing.T, dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	return files
}

func TestIssueAndVerify(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out := filepath.Join(t.TempDir(), "out")
	r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail")
	if r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	files := credentials(t, out)
	if len(files) != 3 {
		t.Fatalf("%d credentials written", len(files))
	}
	// ok/allow-test-chains: exit 0, one JSON line per file in the design's shape.
	r = etranscript(t, data, append([]string{"verify", "--json", "--allow-test-chains"}, files...)...)
	if r.code != 0 {
		t.Fatalf("verify: %+v", r)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	n := 0
	for sc.Scan() {
		var line struct {
			File       string `json:"file"`
			Status     string `json:"status"`
			Credential struct {
				ID, Issuer, Subject, Issued string
				Anchor                      struct{ Chain, Tx string }
			} `json:"credential"`
			Checks []struct{ ID, Status, Message string } `json:"checks"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.Status != "verified" || line.Credential.Issuer != "https://registry.example.edu/issuer/profile.json" || len(line.Checks) < 6 || line.Credential.Anchor.Chain == "" {
			t.Errorf("line %s", sc.Text())
		}
		n++
	}
	if n != 3 {
		t.Errorf("%d JSON lines for 3 files", n)
	}
	// fail/anchor: without --allow-test-chains a mocknet credential fails.
	if r = etranscript(t, data, "verify", files[0]); r.code != 1 || !strings.Contains(r.stdout, "test credential, not anchored") {
		t.Errorf("mocknet without test chains: %+v", r)
	}
	// fail/integrity: a tampered copy exits 1 and names the check.
	b, _ := os.ReadFile(files[0])
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	os.WriteFile(tampered, bytes.Replace(b, []byte(`"grade":"A`), []byte(`"grade":"B`), 1), 0o644)
	if r = etranscript(t, data, "verify", "--allow-test-chains", tampered); r.code != 1 || !strings.Contains(r.stdout, "FAILED   integrity") {
		t.Errorf("tampered: %+v", r)
	}
	// The profile prints.
	if r = etranscript(t, data, "keys", "profile"); r.code != 0 || !strings.Contains(r.stdout, "BlockcertsIssuerProfile") {
		t.Errorf("keys profile: %+v", r)
	}
	if r = etranscript(t, data, "keys", "profile", "--jwks"); r.code != 0 || !strings.Contains(r.stdout, `"kty": "OKP"`) || !strings.Contains(r.stdout, `"crv": "secp256k1"`) {
		t.Errorf("keys profile --jwks: %+v", r)
	}
	if r = etranscript(t, data, "keys", "profile", "--did"); r.code != 0 || !strings.Contains(r.stdout, `"id": "did:web:registry.example.edu"`) {
		t.Errorf("keys profile --did: %+v", r)
	}
}

func TestIndeterminate(t *testing.T) {
	// The issuer profile cannot be fetched: exit 3, never 0.
	data := initData(t, "http://127.0.0.1:1")
	out := t.TempDir()
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out, "--no-mail"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	other := t.TempDir() // a verifier without the issuer's data directory
	r := etranscript(t, other, "verify", "--allow-test-chains", credentials(t, out)[0])
	if r.code != 3 || !strings.Contains(r.stdout, "could not fetch the issuer profile") {
		t.Errorf("unreachable issuer: %+v", r)
	}
}

// rec is one JSON record with one course.
func rec(id, email, credits, grade string) string {
	return `{"studentId":"` + id + `","name":"N","email":"` + email + `","program":{"code":"P","name":"P","level":"undergraduate"},` +
		`"terms":[{"term":"2022-23 Fall","courses":[{"code":"C1","title":"T","credits":` + credits + `,"grade":"` + grade + `"}]}]}`
}

func TestBadInput(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	huge := filepath.Join(dir, "huge.json")
	f, _ := os.Create(huge)
	f.WriteString(`{"batch":"x","records":[`)
	f.Write(bytes.Repeat([]byte(" "), 50<<20))
	f.WriteString(`]}`)
	f.Close()
	hugeCSV := filepath.Join(dir, "huge.csv")
	f, _ = os.Create(hugeCSV)
	f.WriteString("studentId,name,nameLocal,email,programCode,programName,level,term,courseCode,courseTitle,credits,grade\n")
	f.Write(bytes.Repeat([]byte("\n"), 40<<20))
	f.Close()
	tests := []struct {
		name string
		args []string
		says string
	}{
		{"fail/unknown-grade", []string{"issue", write("g.csv", "studentId,name,nameLocal,email,programCode,programName,level,term,courseCode,courseTitle,credits,grade\n1,A,,a@example.edu,P,P,undergraduate,2022-23 Fall,C1,T,3,Z\n")}, `g.csv:2: record 1 (student 1): grade: unknown grade "Z"`},
		{"fail/duplicate-id", []string{"issue", write("d.json", `{"batch":"d","records":[`+rec("1", "a@example.edu", "3", "A")+`,`+rec("1", "b@example.edu", "3", "A")+`]}`)}, "record 2 (student 1): studentId: duplicate student id: also record 1"},
		{"fail/stated-cga", []string{"issue", write("s.json", `{"batch":"s","records":[`+strings.Replace(rec("1", "a@example.edu", "3", "A"), `"terms"`, `"stated":{"cga":3.9},"terms"`, 1)+`]}`)}, "stated.cga: stated CGA 3.9 differs from the computed CGA 4.00000"},
		{"fail/email", []string{"issue", write("e.json", `{"batch":"e","records":[`+rec("1", "not-an-address", "3", "A")+`]}`)}, `email: expected an email address such as name@example.edu, got "not-an-address"`},
		{"fail/negative-credits", []string{"issue", write("n.json", `{"batch":"n","records":[`+rec("1", "a@example.edu", "-3", "A")+`]}`)}, "terms[0].courses[0].credits: expected credits from 0 to 30"},
		{"fail/malformed-csv", []string{"issue", write("q.csv", "studentId,name,nameLocal,email,programCode,programName,level,term,courseCode,courseTitle,credits,grade\n1,\"A,,a@example.edu\n")}, "q.csv:2: malformed CSV"},
		{"fail/malformed-json", []string{"issue", write("m.json", `{"batch": "x", "records": [`)}, "m.json: malformed JSON"},
		// A file over the cap is read as a stream, each problem still named.
		{"fail/huge-json", []string{"issue", huge}, "huge.json: records: expected at least one record"},
		{"fail/huge-csv", []string{"issue", hugeCSV}, "huge.csv: records: expected at least one record"},
		{"fail/extension", []string{"issue", write("b.xml", "<x/>")}, "expected a .json or .csv"},
		{"fail/missing-file", []string{"issue", filepath.Join(dir, "nope.json")}, "no such file"},
		{"fail/usage", []string{"issue"}, "accepts 1 arg"},
		{"fail/flag", []string{"verify", "--bogus", "x"}, "unknown flag"},
		{"fail/chain", []string{"issue", "../../cli/sample/sample-batch.json", "--chain", "nowhere"}, "unknown chain"},
		{"fail/verify-missing", []string{"verify", filepath.Join(dir, "nope.json")}, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			r := etranscript(t, data, append(tc.args, "--out", out)...)
			if tc.name == "fail/flag" || tc.name == "fail/verify-missing" {
				r = etranscript(t, data, tc.args...)
			}
			if r.code != 2 || !strings.Contains(r.stderr, tc.says) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.says)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("output written for bad input")
			}
		})
	}
	// Not initialized: a clear message, exit 2.
	if r := etranscript(t, t.TempDir(), "issue", "../../cli/sample/sample-batch.json"); r.code != 2 || !strings.Contains(r.stderr, "etranscript init") {
		t.Errorf("uninitialized: %+v", r)
	}
}

func TestDemo(t *testing.T) {
	data := filepath.Join(t.TempDir(), "demo-data")
	port := freePort(t)
	for round := 0; round < 2; round++ { // a second run reuses the data directory
		cmd := exec.Command(bin, "--data", data, "demo", "--addr", fmt.Sprintf("127.0.0.1:%d", port))
		cmd.Env = append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=")
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "serving ") {
				break
			}
		}
		links := regexp.MustCompile(`http://127\.0\.0\.1:\d+/d/[A-Za-z0-9_-]+`).FindAllString(out.String(), -1)
		if len(links) != 3 || !strings.Contains(out.String(), "anchored: Merkle root") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d, demo output:\n%s\n%s", round, out.String(), stderr.String())
		}
		resp, err := http.Get(links[0])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "transcript.pdf") {
			t.Errorf("round %d: %s: %d\n%s", round, links[0], resp.StatusCode, body)
		}
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Errorf("round %d: demo after Ctrl-C: %v\n%s", round, err, stderr.String())
		}
	}
	if files, _ := filepath.Glob(filepath.Join(data, "outbox", "*.eml")); len(files) != 3 {
		t.Errorf("%d messages in the outbox, want 3 (one per graduate, not one per run)", len(files))
	}
}

// TestRotateAndRevoke: issue, rotate, issue again: both batches verify and
// the profile lists both keys; revoking the new key since the past fails
// the mocknet credentials it signed (no anchor proves them older).
func TestRotateAndRevoke(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	out1, out2 := t.TempDir(), t.TempDir()
	if r := etranscript(t, data, "issue", "../../cli/sample/sample-batch.json", "--chain", "mocknet", "--out", out1, "--no-mail"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	if r := etranscript(t, data, "keys", "rotate"); r.code != 0 || !strings.Contains(r.stdout, "key-ed25519-2") {
		t.Fatalf("rotate: %+v", r)
	}
	b, _ := os.ReadFile("../../cli/sample/sample-batch.json")
	batch2 := filepath.Join(t.TempDir(), "second.json")
	os.WriteFile(batch2, bytes.Replace(b, []byte(`"2026-11-conferment"`), []byte(`"2026-11-second"`), 1), 0o644)
	if r := etranscript(t, data, "issue", batch2, "--chain", "mocknet", "--out", out2, "--no-mail"); r.code != 0 {
		t.Fatalf("issue after rotation: %+v", r)
	}
	if r := etranscript(t, data, "keys", "profile"); !strings.Contains(r.stdout, "#key-ed25519-1") || !strings.Contains(r.stdout, "#key-ed25519-2") {
		t.Fatalf("profile: %s", r.stdout)
	}
	all := append(credentials(t, out1), credentials(t, out2)...)
	if r := etranscript(t, data, append([]string{"verify", "--allow-test-chains"}, all...)...); r.code != 0 {
		t.Fatalf("verify both batches: %+v", r)
	}
	if r := etranscript(t, data, "keys", "revoke", "key-ed25519-2", "--since", "2020-01-01"); r.code != 0 {
		t.Fatalf("revoke: %+v", r)
	}
	r := etranscript(t, data, append([]string{"verify", "--allow-test-chains"}, credentials(t, out2)...)...)
	if r.code != 1 || !strings.Contains(r.stdout, "FAILED   key_validity") {
		t.Fatalf("after compromise: %+v", r)
	}
	// The first key was only retired; the status lists are signed again
	// with the new key: what it signed still verifies.
	if r := etranscript(t, data, append([]string{"verify", "--allow-test-chains"}, credentials(t, out1)...)...); r.code != 0 {
		t.Fatalf("first batch after the second key's compromise: %+v", r)
	}
	if r := etranscript(t, data, "keys", "revoke", "key-nope", "--since", "2020-01-01"); r.code != 2 {
		t.Errorf("unknown key: %+v", r)
	}
}

// TestHostileCLI: each hostile credential of the table gets its verdict's
// exit status from 'etranscript verify' within 2 s.
func TestHostileCLI(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	b := testkit.Batch(1, 6, 11)
	b.Records = append(b.Records, testkit.Batch(1, 2000, 12).Records[0])
	b.Records[1].StudentID, b.Records[1].Email = "20990002", "second@example.edu"
	batch := filepath.Join(t.TempDir(), "hostile.json")
	js, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(batch, js, 0o644)
	out := filepath.Join(t.TempDir(), "out")
	if r := etranscript(t, data, "issue", batch, "--chain", "mocknet", "--out", out, "--no-mail", "--no-pdf"); r.code != 0 {
		t.Fatalf("issue: %+v", r)
	}
	files := credentials(t, out)
	if len(files) != 2 {
		t.Fatalf("%d credentials", len(files))
	}
	good, big := mustRead(t, files[0]), mustRead(t, files[1])
	if len(good) > len(big) {
		good, big = big, good
	}
	dir := t.TempDir()
	for i, tc := range testkit.HostileFrom(t, good, big) {
		t.Run(tc.Name, func(t *testing.T) {
			f := filepath.Join(dir, fmt.Sprintf("%02d.json", i))
			os.WriteFile(f, tc.Data, 0o644)
			start := time.Now()
			r := etranscript(t, data, "verify", "--allow-test-chains", f)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			want := map[verifier.Verdict]int{verifier.Verified: 0, verifier.Rejected: 1}[tc.Want]
			if r.code != want || tc.Check != "" && !strings.Contains(r.stdout, "FAILED   "+tc.Check) {
				t.Fatalf("exit %d, want %d (%s): %s%s", r.code, want, tc.Check, r.stdout, r.stderr)
			}
		})
	}
}
