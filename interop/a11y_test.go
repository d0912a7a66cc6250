//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/delivery"
)

// TestAccessibility: axe-core reports no violation of WCAG 2.1 A and AA
// on every page of the site, in both languages: the upload form, results
// (verified and failed), a form error, the page by id, the graduate's
// page, a share link's passcode form, its opened page and its 410, the
// new-link form. And the keyboard alone reaches the upload and the
// result.
func TestAccessibility(t *testing.T) {
	chromium, art := browserEnv(t)
	gs := newGraduateSite(t, 8, 13)
	c, svc, dl, token, ctx := gs.cred, gs.svc, gs.dl, gs.token, context.Background()
	_, open, _ := svc.CreateShare(ctx, dl, delivery.ShareRequest{Label: "Acme"})
	_, locked, _ := svc.CreateShare(ctx, dl, delivery.ShareRequest{Label: "Beta", Passcode: "open-sesame"})
	gone, goneTok, _ := svc.CreateShare(ctx, dl, delivery.ShareRequest{Label: "Gone"})
	svc.RevokeShare(ctx, c.ID, gone.ID)
	srv := gs.srv
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, c.JSON, 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, bytes.Replace(c.JSON, []byte(`"grade":"`), []byte(`"grade":"X`), 1), 0o644)
	notCred := filepath.Join(dir, "not.json")
	os.WriteFile(notCred, []byte(`[1, 2]`), 0o644)
	u := srv.URL
	var args []string
	for _, l := range []string{"en-GB", "zh-HK"} {
		n := strings.ToLower(l[:2])
		args = append(args,
			"form-"+n+"="+u+"/="+l,
			"verified-"+n+"="+u+"/="+l+"=upload:"+good,
			"failed-"+n+"="+u+"/="+l+"=upload:"+bad,
			"formerror-"+n+"="+u+"/="+l+"=upload:"+notCred,
			"byid-"+n+"="+u+"/v/"+c.ID+"="+l,
			"shared-"+n+"="+u+"/s/"+open+"="+l,
		)
	}
	args = append(args, "graduate="+u+"/d/"+token, "passcode="+u+"/s/"+locked, "gone="+u+"/s/"+goneTok, "renew="+u+"/renew",
		"notfound="+u+"/d/no-such-link")
	cmd := exec.Command("node", append([]string{"a11y.cjs", art}, args...)...)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("a11y: %v\n%s", err, stderr.String())
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			Name, Error, Lang                            string
			Passes                                       int
			KeyboardReachesUpload, KeyboardReachesVerify *bool
			Violations                                   []struct {
				ID, Impact, Help string
				Nodes            []string
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		n++
		if r.Error != "" || r.Passes < 10 {
			t.Errorf("%s: axe did not run (%d rules passed): %s", r.Name, r.Passes, r.Error)
		}
		for _, v := range r.Violations {
			t.Errorf("%s: %s (%s): %s at %v", r.Name, v.ID, v.Impact, v.Help, v.Nodes)
		}
		if r.KeyboardReachesUpload != nil && (!*r.KeyboardReachesUpload || !*r.KeyboardReachesVerify) {
			t.Errorf("%s: the keyboard does not reach the upload (%v) or the button (%v)", r.Name, *r.KeyboardReachesUpload, *r.KeyboardReachesVerify)
		}
		if strings.HasSuffix(r.Name, "-zh") && r.Lang != "zh-Hant" {
			t.Errorf("%s: lang %q", r.Name, r.Lang)
		}
	}
	if n != 17 {
		t.Errorf("%d pages audited, want 17", n)
	}
}
