package main_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/mail/mailtest"
)

// server is a running 'etranscript serve'.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	base   string
	tok    string
	logs   *bytes.Buffer
	client *http.Client
}

func startServe(t *testing.T, data string, port int, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--data", data, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port)}, args...)...)
	cmd.Env = append(os.Environ(), "ETRANSCRIPT_PASSPHRASE=e2e-test-passphrase")
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port), logs: logs, client: http.DefaultClient}
	if slices.Contains(args, "--tls-self-signed") {
		s.base = fmt.Sprintf("https://127.0.0.1:%d", port)
		// The certificate is made at start: the test trusts it as a
		// developer would, having compared the printed fingerprint.
		s.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if r, err := s.client.Get(s.base + "/healthz"); err == nil {
			r.Body.Close()
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("serve did not come up:\n%s", logs)
		}
	}
	return s
}

func (s *server) kill() { s.cmd.Process.Kill(); s.cmd.Wait() }

func (s *server) do(method, path, typ string, body []byte, auth bool) (int, []byte) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if typ != "" {
		req.Header.Set("Content-Type", typ)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+s.tok)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type jobView struct {
	State    string         `json:"state"`
	Done     int            `json:"done"`
	Total    int            `json:"total"`
	Error    string         `json:"error"`
	Mail     map[string]int `json:"mail"`
	Built    int            `json:"built"`
	Anchored bool           `json:"anchored"`
	Written  int            `json:"written"`
	Mailed   int            `json:"mailed"`
}

func (s *server) job(id string) jobView {
	code, b := s.do("GET", "/api/v1/batches/"+id, "", nil, true)
	var j jobView
	if code == 200 {
		json.Unmarshal(b, &j)
	}
	return j
}

