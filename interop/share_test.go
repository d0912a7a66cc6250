//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// TestBrowserShare: in headless Chromium with JavaScript off, a graduate
// makes a share link with a passcode, an employer opens it with the
// passcode and sees the verified transcript, the graduate sees the view in
// the access log and withdraws the link, and the employer's reload gets
// 410. Screenshots go to $ETRANSCRIPT_ARTIFACTS.
func TestBrowserShare(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is not installed (Debian package chromium; .ci/run installs it): %v", err)
	}
	art := envvar.Artifacts.Get()
	if art == "" {
		art, _ = filepath.Abs("artifacts")
	}
	os.MkdirAll(art, 0o755)
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(1, 8, 9))
	c := res.Issued[0]
	db := testkit.Stores(t)["sqlite"](t)
	ctx := context.Background()
	now := time.Now().UTC()
	db.CreateJob(ctx, &delivery.JobRecord{ID: res.ID, Input: strings.Repeat("0", 64), Chain: "mocknet", Source: "-", State: delivery.JobDone, Out: res.Out, Created: now, Updated: now})
	db.AddDeliveries(ctx, []*delivery.Delivery{{ID: "d-1", Batch: res.ID, Credential: c.ID, Kind: delivery.KindHolder, Email: "grad@example.edu", Name: "Grad",
		State: delivery.DeliverySent, NextAttempt: now, Created: now}})
	token, hash := delivery.NewToken()
	db.AddLink(ctx, &delivery.Link{Hash: hash, Delivery: "d-1", Expires: now.Add(time.Hour), Created: now})
	srv := httptest.NewUnstartedServer(nil)
	svc := &delivery.Service{Store: db, Shares: db, Mail: delivery.MailSettings{Institution: "Test University", BaseURL: "http://" + srv.Listener.Addr().String()}}
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	srv.Config.Handler = (&web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Issuing:   &web.Issuing{Service: svc, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}).Handler()
	srv.Start()
	defer srv.Close()

	cmd := exec.Command("node", "share.cjs", srv.URL+"/d/"+token, art)
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
