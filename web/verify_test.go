package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
	"github.com/etranscript/etranscript/web"
)

// verifierSite is a public verifier for the test issuer's credentials.
func verifierSite(t testing.TB, perSecond float64, burst int) (*testkit.Issuer, http.Handler) {
	is := testkit.NewIssuer(t)
	is.EnablePDF(t)
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: is.Fetcher(nil), Trusted: verifier.TrustList{"registry.example.edu"}}
	srv := &web.Server{Site: &publish.Site{Config: is.Config, Status: is.Status},
		Verifying: &web.Verifying{Verifier: v, PerSecond: perSecond, Burst: burst}}
	return is, srv.Handler()
}

func post(h http.Handler, path, typ string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", typ)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func form(t testing.TB, field, name string, content []byte) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if name != "" {
		fw, _ := mw.CreateFormFile(field, name)
		fw.Write(content)
	} else {
		mw.WriteField(field, string(content))
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// TestVerifyAPI: every status code of POST /api/v1/verify.
func TestVerifyAPI(t *testing.T) {
	is, h := verifierSite(t, 1000, 1000)
	res := is.Issue(t, testkit.Batch(1, 5, 3))
	good, pdfDoc := res.Issued[0].JSON, res.Issued[0].PDF
	tampered := bytes.Replace(good, []byte(`"grade":"`), []byte(`"grade":"X`), 1)
	mt, mp := form(t, "file", "t.pdf", pdfDoc)
	pt, pp := form(t, "credential", "", good)
	for _, tc := range []struct {
		name  string
		typ   string
		body  []byte
		code  int
		words string
	}{
		{"ok/json", "application/json", good, 200, `"trust":{"listed":true,"entry":"registry.example.edu"}`},
		{"ok/pdf", "application/pdf", pdfDoc, 200, `"id":"pdf_signature","status":"passed"`},
		{"ok/multipart-file", mt, mp, 200, `"status":"verified"`},
		{"ok/multipart-pasted", pt, pp, 200, `"status":"verified"`},
		{"ok/tampered-is-a-verdict", "application/json", tampered, 200, `"status":"failed"`},
		{"fail/not-json", "application/json", []byte("{"), 400, "not a credential"},
		{"fail/too-deep", "application/json", []byte(strings.Repeat("[", 1000)), 400, "not a credential"},
		{"fail/too-large", "application/json", make([]byte, 11<<20), 413, "10 MB"},
		{"fail/media-type", "text/plain", good, 415, "application/json"},
		{"fail/empty-form", pt, []byte("--x--"), 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := post(h, "/api/v1/verify", tc.typ, tc.body)
			if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.words) {
				t.Fatalf("%d (want %d): %.400s", w.Code, tc.code, w.Body.String())
			}
			if tc.code == 200 && w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("content type %q", w.Header().Get("Content-Type"))
			}
		})
	}
	t.Run("fail/rate-limited", func(t *testing.T) {
		_, h := verifierSite(t, 0.001, 2)
		codes := []int{}
		for i := 0; i < 3; i++ {
			codes = append(codes, post(h, "/api/v1/verify", "application/json", good).Code)
		}
		if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
			t.Fatalf("codes %v, want 200 200 429", codes)
		}
	})
}

// TestPages: the upload page works without JavaScript, the result page
// says each check in words, in English or Chinese, and every credential
// field is escaped.
func TestPages(t *testing.T) {
	is, h := verifierSite(t, 1000, 1000)
	b := testkit.Batch(1, 3, 4)
	b.Records[0].Name = `<script>alert("x")</script>`
	b.Records[0].Terms[0].Courses[0].Title = `<img src=x onerror=alert(1)>`
	doc := is.Issue(t, b).Issued[0].JSON
	get := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, get)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `enctype="multipart/form-data"`) || strings.Contains(w.Body.String(), "<script") {
		t.Fatalf("index: %d %s", w.Code, w.Body.String())
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	typ, body := form(t, "file", "c.json", doc)
	w = post(h, "/verify", typ, body)
	page := w.Body.String()
	if w.Code != 200 || !strings.Contains(page, `class="verdict verified"`) || !strings.Contains(page, "genuine") ||
		!strings.Contains(page, "<strong>registry.example.edu</strong>") || !strings.Contains(page, "is on this site&#39;s list") {
		t.Fatalf("result: %d %s", w.Code, page)
	}
	for _, bad := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Errorf("%q rendered as markup", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the fields are not shown as text:\n%s", page)
	}
	w = post(h, "/verify", typ, body, "Accept-Language", "zh-HK,zh;q=0.9")
	if !strings.Contains(w.Body.String(), "已核實") || !strings.Contains(w.Body.String(), `lang="zh-Hant"`) {
		t.Errorf("Chinese page:\n%.600s", w.Body.String())
	}
	tampered := bytes.Replace(doc, []byte(`"grade":"`), []byte(`"grade":"X`), 1)
	typ, body = form(t, "file", "c.json", tampered)
	page = post(h, "/verify?lang=en", typ, body).Body.String()
	if !strings.Contains(page, `class="verdict failed"`) || !strings.Contains(page, "✘ failed") || strings.Contains(page, "<h2>Student") {
		t.Errorf("tampered: the failed check must be named, and its content not shown:\n%s", page)
	}
	css := httptest.NewRecorder()
	h.ServeHTTP(css, httptest.NewRequest("GET", "/static/style.css", nil))
	if css.Code != 200 || !strings.Contains(css.Body.String(), "@media print") {
		t.Errorf("stylesheet: %d", css.Code)
	}
}