func (s *server) waitDone(id string, limit time.Duration) jobView {
	s.t.Helper()
	start := time.Now()
	for {
		j := s.job(id)
		if j.State == "done" {
			return j
		}
		if time.Since(start) > limit {
			s.t.Fatalf("batch %s not done after %s: %+v\n%s", id, limit, j, s.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var (
	mailLink  = regexp.MustCompile(`http://127\.0\.0\.1:\d+/d/[A-Za-z0-9_-]{43}`)
	shareLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{43}`)
)

// TestServeAPI: the issuer API through a running serve, on the embedded dev
// chain, with mail to a real SMTP server.
func TestServeAPI(t *testing.T) {
	port := freePort(t)
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	smtpSrv := mailtest.Start(t, nil, false)
	s := startServe(t, data, port, "--smtp", "smtp://"+smtpSrv.Addr)
	s.tok = strings.TrimSpace(etranscript(t, data, "token", "create", "e2e").stdout)
	sample, _ := os.ReadFile("../../cli/sample/sample-batch.json")

	apiRequests(t, s, sample)
	msgs := releaseHeldMail(t, s, smtpSrv)
	link := downloadsByMail(t, s, sample, msgs)
	id := revokeLinks(t, s, link)
	thirdPartyAndVerify(t, s, smtpSrv, data, id)
	methodsAndSchemes(t, s)
	if code, _ := s.do("GET", "/v/urn:uuid:nope", "", nil, false); code != 404 {
		t.Errorf("unknown share link: %d", code)
	}
	if code, _ := s.do("POST", "/api/v1/credentials/"+id+"/revoke", "application/json", []byte(`{"reason":"issued in error"}`), true); code != 200 {
		t.Errorf("revoke: %d", code)
	}
	if _, b := s.do("GET", "/issuer/revocations.json?assertionId="+id, "", nil, false); !strings.Contains(string(b), "issued in error") {
		t.Errorf("revocation list: %s", b)
	}
}

// apiRequests: the issuer API's answers, and a batch submitted.
func apiRequests(t *testing.T, s *server, sample []byte) {
	bad := []byte(`{"batch": "bad", "records": [
		{"studentId": "1", "name": "A", "email": "not-an-address", "program": {"code": "X", "name": "X", "level": "undergraduate"},
		 "terms": [{"term": "2022-23 Fall", "courses": [{"code": "C1", "title": "T", "credits": 3, "grade": "Z"}]}]},
		{"studentId": "2", "name": "B", "email": "b@example.edu", "program": {"code": "X", "name": "X", "level": "undergraduate"},
		 "terms": [{"term": "2022-23 Fall", "courses": [{"code": "C1", "title": "T", "credits": -1, "grade": "A"}]}]}]}`)
	for _, tc := range []struct {
		name      string
		method    string
		path, typ string
		body      []byte
		auth      bool
		code      int
		words     []string
	}{
		{"fail/no-token", "POST", "/api/v1/batches", "application/json", sample, false, 401, []string{"token"}},
		{"fail/bad-token", "GET", "/api/v1/batches/x", "", nil, false, 401, nil},
		{"fail/invalid-batch", "POST", "/api/v1/batches", "application/json", bad, true, 422, []string{`"record":1`, `"record":2`, `"field":"email"`, `"field":"terms[0].courses[0].grade"`, "credits"}},
		{"fail/too-large", "POST", "/api/v1/batches", "application/json", make([]byte, 50<<20), true, 413, []string{"at most"}},
		{"fail/csv-without-id", "POST", "/api/v1/batches", "text/csv", []byte("studentId\n"), true, 400, []string{"?batch="}},
		{"fail/not-json-or-csv", "POST", "/api/v1/batches", "text/plain", sample, true, 415, nil},
		{"fail/unknown-batch", "GET", "/api/v1/batches/nope", "", nil, true, 404, nil},
		{"fail/unknown-credential", "POST", "/api/v1/credentials/urn:uuid:nope/revoke", "application/json", []byte(`{"reason":"x"}`), true, 404, nil},
		{"ok/openapi", "GET", "/api/v1/openapi.json", "", nil, false, 200, []string{`"openapi"`, "/batches"}},
		{"ok/submit", "POST", "/api/v1/batches", "application/json", sample, true, 202, []string{`"state":"queued"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "fail/bad-token" {
				req, _ := http.NewRequest("GET", s.base+tc.path, nil)
				req.Header.Set("Authorization", "Bearer etr_wrong")
				resp, _ := http.DefaultClient.Do(req)
				resp.Body.Close()
				if resp.StatusCode != 401 {
					t.Errorf("status %d", resp.StatusCode)
				}
				return
			}
			code, body := s.do(tc.method, tc.path, tc.typ, tc.body, tc.auth)
			if code != tc.code {
				t.Fatalf("status %d, want %d: %.300s", code, tc.code, body)
			}
			for _, w := range tc.words {
				if !strings.Contains(string(body), w) {
					t.Errorf("no %q in %.500s", w, body)
				}
			}
		})
	}
}

// releaseHeldMail: a batch on the dev chain (a test chain) is held until
// asked for, then mailed, saying it is a test.
func releaseHeldMail(t *testing.T, s *server, smtpSrv *mailtest.Server) []mailtest.Message {
	j := s.waitDone("2026-11-conferment", 60*time.Second)
	if j.Mail["held"] != 3 || j.Mail["sent"] != 0 || len(smtpSrv.Messages()) != 0 {
		t.Fatalf("a test-chain batch was mailed unasked: %+v", j)
	}
	if code, body := s.do("POST", "/api/v1/batches/2026-11-conferment/mail", "", nil, false); code != 401 {
		t.Fatalf("mail without a token: %d %s", code, body)
	}
	if code, body := s.do("POST", "/api/v1/batches/2026-11-conferment/mail", "", nil, true); code != 202 || !strings.Contains(string(body), `"released":3`) {
		t.Fatalf("mail: %d %s", code, body)
	}
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(50 * time.Millisecond) {
		if j = s.job("2026-11-conferment"); j.Mail["sent"] == 3 {
			break
		}
	}
	if j.Mail["sent"] != 3 || j.Done != 3 || j.Built != 3 || !j.Anchored || j.Written != 3 || j.Mailed != 3 {
		t.Fatalf("job %+v", j)
	}
	msgs := smtpSrv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	if m := string(msgs[0].Data); !strings.Contains(m, "THIS IS A TEST") || !strings.Contains(m, "[TEST") {
		t.Errorf("a test credential's mail does not say so:\n%.800s", m)
	}
	return msgs
}

// downloadsByMail: each mailed link gives its graduate's credential and PDF.
func downloadsByMail(t *testing.T, s *server, sample []byte, msgs []mailtest.Message) string {
	var students struct {
		Records []struct{ StudentID, Email string }
	}
	json.Unmarshal(sample, &students)
	byEmail := map[string]string{}
	for _, r := range students.Records {
		byEmail[r.Email] = r.StudentID
	}
	var link string
	for _, m := range msgs {
		link = mailLink.FindString(strings.ReplaceAll(string(m.Data), "=\r\n", ""))
		if link == "" {
			t.Fatalf("no link in the mail to %s", m.To[0])
		}
		code, b := s.do("GET", strings.TrimPrefix(link, s.base)+"/credential.json", "", nil, false)
		var c struct {
			CredentialSubject struct{ StudentID string } `json:"credentialSubject"`
		}
		json.Unmarshal(b, &c)
		if code != 200 || c.CredentialSubject.StudentID != byEmail[m.To[0]] {
			t.Errorf("the link mailed to %s gave %d, student %q", m.To[0], code, c.CredentialSubject.StudentID)
		}
		if code, b := s.do("GET", strings.TrimPrefix(link, s.base)+"/transcript.pdf", "", nil, false); code != 200 || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("PDF download: %d", code)
		}
	}
	return link
}

