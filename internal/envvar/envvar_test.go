package envvar

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestEveryVariableListed: every ETRANSCRIPT_ variable the code names is
// in the list, and the code reads none but through it.
func TestEveryVariableListed(t *testing.T) {
	out, err := exec.Command("git", "-C", "../..", "grep", "-h", "-o", "-E", `ETRANSCRIPT_[A-Z_]+`, "--", "*.go").Output()
	if err != nil {
		t.Skip("no git checkout here:", err)
	}
	known := map[string]bool{}
	for _, v := range All {
		known[v.Name] = true
	}
	for _, name := range strings.Fields(string(out)) {
		if !known[name] {
			t.Errorf("%s is named in the code but not in envvar.All", name)
		}
	}
	direct, _ := exec.Command("git", "-C", "../..", "grep", "-n", "-E", `os\.(Getenv|LookupEnv)\("ETRANSCRIPT_`, "--", "*.go").Output()
	if s := strings.TrimSpace(string(direct)); s != "" {
		t.Errorf("read without envvar:\n%s", s)
	}
	var b strings.Builder
	os.Setenv(Data.Name, "/secret/place")
	defer os.Unsetenv(Data.Name)
	Print(&b)
	if !regexp.MustCompile(`ETRANSCRIPT_DATA\s+yes`).MatchString(b.String()) || strings.Contains(b.String(), "/secret/place") {
		t.Errorf("Print must say a variable is set, never its value:\n%s", b.String())
	}
}