// FuzzVerifyEndpoint: the verify API never fails with a 5xx or panics.
// Its seed corpus (testdata/fuzz/FuzzVerifyEndpoint) holds a credential and
// a signed PDF; the setup is instant (no issuer, no keys), so that every
// worker fuzzes at once.
func FuzzVerifyEndpoint(f *testing.F) {
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`), false)
	f.Add([]byte("%PDF-1.7\n"), true)
	cfg := &config.Config{Name: "Fuzz", URL: "https://registry.example.edu"}
	v := &verifier.Verifier{AllowTestChains: true, Fetcher: verifier.Local{}}
	h := (&web.Server{Site: &publish.Site{Config: cfg}, Verifying: &web.Verifying{Verifier: v, PerSecond: 1e6, Burst: 1e6}}).Handler()
	f.Fuzz(func(t *testing.T, data []byte, asPDF bool) {
		typ := "application/json"
		if asPDF {
			typ = "application/pdf"
		}
		var w *httptest.ResponseRecorder
		testkit.Bounded(testkit.FuzzInputBudget, fmt.Sprintf("POST /api/v1/verify of a %d-byte input", len(data)), func() {
			w = post(h, "/api/v1/verify", typ, data)
		})
		if w.Code >= 500 {
			t.Fatalf("%d: %s", w.Code, w.Body.String())
		}
	})
}

// TestLanguageSwitch: the result page's switch shows the same result in
// the other language (a GET of the kept result); once no longer kept, a
// plain page says so.
func TestLanguageSwitch(t *testing.T) {
	is, h := verifierSite(t, 1000, 1000)
	doc := is.Issue(t, testkit.Batch(1, 3, 4)).Issued[0].JSON
	typ, body := form(t, "file", "c.json", doc)
	w := post(h, "/verify?lang=en", typ, body)
	m := regexp.MustCompile(`href="(/verify/[A-Za-z0-9_-]+)\?lang=zh-Hant"`).FindStringSubmatch(w.Body.String())
	if w.Code != 200 || m == nil || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("no language switch to the kept result: %d %q\n%.400s", w.Code, w.Header().Get("Cache-Control"), w.Body.String())
	}
	g := httptest.NewRecorder()
	h.ServeHTTP(g, httptest.NewRequest("GET", m[1]+"?lang=zh-Hant", nil))
	if g.Code != 200 || !strings.Contains(g.Body.String(), "已核實") || !strings.Contains(g.Body.String(), `lang="zh-Hant"`) {
		t.Fatalf("switched: %d\n%.600s", g.Code, g.Body.String())
	}
	g = httptest.NewRecorder()
	h.ServeHTTP(g, httptest.NewRequest("GET", "/verify/not-a-kept-result?lang=zh-Hant", nil))
	if g.Code != 410 || !strings.Contains(g.Body.String(), "請重新核實") || !strings.HasPrefix(g.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("expired: %d\n%.600s", g.Code, g.Body.String())
	}
	g = httptest.NewRecorder()
	h.ServeHTTP(g, httptest.NewRequest("GET", "/verify?lang=zh-Hant", nil))
	if g.Code != 303 || g.Header().Get("Location") != "/?lang=zh-Hant" {
		t.Errorf("GET /verify: %d %q", g.Code, g.Header().Get("Location"))
	}
}

// TestFormErrors: a browser's form error is the form again, with the
// message in the page's language, never JSON.
func TestFormErrors(t *testing.T) {
	_, h := verifierSite(t, 1000, 1000)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	noFileT, noFile := form(t, "credential", "", []byte("  "))
	pngT, pngB := form(t, "file", "photo.png", png)
	badT, badB := form(t, "credential", "", []byte(`{"a": 1,`))
	for _, tc := range []struct {
		name, typ string
		body      []byte
		lang      string
		code      int
		words     string
	}{
		{"fail/no file/en", noFileT, noFile, "en", 400, "Choose a .pdf or .json file"},
		{"fail/no file/zh", noFileT, noFile, "zh-Hant", 400, "請選擇 .pdf 或 .json 檔案"},
		{"fail/png", pngT, pngB, "en", 400, "neither a transcript PDF nor a credential"},
		{"fail/png/zh", pngT, pngB, "zh-Hant", 400, "既非成績單 PDF"},
		{"fail/malformed json", badT, badB, "en", 400, "neither a transcript PDF nor a credential"},
		{"fail/too large", "multipart/form-data; boundary=x", bytes.Repeat([]byte("a"), 11<<20), "en", 413, "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := post(h, "/verify?lang="+tc.lang, tc.typ, tc.body)
			page := w.Body.String()
			if w.Code != tc.code || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") ||
				!strings.Contains(page, tc.words) || !strings.Contains(page, `<form method="post"`) || strings.Contains(page, `{"error"`) {
				t.Fatalf("%d %s\n%.800s", w.Code, w.Header().Get("Content-Type"), page)
			}
		})
	}
}