// revokeLinks: the batch's credentials, then its links revoked: 410. It
// returns the first credential's id.
func revokeLinks(t *testing.T, s *server, link string) string {
	code, b := s.do("GET", "/api/v1/batches/2026-11-conferment/credentials", "", nil, true)
	var creds struct {
		Credentials []struct {
			ID         string `json:"credential"`
			Deliveries []struct {
				ID    string `json:"id"`
				State string `json:"state"`
			} `json:"deliveries"`
		} `json:"credentials"`
	}
	if json.Unmarshal(b, &creds); code != 200 || len(creds.Credentials) != 3 || creds.Credentials[0].Deliveries[0].State != "sent" {
		t.Fatalf("credentials: %d %s", code, b)
	}
	for _, c := range creds.Credentials {
		if code, _ := s.do("DELETE", "/api/v1/deliveries/"+c.Deliveries[0].ID+"/links", "", nil, true); code != 204 {
			t.Fatalf("revoking links: %d", code)
		}
	}
	if code, _ := s.do("GET", strings.TrimPrefix(link, s.base), "", nil, false); code != 410 {
		t.Errorf("a revoked link: %d, want 410", code)
	}
	return creds.Credentials[0].ID
}

// thirdPartyAndVerify: a third party's delivery, the public page by id and
// the verify API.
func thirdPartyAndVerify(t *testing.T, s *server, smtpSrv *mailtest.Server, data, id string) {
	if code, b := s.do("POST", "/api/v1/credentials/"+id+"/deliveries", "application/json", []byte(`{"email":"admissions@university.example","name":"Admissions"}`), true); code != 202 {
		t.Fatalf("third-party delivery: %d %s", code, b)
	}
	for start := time.Now(); len(smtpSrv.Messages()) < 4 && time.Since(start) < 20*time.Second; time.Sleep(50 * time.Millisecond) {
	}
	if m := smtpSrv.Messages(); len(m) != 4 || m[3].To[0] != "admissions@university.example" {
		t.Errorf("third-party mail not received: %d messages", len(m))
	} else if body := strings.ReplaceAll(string(m[3].Data), "=\r\n", ""); !strings.Contains(body, "/s/") || strings.Contains(body, "/d/") {
		// A share link of its own, never the graduate's download link.
		t.Errorf("the third party's mail does not carry a share link:\n%.1500s", body)
	} else if code, b := s.do("GET", shareLink.FindString(body)[len(s.base):], "", nil, false); code != 200 || !strings.Contains(string(b), `class="verdict verified"`) {
		t.Errorf("the third party's share link: %d", code)
	}
	// The public share link and the verify API, before the revocation.
	if code, b := s.do("GET", "/v/"+id, "", nil, false); code != 200 || !strings.Contains(string(b), `class="verdict verified"`) {
		t.Errorf("share link /v/%s: %d\n%.600s", id, code, b)
	}
	cj, _ := os.ReadFile(filepath.Join(data, "issued", "2026-11-conferment", strings.TrimPrefix(id, "urn:uuid:")+".json"))
	if code, b := s.do("POST", "/api/v1/verify", "application/json", cj, false); code != 200 || !strings.Contains(string(b), `"status":"verified"`) || !strings.Contains(string(b), `"trust":{"listed":true`) {
		t.Errorf("verify API: %d %.600s", code, b)
	}
	// ok/bare-uuid: /v/ takes the UUID alone, as in the file's name.
	if code, b := s.do("GET", "/v/"+strings.ToUpper(strings.TrimPrefix(id, "urn:uuid:")), "", nil, false); code != 200 || !strings.Contains(string(b), `class="verdict verified"`) {
		t.Errorf("share link by bare UUID: %d", code)
	}
}

