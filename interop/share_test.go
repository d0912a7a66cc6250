//go:build interop

package interop

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBrowserShare: in headless Chromium with JavaScript off, a graduate
// makes a share link with a passcode, an employer opens it with the
// passcode and sees the verified transcript, the graduate sees the view in
// the access log and withdraws the link, and the employer's reload gets
// 410. Screenshots go to $ETRANSCRIPT_ARTIFACTS.
func TestBrowserShare(t *testing.T) {
	chromium, art := browserEnv(t)
	gs := newGraduateSite(t, 8, 9)
	c := gs.cred
	cmd := exec.Command("node", "share.cjs", gs.srv.URL+"/d/"+gs.token, art)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser: %v\n%s", err, stderr.String())
	}
	var out struct {
		ShareURL                         string
		WithoutPasscode, AfterWithdrawal int
		WrongPasscodeAlert               int
		Verdict, EmployerText            string
		GraduateText, Error              string
	}
	if err := json.Unmarshal(outb, &out); err != nil || out.Error != "" {
		t.Fatalf("browser: %v %s\n%s", err, out.Error, outb)
	}
	name := c.Credential["credentialSubject"].(map[string]any)["name"].(string)
	switch {
	case !strings.Contains(out.ShareURL, "/s/"):
		t.Errorf("no share link shown: %q", out.ShareURL)
	case out.WithoutPasscode != 401 || out.WrongPasscodeAlert == 0:
		t.Errorf("the passcode form: %d, alert %d", out.WithoutPasscode, out.WrongPasscodeAlert)
	case !strings.Contains(out.Verdict, "verified") || !strings.Contains(out.EmployerText, name):
		t.Errorf("the employer sees %q:\n%s", out.Verdict, out.EmployerText)
	case !strings.Contains(out.GraduateText, "Acme HR") || !strings.Contains(out.GraduateText, "Chrome"):
		t.Errorf("the graduate's page does not list the view:\n%s", out.GraduateText)
	case out.AfterWithdrawal != 410:
		t.Errorf("after withdrawal: %d", out.AfterWithdrawal)
	}
}
