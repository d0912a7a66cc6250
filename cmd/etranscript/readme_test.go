package main_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmeUse returns the command lines of the README's "Use" section: its
// first code block.
func readmeUse(t *testing.T) []string {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, use, ok := strings.Cut(string(b), "\n## Use\n")
	if !ok {
		t.Fatal(`README.md has no "## Use" section`)
	}
	parts := strings.SplitN(use, "```", 3)
	if len(parts) < 3 {
		t.Fatal(`README.md's "Use" section has no code block`)
	}
	var lines []string
	for _, l := range strings.Split(parts[1], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestReadme runs the README's "Use" section, line by line and in order,
// in a fresh directory with nothing but the sample batch, as a new user
// would: each line must exit as it says (0 unless its comment says
// "(exit N)") and print what it is for.
func TestReadme(t *testing.T) {
	lines := readmeUse(t)
	if len(lines) < 8 {
		t.Fatalf("%d lines in the README's Use section", len(lines))
	}
	work := t.TempDir()
	sample, err := os.ReadFile("../../cli/sample/sample-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(work, "cli", "sample"), 0o755)
	os.WriteFile(filepath.Join(work, "cli", "sample", "sample-batch.json"), sample, 0o644)
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "ETRANSCRIPT_DATA=", "ETRANSCRIPT_DB=", "ETRANSCRIPT_SMTP=")
	comment := regexp.MustCompile(`\s{2,}#.*$`)
	exitRE := regexp.MustCompile(`\(exit (\d)\)`)
	// What each command must print (stdout and stderr together).
	says := map[string]string{
		"etranscript init": "issuer profile", "etranscript keys show": "secp256k1",
		"etranscript issue": "credential(s) issued", "etranscript verify": "VERIFIED", "etranscript mail": "released",
		"etranscript revoke": "revoked", "etranscript keys rotate": "new signing key", "etranscript token create": "etr_",
	}
	id := ""
	// The README's address, on a port free here.
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	for _, line := range lines {
		cmdline := strings.TrimSpace(comment.ReplaceAllString(line, ""))
		cmdline = strings.ReplaceAll(cmdline, "127.0.0.1:8080", addr)
		if k, v, ok := strings.Cut(strings.TrimPrefix(cmdline, "export "), "="); ok && strings.HasPrefix(cmdline, "export ") {
			env = append(env, k+"="+strings.Trim(v, `'"`))
			continue
		}
		if strings.Contains(cmdline, "ID") {
			if id == "" {
				t.Fatalf("%q: no credential issued yet to stand for ID", line)
			}
			cmdline = regexp.MustCompile(`\bID\b`).ReplaceAllString(cmdline, id)
		}
		want := 0
		if m := exitRE.FindStringSubmatch(line); m != nil {
			want, _ = strconv.Atoi(m[1])
		}
		cmd := exec.Command("bash", "-c", cmdline)
		cmd.Dir, cmd.Env = work, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if strings.HasPrefix(cmdline, "etranscript serve") {
			readmeServe(t, cmd, &out, addr)
			continue
		}
		code := exitCode(t, cmd.Run())
		if code != want {
			t.Fatalf("%s\nexit %d, want %d:\n%s", line, code, want, out.String())
		}
		for prefix, word := range says {
			if strings.HasPrefix(cmdline, prefix) && want == 0 && !strings.Contains(out.String(), word) {
				t.Errorf("%s\nprints no %q:\n%s", line, word, out.String())
			}
		}
		if strings.Contains(line, "FAILED") && !strings.Contains(out.String(), "FAILED") {
			t.Errorf("%s\nsays nothing FAILED:\n%s", line, out.String())
		}
		if strings.Contains(cmdline, "> profile.json") {
			if b, _ := os.ReadFile(filepath.Join(work, "profile.json")); !bytes.Contains(b, []byte("BlockcertsIssuerProfile")) {
				t.Errorf("profile.json: %s", b)
			}
		}
		if strings.HasPrefix(cmdline, "etranscript issue") {
			files, _ := filepath.Glob(filepath.Join(work, "issued", "*.json"))
			if len(files) != 3 {
				t.Fatalf("%d credentials in issued/", len(files))
			}
			id = strings.TrimSuffix(filepath.Base(files[0]), ".json")
		}
		t.Logf("%s: exit %d", cmdline, code)
	}
}

// readmeServe starts the README's serve line, checks the site answers,
// and stops it.
func readmeServe(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer, addr string) {
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(100 * time.Millisecond) {
		if r, err := http.Get("http://" + addr + "/issuer/profile.json"); err == nil {
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Fatalf("serve: the profile answers %d", r.StatusCode)
			}
			return
		}
	}
	t.Fatalf("serve did not come up:\n%s", out.String())
}

// TestHelpSaysPassphrase: every command that unlocks the issuer's keys
// says in its --help where the passphrase comes from.
func TestHelpSaysPassphrase(t *testing.T) {
	for _, c := range []string{"init", "keys rotate", "keys revoke", "keys import-pdf-cert", "issue", "mail", "serve", "revoke", "suspend", "unsuspend", "demo"} {
		r := etranscript(t, t.TempDir(), append(strings.Fields(c), "--help")...)
		if r.code != 0 || !strings.Contains(r.stdout, "$ETRANSCRIPT_PASSPHRASE") {
			t.Errorf("%s --help: %+v", c, r)
		}
	}
}
