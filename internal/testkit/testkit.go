// Package testkit makes batches and issuers for tests and benchmarks:
// generated transcripts of any size, and a throw-away issuer with keys in a
// temporary directory.
package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/transcript"
	"github.com/etranscript/etranscript/verifier"
)

// IssuerURL is the base URL of the test issuer.
const IssuerURL = "https://registry.example.edu"

var grades = []string{"A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F", "P"}
var seasons = []string{"Fall", "Spring", "Summer"}

// Batch generates n records of courses courses each, deterministically
// from seed.
func Batch(n, courses int, seed uint64) *transcript.Batch {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	b := &transcript.Batch{ID: fmt.Sprintf("gen-%d-%d", n, courses)}
	for i := 0; i < n; i++ {
		rec := transcript.Record{
			StudentID: fmt.Sprintf("2%07d", i),
			Name:      fmt.Sprintf("STUDENT %d", i),
			NameLocal: "陳大文",
			Email:     fmt.Sprintf("s%d@connect.example.edu", i),
			Program:   transcript.Program{Code: "BSC-COSC", Name: "Bachelor of Science in Computer Science", Level: "undergraduate", Admitted: "2020-09-01"},
			Award:     &transcript.Award{Degree: "Bachelor of Science", Major: "Computer Science", Conferred: "2026-11-15"},
		}
		perTerm := 5
		for c := 0; c < courses; c++ {
			if c%perTerm == 0 {
				t := c / perTerm
				rec.Terms = append(rec.Terms, transcript.Term{Term: fmt.Sprintf("%d-%02d %s", 2020+t/3, (2021+t/3)%100, seasons[t%3])})
			}
			t := &rec.Terms[len(rec.Terms)-1]
			t.Courses = append(t.Courses, transcript.Course{
				Code:    fmt.Sprintf("COMP%04d", 1000+c),
				Title:   fmt.Sprintf("Course number %d", c),
				Credits: transcript.DecimalOf(1 + r.IntN(4)),
				Grade:   grades[r.IntN(len(grades))],
			})
		}
		b.Records = append(b.Records, rec)
	}
	return b
}

// Issuer is a test issuer in a temporary data directory.
type Issuer struct {
	Dir     string
	Config  *config.Config
	Ring    *keys.Ring
	Profile []byte
	// Status keeps the credentials' status in memory; Site publishes it.
	Status *status.Service
	Site   *publish.Site
	// PDF, once EnablePDF is called, makes every credential's PDF.
	PDF *pdf.Maker
}

// EnablePDF gives the issuer a document-signing certificate (as init
// does) and makes Issue write a signed PDF beside each credential.
func (is *Issuer) EnablePDF(tb testing.TB) *pdf.Maker {
	tb.Helper()
	if _, err := is.Ring.AddPDFCert(is.Config.Name, []byte(Passphrase), time.Now().Add(-time.Hour)); err != nil {
		tb.Fatal(err)
	}
	key, chain, err := is.Ring.PDFSigner([]byte(Passphrase))
	if err != nil {
		tb.Fatal(err)
	}
	is.Refresh(tb)
	is.PDF = &pdf.Maker{Renderer: pdf.NewRenderer(), Institution: is.Config.Name, VerifyURL: is.Config.VerifyURL,
		Scheme: transcript.HKUST(), Signing: pdf.Signing{Key: key, Chain: chain, Reason: "Official transcript"}}
	return is.PDF
}

// Passphrase of test issuers.
const Passphrase = "test-passphrase-not-secret"

