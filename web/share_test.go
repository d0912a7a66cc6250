package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/store"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// holderSite is a site with one issued credential, its graduate's download
// link (token), on the store db.
type holderSite struct {
	h       http.Handler
	token   string
	cred    string
	issued  testkit.Issued
	db      *store.DB
	viewKey []byte
	clock   *time.Time // the service's now, moved by tests
}

func newHolderSite(t *testing.T, db *store.DB) *holderSite { return newHolderSiteWithLog(t, db, nil) }

func newHolderSiteWithLog(t *testing.T, db *store.DB, logs io.Writer) *holderSite {
	is := testkit.NewIssuer(t)
	res := is.Issue(t, testkit.Batch(1, 6, 5))
	c := res.Issued[0]
	ctx := context.Background()
	now := time.Now().UTC()
	j := &delivery.JobRecord{ID: res.ID, Input: strings.Repeat("0", 64), Chain: "mocknet", Source: "-", State: delivery.JobDone, Total: 1, Done: 1, Out: res.Out, Created: now, Updated: now}
	if _, _, err := db.CreateJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	d := &delivery.Delivery{ID: "d-1", Batch: res.ID, Credential: c.ID, Kind: delivery.KindHolder, Email: "grad@example.edu", Name: "Grad",
		State: delivery.DeliverySent, NextAttempt: now, Created: now}
	if _, err := db.AddDeliveries(ctx, []*delivery.Delivery{d}); err != nil {
		t.Fatal(err)
	}
	token, hash := delivery.NewToken()
	if err := db.AddLink(ctx, &delivery.Link{Hash: hash, Delivery: d.ID, Expires: now.Add(24 * time.Hour), Created: now}); err != nil {
		t.Fatal(err)
	}
	clock := time.Now().UTC()
	svc := &delivery.Service{Store: db, Shares: db, Now: func() time.Time { return clock },
		Mail: delivery.MailSettings{Institution: "Test University", BaseURL: "https://registry.example.edu"}}
	viewKey := bytes.Repeat([]byte{5}, 32)
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil)}
	srv := &web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Issuing:   &web.Issuing{Service: svc, Tokens: oneToken{}, Status: is.Status, ViewToken: func(id string) string { return keys.ViewToken(viewKey, id) }},
		Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}
	if logs != nil {
		srv.Log = slog.New(slog.NewTextHandler(logs, nil))
	}
	return &holderSite{h: srv.Handler(), token: token, cred: c.ID, issued: c, db: db, viewKey: viewKey, clock: &clock}
}

func (hs *holderSite) do(method, path, typ, body string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if typ != "" {
		req.Header.Set("Content-Type", typ)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	return w
}

// share makes a share through the JSON interface and returns its path.
func (hs *holderSite) share(t *testing.T, body string) (id, path string) {
	t.Helper()
	w := hs.do("POST", "/d/"+hs.token+"/shares", "application/json", body)
	var out struct{ ID, URL string }
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &out) != nil {
		t.Fatalf("share %s: %d %s", body, w.Code, w.Body)
	}
	u, _ := url.Parse(out.URL)
	return out.ID, u.Path
}

// TestShares: every answer of the graduate's share links and deliveries,
// on each store.
func TestShares(t *testing.T) {
	for name, open := range testkit.Stores(t) {
		t.Run(name, func(t *testing.T) {
			hs := newHolderSite(t, open(t))
			t.Run("ok/open with passcode, log, revoke", func(t *testing.T) { testShareLifecycle(t, hs) })
			t.Run("fail/passcode lock-out", func(t *testing.T) { testLockOut(t, hs) })
			t.Run("fail/used up", func(t *testing.T) {
				_, p := hs.share(t, `{"label": "Once", "maxViews": 1}`)
				if w := hs.do("GET", p, "", ""); w.Code != 200 {
					t.Fatalf("first view: %d", w.Code)
				}
				if w := hs.do("GET", p, "", ""); w.Code != 410 {
					t.Fatalf("second view: %d", w.Code)
				}
			})
			t.Run("fail/bad requests", func(t *testing.T) { testShareRequests(t, hs) })
			t.Run("fail/expired", func(t *testing.T) {
				_, p := hs.share(t, `{"label": "Soon", "days": 2}`)
				if w := hs.do("GET", p, "", ""); w.Code != 200 {
					t.Fatalf("before: %d", w.Code)
				}
				*hs.clock = hs.clock.AddDate(0, 0, 3)
				defer func() { *hs.clock = hs.clock.AddDate(0, 0, -3) }()
				if w := hs.do("GET", p, "", ""); w.Code != 410 || !strings.Contains(w.Body.String(), "expired") {
					t.Fatalf("after: %d", w.Code)
				}
			})
			t.Run("ok/page by id shows no personal data", func(t *testing.T) { testLimitedPage(t, hs) })
			t.Run("ok/delivery with consent", func(t *testing.T) { testConsent(t, hs) })
			t.Run("ok/renew", func(t *testing.T) { testRenew(t, hs) })
			t.Run("ok/retention", func(t *testing.T) {
				ctx := context.Background()
				if shs, _ := hs.db.Shares(ctx, hs.cred); len(shs) == 0 {
					t.Fatal("no shares to purge")
				}
				if n, err := hs.db.Purge(ctx, time.Now().AddDate(2, 0, 0)); err != nil || n == 0 {
					t.Fatalf("purge: %d %v", n, err)
				}
				if shs, _ := hs.db.Shares(ctx, hs.cred); len(shs) != 0 {
					t.Errorf("%d shares left after their retention", len(shs))
				}
			})
		})
	}
}

