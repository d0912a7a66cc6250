package pdf_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/pdf/pdfcheck"
)

// tsa is a local RFC 3161 timestamp authority (none is reachable here).
func tsa(t *testing.T) *httptest.Server {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "Test TSA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
			Time: time.Now(), Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 2, 3, 4, 1},
			Ordering: true, Accuracy: time.Second, Qualified: false, AddTSACertificate: req.Certificates, ExtraExtensions: nil}
		resp, err := ts.CreateResponse(cert, key)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTimestamp: with a timestamp authority configured, the signature
// carries an RFC 3161 token (PAdES B-T).
func TestTimestamp(t *testing.T) {
	is := testkit.NewIssuer(t)
	maker := is.EnablePDF(t)
	res := is.Issue(t, testkit.Batch(1, 3, 8))
	maker.Signing.TimestampURL = tsa(t).URL
	out, err := maker.Make(context.Background(), res.Issued[0].JSON)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := pdfcheck.Check(out)
	if err != nil {
		t.Fatal(err)
	}
	if !sig.Valid || sig.Timestamp.IsZero() || time.Since(sig.Timestamp) > time.Minute {
		t.Fatalf("timestamped signature: %+v", sig)
	}
}