// NewIssuer initializes a data directory under t.TempDir().
func NewIssuer(tb testing.TB) *Issuer {
	tb.Helper()
	dir := tb.TempDir()
	cfg := &config.Config{Name: "Test University", URL: IssuerURL}
	if err := cfg.Save(dir); err != nil {
		tb.Fatal(err)
	}
	ring, err := keys.Create(dir, []byte(Passphrase), time.Now().Add(-time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	p, err := json.Marshal(ring.Profile(cfg.Issuer()))
	if err != nil {
		tb.Fatal(err)
	}
	svc := &status.Service{Store: status.NewMemStore(), BaseURL: cfg.URL, IssuerURL: cfg.ProfileURL(), RevocationListURL: cfg.RevocationListURL()}
	return &Issuer{Dir: dir, Config: cfg, Ring: ring, Profile: p, Status: svc, Site: &publish.Site{Config: cfg, Status: svc}}
}

// Fetcher answers the issuer's profile (as in Profile) and its status
// lists; any other URL goes to next, if set.
func (is *Issuer) Fetcher(next verifier.Fetcher) verifier.Fetcher {
	return verifier.Local{Docs: map[string][]byte{is.Config.ProfileURL(): is.Profile}, Next: publish.Fetcher{Site: is.Site, Next: next}}
}

// StatusSigner is the active Ed25519 key as the status lists' signer.
func (is *Issuer) StatusSigner() *status.Signer {
	ed, _ := is.Ring.Active(keys.Ed25519)
	signer, err := is.Ring.Signer(ed.ID, []byte(Passphrase))
	if err != nil {
		panic(err) // the test issuer's own key
	}
	return &status.Signer{Key: signer, Method: is.Config.ProfileURL() + "#" + ed.ID}
}

// Refresh remakes the profile after the key ring changed.
func (is *Issuer) Refresh(tb testing.TB) {
	p, err := json.Marshal(is.Ring.Profile(is.Config.Issuer()))
	if err != nil {
		tb.Fatal(err)
	}
	is.Profile = p
}

// Settings are the pipeline settings of the test issuer.
func (is *Issuer) Settings() issuer.Settings {
	k, _ := is.Ring.Active(keys.Secp256k1)
	ed, _ := is.Ring.Active(keys.Ed25519)
	signer, err := is.Ring.Signer(ed.ID, []byte(Passphrase))
	if err != nil {
		panic(err) // the test issuer's own key
	}
	sig := &status.Signer{Key: signer, Method: is.Config.ProfileURL() + "#" + ed.ID}
	s := issuer.Settings{
		IssuerURL: is.Config.ProfileURL(), IssuerName: is.Config.Name, Scheme: transcript.HKUST(),
		VerificationMethod: is.Config.ProfileURL() + "#" + k.ID,
		Signer:             signer, SigningMethod: sig.Method,
		Status: func(ctx context.Context, batch string, ids []string) ([][]credential.StatusEntry, error) {
			return is.Status.Assign(ctx, batch, ids, sig)
		},
		Unassign: is.Status.Unassign,
	}
	if is.PDF != nil {
		s.Outputs = []issuer.Output{is.PDF}
	}
	return s
}

// Issued is one credential of a test batch, read back from its file.
type Issued struct {
	StudentID  string
	ID         string
	File       string
	JSON       []byte
	Credential map[string]any
	PDF        []byte // if the issuer makes PDFs
}

// Result is a test batch with its credentials read back (test batches are
// small).
type Result struct {
	*issuer.Batch
	Issued []Issued
}

// Issue issues b on mocknet.
func (is *Issuer) Issue(tb testing.TB, b *transcript.Batch) *Result {
	tb.Helper()
	return is.IssueOn(tb, b, "mocknet", anchor.MocknetAnchorer{})
}

// IssueOn issues b, anchoring with a.
func (is *Issuer) IssueOn(tb testing.TB, b *transcript.Batch, chain string, a issuer.Anchorer) *Result {
	tb.Helper()
	dir := tb.TempDir()
	job := issuer.Job{Dir: filepath.Join(dir, "batch"), Batch: b, Input: issuer.Digest(b), Chain: chain, Anchorer: a, Out: filepath.Join(dir, "out")}
	res, err := issuer.Run(context.Background(), job, is.Settings())
	if err != nil {
		tb.Fatal(err)
	}
	return ReadBack(tb, res)
}

// RunWith issues b on mocknet with the given settings.
func RunWith(tb testing.TB, b *transcript.Batch, s issuer.Settings) *Result {
	tb.Helper()
	dir := tb.TempDir()
	job := issuer.Job{Dir: filepath.Join(dir, "batch"), Batch: b, Input: issuer.Digest(b), Chain: "mocknet", Anchorer: anchor.MocknetAnchorer{}, Out: filepath.Join(dir, "out")}
	res, err := issuer.Run(context.Background(), job, s)
	if err != nil {
		tb.Fatal(err)
	}
	return ReadBack(tb, res)
}

// ReadBack reads a finished batch's credentials.
func ReadBack(tb testing.TB, res *issuer.Batch) *Result {
	tb.Helper()
	out := &Result{Batch: res}
	for _, c := range res.Issued {
		f := filepath.Join(res.Out, c.File)
		js, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(js, &m); err != nil {
			tb.Fatal(err)
		}
		var p []byte
		if c.PDF != "" {
			if p, err = os.ReadFile(filepath.Join(res.Out, c.PDF)); err != nil {
				tb.Fatal(err)
			}
		}
		out.Issued = append(out.Issued, Issued{StudentID: c.StudentID, ID: c.ID, File: f, JSON: js, Credential: m, PDF: p})
	}
	return out
}

// WriteProfile writes the profile to dir and returns its path.
func (is *Issuer) WriteProfile(tb testing.TB, dir string) string {
	p := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(p, is.Profile, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}