func testShareLifecycle(t *testing.T, hs *holderSite) {
	id, p := hs.share(t, `{"label": "Acme HR", "days": 7, "passcode": "s3cret-pass"}`)
	if w := hs.do("GET", p, "", ""); w.Code != 401 || !strings.Contains(w.Body.String(), `name="passcode"`) {
		t.Fatalf("without the passcode: %d", w.Code)
	}
	w := hs.do("POST", p, "application/x-www-form-urlencoded", "passcode=s3cret-pass", "User-Agent", "Mozilla/5.0 Firefox/133.0")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `class="verdict verified"`) || !strings.Contains(w.Body.String(), hs.issued.StudentID) {
		t.Fatalf("with the passcode: %d %.500s", w.Code, w.Body)
	}
	if !strings.Contains(w.Body.String(), "Shared by the graduate on") {
		t.Error("the page does not say it was shared, and until when")
	}
	w = hs.do("GET", "/d/"+hs.token+"/shares", "", "", "Accept", "application/json")
	var v struct {
		Shares []struct {
			ID, State string
			Views     int
			Passcode  bool
			AccessLog []struct{ Browser, Network string }
		}
	}
	if json.Unmarshal(w.Body.Bytes(), &v) != nil || len(v.Shares) == 0 {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	s := v.Shares[0]
	if s.ID != id || s.Views != 1 || !s.Passcode || len(s.AccessLog) != 1 || s.AccessLog[0].Browser != "Firefox" || !strings.HasSuffix(s.AccessLog[0].Network, "/24") {
		t.Errorf("the share as listed: %+v", s)
	}
	if strings.Contains(w.Body.String(), "$2a$") || strings.Contains(w.Body.String(), "s3cret") {
		t.Error("the list shows the passcode or its hash")
	}
	if w := hs.do("POST", "/d/"+hs.token+"/shares/"+id+"/revoke", "application/json", ""); w.Code != 204 {
		t.Fatalf("revoke: %d", w.Code)
	}
	if w := hs.do("POST", p, "application/x-www-form-urlencoded", "passcode=s3cret-pass"); w.Code != 410 {
		t.Fatalf("after revoking: %d", w.Code)
	}
	if w := hs.do("POST", "/d/"+hs.token+"/shares/nope/revoke", "application/json", ""); w.Code != 404 {
		t.Errorf("revoking an unknown share: %d", w.Code)
	}
}

func testLockOut(t *testing.T, hs *holderSite) {
	_, p := hs.share(t, `{"label": "Guessers", "passcode": "right-one"}`)
	for i := range 5 {
		if w := hs.do("POST", p, "application/x-www-form-urlencoded", "passcode=wrong"); w.Code != 401 {
			t.Fatalf("wrong try %d: %d", i+1, w.Code)
		}
	}
	if w := hs.do("POST", p, "application/x-www-form-urlencoded", "passcode=right-one"); w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("the right passcode while locked: %d", w.Code)
	}
}

func testShareRequests(t *testing.T, hs *holderSite) {
	for _, tc := range []struct {
		name, body string
		want       int
	}{
		{"no label", `{"days": 3}`, 400},
		{"too long", `{"label": "x", "days": 400}`, 400},
		{"in the past", `{"label": "x", "expiresAt": "2020-01-01T00:00:00Z"}`, 400},
		{"short passcode", `{"label": "x", "passcode": "abc"}`, 400},
		{"not JSON", `{"label":`, 400},
		{"duplicate key", `{"label": "a", "label": "b"}`, 400},
	} {
		if w := hs.do("POST", "/d/"+hs.token+"/shares", "application/json", tc.body); w.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.name, w.Code, tc.want, w.Body)
		}
	}
	if w := hs.do("POST", "/d/unknown-token/shares", "application/json", `{"label": "x"}`); w.Code != 404 {
		t.Errorf("an unknown download token: %d", w.Code)
	}
	if w := hs.do("GET", "/s/unknown-token", "", ""); w.Code != 404 {
		t.Errorf("an unknown share token: %d", w.Code)
	}
}