// methodsAndSchemes: the verify API takes POST only; the Bearer scheme is
// case-insensitive.
func methodsAndSchemes(t *testing.T, s *server) {
	// The verify API takes POST only: 405 with Allow, not 401.
	for _, m := range []string{"GET", "OPTIONS", "PUT"} {
		req, _ := http.NewRequest(m, s.base+"/api/v1/verify", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
			t.Errorf("%s /api/v1/verify: %d, Allow %q", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
	// The Bearer scheme is case-insensitive.
	for _, scheme := range []string{"bearer", "BEARER", "Bearer "} {
		req, _ := http.NewRequest("GET", s.base+"/api/v1/batches/2026-11-conferment", nil)
		req.Header.Set("Authorization", scheme+" "+s.tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("scheme %q: %d", scheme, resp.StatusCode)
		}
	}
}

// TestServeKilled: serve killed while it issues a batch, and again while it
// mails, then restarted: the batch completes, its root is anchored once,
// and every graduate gets exactly one mail.
func TestServeKilled(t *testing.T) {
	port := freePort(t)
	data := initData(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	smtpSrv := mailtest.Start(t, nil, false)
	tok := strings.TrimSpace(etranscript(t, data, "token", "create", "e2e").stdout)
	b := testkit.Batch(300, 8, 77)
	b.ID = "killed"
	body, _ := json.Marshal(b)
	s := startServe(t, data, port, "--smtp", "smtp://"+smtpSrv.Addr)
	s.tok = tok
	if code, resp := s.do("POST", "/api/v1/batches?mail=true", "application/json", body, true); code != 202 {
		t.Fatalf("submit: %d %s", code, resp)
	}
	killedIssuing := false
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(20 * time.Millisecond) {
		if j := s.job("killed"); j.State == "issuing" {
			time.Sleep(300 * time.Millisecond)
			s.kill()
			killedIssuing = true
			break
		}
	}
	if !killedIssuing {
		t.Fatal("never saw the batch issuing")
	}
	s = startServe(t, data, port, "--smtp", "smtp://"+smtpSrv.Addr)
	s.tok = tok
	killedMailing := false
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(5 * time.Millisecond) {
		if n := len(smtpSrv.Messages()); n > 0 && n < 300 {
			s.kill()
			killedMailing = true
			break
		} else if n >= 300 {
			break
		}
	}
	t.Logf("killed while issuing: %v; killed while mailing: %v (after %d messages)", killedIssuing, killedMailing, len(smtpSrv.Messages()))
	s = startServe(t, data, port, "--smtp", "smtp://"+smtpSrv.Addr)
	s.tok = tok
	j := s.waitDone("killed", 120*time.Second)
	if j.Done != 300 || j.Mail["sent"] != 300 {
		t.Fatalf("job %+v", j)
	}
	// One mail per graduate: one Message-ID each. A mail in flight when
	// the process died is sent again with the same Message-ID (at least
	// once); count such repeats, which receivers recognise.
	ids := map[string]map[string]bool{}
	repeats := 0
	for _, m := range smtpSrv.Messages() {
		id := regexp.MustCompile(`(?m)^Message-ID: (<[^>]+>)`).FindStringSubmatch(string(m.Data))
		if id == nil {
			t.Fatal("a message without Message-ID")
		}
		if ids[m.To[0]] == nil {
			ids[m.To[0]] = map[string]bool{}
		}
		if ids[m.To[0]][id[1]] {
			repeats++
		}
		ids[m.To[0]][id[1]] = true
	}
	if len(ids) != 300 {
		t.Errorf("%d graduates got mail, want 300", len(ids))
	}
	for to, set := range ids {
		if len(set) != 1 {
			t.Errorf("%s got %d different mails", to, len(set))
		}
	}
	t.Logf("%d messages received; %d repeated an earlier Message-ID", len(smtpSrv.Messages()), repeats)
	// One anchoring transaction: the issuer's account sent exactly one.
	s.kill() // the dev chain alone, to read it
	p := freePort(t)
	startDevchain(t, data, p)
	if n := nonce(t, p, ethAddress(t, data)); n != 1 {
		t.Errorf("the issuer's account sent %d transactions, want 1", n)
	}
	// The dev chain records its address once it has started (after its
	// RPC answers): wait for it, as a user waits for its ready line.
	want := fmt.Sprintf("http://127.0.0.1:%d", p)
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(50 * time.Millisecond) {
		if u, _ := os.ReadFile(filepath.Join(data, "devchain", "rpc-url")); strings.TrimSpace(string(u)) == want {
			break
		}
	}
	out := filepath.Join(data, "issued", "killed")
	if r := verifyAll(t, data, out); r.code != 0 {
		t.Errorf("verify after the restarts: %s", r.stdout[:min(len(r.stdout), 3000)])
	}
}

// TestServeStoreDown: a database that cannot be reached stops serve at
// once with a clear error and exit 3 (and no password in the message).
func TestServeStoreDown(t *testing.T) {
	data := initData(t, "https://registry.example.edu")
	for _, dsn := range []string{"postgres://etr:secret@127.0.0.1:1/etr?connect_timeout=2", "sqlite:/proc/etranscript/none.db"} {
		r := etranscript(t, data, "--db", dsn, "serve", "--addr", fmt.Sprintf("127.0.0.1:%d", freePort(t)))
		if r.code != 3 || !strings.Contains(r.stderr, "database unavailable") || strings.Contains(r.stderr, "secret") {
			t.Errorf("%s: exit %d, %s", dsn, r.code, r.stderr)
		}
	}
}
