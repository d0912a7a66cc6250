package vcapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/credential/vcdm"
	"github.com/etranscript/etranscript/vcapi"
	"github.com/etranscript/etranscript/verifier"
)

var key = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))

func testIssuer() *vcapi.Issuer {
	did, vm := dataintegrity.DIDKey(key.Public().(ed25519.PublicKey))
	return &vcapi.Issuer{ID: did, Method: vm, Signer: key, Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }}
}

func read(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// withIssuer fills the issuer as the suite does: ours unless the input
// names one (or null).
func withIssuer(c map[string]any, id string) {
	switch x := c["issuer"].(type) {
	case map[string]any:
		if v, has := x["id"]; !has || v != nil && v == "" {
			x["id"] = id
		}
	case nil:
		if _, has := c["issuer"]; !has {
			c["issuer"] = id
		}
	}
}

// TestDataModelInputs: the W3C suite's credentials are issued or refused
// as their names say, and every issued one verifies; its presentations
// break the data model's rules as their names say.
func TestDataModelInputs(t *testing.T) {
	is := testIssuer()
	v := &verifier.Verifier{Now: time.Now}
	files, _ := filepath.Glob("testdata/vc-data-model-2.0/*.json")
	more, _ := filepath.Glob("testdata/vc-data-model-2.0/*/*.json")
	files = append(files, more...)
	if len(files) < 90 {
		t.Fatalf("%d inputs", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			doc := read(t, f)
			switch {
			case strings.HasPrefix(name, "presentation-"):
				checkPresentation(t, name, doc)
				return
			case strings.HasPrefix(name, "issuer-"), strings.HasPrefix(name, "credential-"):
			default:
				t.Skip("not an input of the issuer")
			}
			withIssuer(doc, is.ID)
			fillDates(doc)
			vc, err := is.Issue(context.Background(), doc, vcapi.Options{})
			var ie *vcapi.InputError
			switch {
			case strings.HasSuffix(name, "-fail-or-inject"):
			case strings.HasSuffix(name, "-ok") && err != nil:
				t.Fatalf("refused: %v %+v", err, ie)
			case strings.HasSuffix(name, "-fail") && err == nil:
				t.Fatalf("issued: %v", vc)
			case err != nil && !errors.As(err, &ie):
				t.Fatalf("not an input error: %v", err)
			}
			if err == nil {
				// Issued: its proof verifies (its dates and status are the
				// input's: some have expired, some name status lists of
				// kinds no one reads).
				r := v.Verify(context.Background(), vc)
				for _, c := range r.Checks {
					if (c.ID == verifier.CheckSignature || c.ID == verifier.CheckIntegrity || c.ID == verifier.CheckFormat) && c.Status != verifier.Passed {
						t.Errorf("issued, then %s: %s", c.ID, c.Message)
					}
				}
			}
		})
	}
}

func checkPresentation(t *testing.T, name string, doc map[string]any) {
	ps := vcdm.Presentation(doc)
	switch {
	case strings.HasSuffix(name, "-ok") && len(ps) > 0:
		t.Errorf("problems %+v", ps)
	case strings.HasSuffix(name, "-fail") && len(ps) == 0:
		t.Errorf("no problem found")
	}
}

// fillDates puts dates where the suite's templates say PAST DATE and
// FUTURE DATE, as the suite does.
func fillDates(doc map[string]any) {
	for k, v := range doc {
		switch v {
		case "PAST DATE":
			doc[k] = time.Now().AddDate(-1, 0, 0).UTC().Format(time.RFC3339)
		case "FUTURE DATE":
			doc[k] = time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)
		}
	}
}

// FuzzIssue: any credential given to Issue is issued or refused with an
// InputError, never a panic or another error, and what is issued verifies
// its proof.
func FuzzIssue(f *testing.F) {
	f.Add([]byte(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:a"}}`))
	f.Add([]byte(`{"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "issuanceDate": "2020-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:a"}}`))
	is := testIssuer()
	v := &verifier.Verifier{Now: time.Now}
	f.Fuzz(func(t *testing.T, b []byte) {
		var doc map[string]any
		if len(b) > 4096 || json.Unmarshal(b, &doc) != nil || doc == nil {
			return
		}
		withIssuer(doc, is.ID)
		vc, err := is.Issue(context.Background(), doc, vcapi.Options{})
		var ie *vcapi.InputError
		if err != nil {
			if !errors.As(err, &ie) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		for _, c := range v.Verify(context.Background(), vc).Checks {
			if c.ID == verifier.CheckSignature && c.Status == verifier.Failed {
				t.Fatalf("issued, then its signature fails: %s", c.Message)
			}
		}
	})
}