// testLimitedPage: /v/ID without the view token names the issuer and the
// verdict, and nothing of the graduate; with it, the transcript.
func testLimitedPage(t *testing.T, hs *holderSite) {
	w := hs.do("GET", "/v/"+hs.cred, "", "")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `class="verdict verified"`) {
		t.Fatalf("/v/ID: %d %.300s", w.Code, body)
	}
	subj := hs.issued.Credential["credentialSubject"].(map[string]any)
	secrets := []string{subj["name"].(string), subj["studentId"].(string)}
	for _, term := range subj["terms"].([]any) {
		for _, c := range term.(map[string]any)["courses"].([]any) {
			course := c.(map[string]any)
			secrets = append(secrets, course["title"].(string), ">"+course["grade"].(string)+"<")
		}
	}
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("the page by id alone shows %q", s)
		}
	}
	full := hs.do("GET", "/v/"+hs.cred+"?k="+keys.ViewToken(hs.viewKey, hs.cred), "", "")
	if !strings.Contains(full.Body.String(), subj["studentId"].(string)) {
		t.Error("with the view token, the transcript is not shown")
	}
	if w := hs.do("GET", "/v/"+hs.cred+"?k=AAAAAAAAAAAAAAAAAAAAAA", "", ""); strings.Contains(w.Body.String(), subj["studentId"].(string)) {
		t.Error("a wrong view token shows the transcript")
	}
}

func testConsent(t *testing.T, hs *holderSite) {
	if w := hs.do("POST", "/d/"+hs.token+"/deliveries", "application/json", `{"email": "admissions@uni.example", "consent": false}`); w.Code != 400 {
		t.Fatalf("without consent: %d", w.Code)
	}
	if w := hs.do("POST", "/d/"+hs.token+"/deliveries", "application/json", `{"email": "not an address", "consent": true}`); w.Code != 400 {
		t.Fatalf("a bad address: %d", w.Code)
	}
	w := hs.do("POST", "/d/"+hs.token+"/deliveries", "application/json", `{"email": "admissions@uni.example", "note": "Application 42", "consent": true}`)
	if w.Code != 202 {
		t.Fatalf("with consent: %d %s", w.Code, w.Body)
	}
	w = hs.do("GET", "/api/v1/credentials/"+hs.cred+"/shares", "", "", "Authorization", "Bearer t")
	var v struct {
		Deliveries []struct{ Email, Note, Kind string }
		Consents   []struct{ Recipient, Statement string }
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &v) != nil || len(v.Deliveries) != 1 || len(v.Consents) != 1 {
		t.Fatalf("the registry's view: %d %s", w.Code, w.Body)
	}
	if v.Deliveries[0].Note != "Application 42" || !strings.Contains(v.Consents[0].Statement, "admissions@uni.example") {
		t.Errorf("recorded: %+v", v)
	}
	if strings.Contains(w.Body.String(), `"passcode":"$`) {
		t.Error("the registry's view shows a passcode hash")
	}
}

// TestLogsNoTokens: the request log names routes, never a token.
func TestLogsNoTokens(t *testing.T) {
	var logs bytes.Buffer
	hs2 := newHolderSiteWithLog(t, testkit.Stores(t)["sqlite"](t), &logs)
	hs2.do("GET", "/d/"+hs2.token, "", "")
	_, p := hs2.share(t, `{"label": "x"}`)
	hs2.do("GET", p, "", "")
	if strings.Contains(logs.String(), hs2.token) || strings.Contains(logs.String(), strings.TrimPrefix(p, "/s/")) {
		t.Errorf("a token in the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "/d/:token") {
		t.Errorf("no route in the log:\n%s", logs.String())
	}
}

// testRenew: a new link for the right student id and address, the same
// answer for wrong ones, and a limit per client.
func testRenew(t *testing.T, hs *holderSite) {
	count := func() int {
		ds, _ := hs.db.CredentialDeliveries(context.Background(), hs.cred)
		n := 0
		for _, d := range ds {
			if d.Kind == delivery.KindRenewal {
				n++
			}
		}
		return n
	}
	form := func(id, email string) *httptest.ResponseRecorder {
		return hs.do("POST", "/renew", "application/x-www-form-urlencoded", url.Values{"studentId": {id}, "email": {email}}.Encode())
	}
	wrong := form("99999999", "grad@example.edu")
	right := form(hs.issued.StudentID, "GRAD@example.edu")
	if wrong.Code != 200 || right.Code != 200 || wrong.Body.String() != right.Body.String() {
		t.Fatalf("the answers differ: %d %d", wrong.Code, right.Code)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d renewals, want 1", n)
	}
	for range 3 {
		form("x", "y@example.edu")
	}
	if w := form(hs.issued.StudentID, "grad@example.edu"); w.Code != 429 {
		t.Errorf("the sixth request in an hour: %d", w.Code)
	}
}
