package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/mail"
	"github.com/etranscript/etranscript/mail/mailtest"
)

func message() *mail.Message {
	return &mail.Message{ID: "abc@registry.example.edu", From: `"Registry" <registry@example.edu>`, To: `"陳大文" <tm@example.edu>`,
		Subject: "Your transcript / 電子成績單", Text: "Download: https://r.example.edu/d/xyz\n", HTML: "<p>Download</p>", Date: time.Now()}
}

// serverTLS is a self-signed certificate for 127.0.0.1 and a client
// configuration that trusts it.
func serverTLS(t *testing.T) (*tls.Config, *tls.Config) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

func TestSMTP(t *testing.T) {
	srvTLS, cliTLS := serverTLS(t)
	for _, tc := range []struct {
		name     string
		tls      *tls.Config
		implicit bool
		url      string
	}{
		{"ok/plain", nil, false, "smtp://%s"},
		{"ok/starttls", srvTLS, false, "smtp://user:secret@%s"},
		{"ok/smtps", srvTLS, true, "smtps://user:secret@%s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.tls, tc.implicit)
			s, err := mail.ParseURL(strings.Replace(tc.url, "%s", srv.Addr, 1))
			if err != nil {
				t.Fatal(err)
			}
			s.TLS = cliTLS
			if err := s.Send(context.Background(), message()); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 || got[0].To[0] != "tm@example.edu" || !strings.Contains(string(got[0].Data), "Message-ID: <abc@registry.example.edu>") {
				t.Fatalf("received %+v", got)
			}
		})
	}
	t.Run("fail/temporary", func(t *testing.T) {
		srv := mailtest.Start(t, nil, false)
		srv.Refuse()
		s, _ := mail.ParseURL("smtp://" + srv.Addr)
		err := s.Send(context.Background(), message())
		if err == nil || mail.Permanent(err) {
			t.Fatalf("451: %v (permanent %v)", err, mail.Permanent(err))
		}
	})
	t.Run("fail/down", func(t *testing.T) {
		s, _ := mail.ParseURL("smtp://127.0.0.1:1")
		if err := s.Send(context.Background(), message()); err == nil || mail.Permanent(err) {
			t.Fatalf("down: %v", err)
		}
	})
	t.Run("fail/bad-url", func(t *testing.T) {
		if _, err := mail.ParseURL("http://user:secret@x"); err == nil || strings.Contains(err.Error(), "secret") {
			t.Fatalf("bad url: %v", err)
		}
	})
}

func TestOutbox(t *testing.T) {
	dir := t.TempDir()
	o := &mail.Outbox{Dir: dir}
	for i := 0; i < 2; i++ { // sent twice: one file
		if err := o.Send(context.Background(), message()); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%v", files)
	}
	b, _ := os.ReadFile(files[0])
	for _, want := range []string{"Subject: =?utf-8?q?", "To: =?utf-8?", "Content-Type: text/html; charset=utf-8", "https://r.example.edu/d/xyz"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("message has no %q:\n%s", want, b)
		}
	}
	m := message()
	m.Subject = "x\r\nBcc: evil@example.com"
	if err := o.Send(context.Background(), m); !mail.Permanent(err) {
		t.Errorf("header injection: %v", err)
	}
}
