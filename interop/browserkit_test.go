//go:build interop

package interop

import (
	"context"
	"net/http/httptest"
	"os"
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

// browserEnv is Debian's Chromium, which the browser tests drive, and
// the directory their screenshots go to ($ETRANSCRIPT_ARTIFACTS, default
// interop/artifacts).
func browserEnv(t *testing.T) (chromium, artifacts string) {
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is not installed (Debian package chromium; .ci/run installs it): %v", err)
	}
	artifacts = envvar.Artifacts.Get()
	if artifacts == "" {
		artifacts, _ = filepath.Abs("artifacts")
	}
	os.MkdirAll(artifacts, 0o755)
	return chromium, artifacts
}

// graduateSite is a running site with one credential issued to a graduate,
// whose download link has token: the issuer API's pages, the graduate's
// and the public verifier.
type graduateSite struct {
	srv   *httptest.Server
	svc   *delivery.Service
	token string
	cred  testkit.Issued
	dl    *delivery.Download
}

func newGraduateSite(t *testing.T, courses int, seed uint64) *graduateSite {
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(1, courses, seed))
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
	t.Cleanup(srv.Close)
	dl, err := svc.Open(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return &graduateSite{srv: srv, svc: svc, token: token, cred: c, dl: dl}
}
