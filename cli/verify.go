package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/pdf/pdfcheck"
	"github.com/etranscript/etranscript/publish"
	"github.com/etranscript/etranscript/verifier"
)

// VerifyOptions are the flags of 'etranscript verify'.
type VerifyOptions struct {
	JSON            bool
	AllowTestChains bool
	// Verbose writes the causes behind the results (what a server or a
	// decoder answered) to standard error.
	Verbose bool
	// Timeout bounds each file's verification, fetches and chain reads
	// included (0: DefaultVerifyTimeout); past it the unfinished checks are
	// "could not be checked" (exit 3).
	Timeout time.Duration
}

// DefaultVerifyTimeout is the time one file's verification may take.
const DefaultVerifyTimeout = 20 * time.Second

// NewVerifier returns the verifier the command line uses: it may reach
// loopback addresses (it runs on the user's own machine, where an issuer
// may be served) but, like the site, no private or link-local ones, it
// answers this data directory's own issuer documents (profile, status
// lists) locally, and it reads anchors from the chains configured here
// (and the embedded dev chain). Call the returned function when done.
func NewVerifier(ctx context.Context, dir, dsn string, allowTestChains bool) (*verifier.Verifier, func()) {
	var fetcher verifier.Fetcher = verifier.NewLoopbackFetcher(0)
	v := &verifier.Verifier{Fetcher: fetcher, AllowTestChains: allowTestChains, Chains: map[int64]verifier.ChainReader{}}
	closers := []func(){}
	if cfg, err := config.Load(dir); err == nil {
		site := &publish.Site{Config: cfg}
		if svc, done, err := openStatus(ctx, cfg, dsn); err == nil {
			site.Status = svc
			closers = append(closers, done)
		} else {
			fmt.Fprintf(os.Stderr, "etranscript: this issuer's status lists are unavailable: %v\n", err)
		}
		v.Fetcher = publish.Fetcher{Site: site, Next: fetcher}
		v.Trusted = trustList(cfg)
		v.RevokedKey = revokedKeys(dir)
		ring, _ := keys.Open(dir)
		rs, c, devErr := readers(cfg, ring)
		if devErr != nil {
			fmt.Fprintf(os.Stderr, "etranscript: the embedded dev chain of %s cannot be read (%v): anchors on eth:dev will show as not checked. "+
				"When 'etranscript serve' or 'demo' runs, it holds the chain and serves it to other commands: check that it is running and reachable, or stop it and run verify again\n", dir, devErr)
		}
		for id, r := range rs {
			v.Chains[id] = r
		}
		closers = append(closers, c)
	}
	return v, func() {
		for _, c := range closers {
			c()
		}
	}
}

// Verify verifies each file and prints one result per file. The returned
// error carries the worst exit status.
func Verify(ctx context.Context, v *verifier.Verifier, files []string, opts VerifyOptions, w io.Writer) error {
	if opts.Verbose {
		v.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	codes := []int{}
	for _, f := range files {
		if why := notVerifiable(f); why != "" {
			fmt.Fprintf(os.Stderr, "etranscript: %s: %s\n", f, why)
			codes = append(codes, ExitBadInput)
			continue
		}
		r, usage := verifyFile(ctx, v, f, opts.Timeout)
		if usage != "" {
			fmt.Fprintf(os.Stderr, "etranscript: %s: %s\n", f, usage)
			codes = append(codes, ExitBadInput)
			continue
		}
		codes = append(codes, verdictExit(r.Status))
		if opts.JSON {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s\n", b)
		} else {
			printResult(w, r)
		}
	}
	if c := worstExit(codes...); c != 0 {
		return &ExitError{Code: c}
	}
	return nil
}

// notVerifiable says why f is not something to verify (bad usage, exit
// 2): it does not exist, or it is a directory.
func notVerifiable(f string) string {
	st, err := os.Stat(f)
	switch {
	case err != nil:
		return strings.TrimPrefix(err.Error(), "stat "+f+": ")
	case st.IsDir():
		return "a directory; name the files to verify, e.g. " + filepath.Join(f, "*.json")
	}
	return ""
}

// notAManifest says so when b is the manifest 'issue' writes (bad usage),
// else "".
func notAManifest(b []byte) string {
	if isManifest(b) {
		return "a batch manifest (which student has which credential), not a credential; verify the credentials it lists"
	}
	return ""
}

// isManifest reports whether b is the manifest 'issue' writes.
func isManifest(b []byte) bool {
	if !bytes.Contains(b, []byte(`"merkleRoot"`)) || bytes.Contains(b, []byte(`"@context"`)) {
		return false // a credential, or not a manifest: not decoded for this
	}
	var m struct {
		Context     any               `json:"@context"`
		MerkleRoot  string            `json:"merkleRoot"`
		Credentials []json.RawMessage `json:"credentials"`
	}
	return json.Unmarshal(b, &m) == nil && m.Context == nil && m.MerkleRoot != "" && m.Credentials != nil
}

// verifyFile verifies the credential or PDF in f, read once; usage says
// why it is not one to verify (a batch manifest).
func verifyFile(ctx context.Context, v *verifier.Verifier, f string, timeout time.Duration) (r *verifier.Result, usage string) {
	if timeout <= 0 {
		timeout = DefaultVerifyTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fail := func(msg string) *verifier.Result {
		return &verifier.Result{File: f, Status: verifier.Rejected, Checks: []verifier.Check{{ID: verifier.CheckFormat, Status: verifier.Failed, Message: msg}}}
	}
	fh, err := os.Open(f)
	if err != nil {
		return fail("cannot read the file: " + err.Error()), ""
	}
	defer fh.Close()
	isPDF := strings.EqualFold(filepath.Ext(f), ".pdf")
	max := jsonstrict.Default.MaxBytes
	if isPDF {
		max = pdfcheck.MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return fail("cannot read the file: " + err.Error()), ""
	}
	if isPDF {
		r = v.VerifyPDF(ctx, data)
	} else if usage = notAManifest(data); usage != "" {
		return nil, usage
	} else {
		r = v.VerifyJSON(ctx, data)
	}
	r.File = f
	return r, ""
}

var words = map[verifier.Status]string{
	verifier.Passed:  "passed ",
	verifier.Failed:  "FAILED ",
	verifier.Skipped: "skipped",
	verifier.Unknown: "UNKNOWN",
}

var verdicts = map[verifier.Verdict]string{
	verifier.Verified:      "VERIFIED",
	verifier.Rejected:      "FAILED: do not trust this transcript",
	verifier.Indeterminate: "NOT VERIFIED: some checks could not be made",
}

// trustList is the issuers a data directory vouches for: its own, and
// config.json's trustedIssuers.
func trustList(cfg *config.Config) verifier.TrustList {
	return append(verifier.TrustList{cfg.ProfileURL()}, cfg.TrustedIssuers...)
}

func printResult(w io.Writer, r *verifier.Result) {
	fmt.Fprintf(w, "%s: %s\n", r.File, verdicts[r.Status])
	if c := r.Credential; c != nil && c.ID != "" {
		fmt.Fprintf(w, "  credential %s", c.ID)
		if c.Subject != "" {
			fmt.Fprintf(w, " for %s", c.Subject)
		}
		if c.Issued != "" {
			fmt.Fprintf(w, ", issued %s", c.Issued)
		}
		fmt.Fprintln(w)
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  %s  %-16s %s\n", words[c.Status], c.ID, c.Message)
	}
	if t := r.Trust; t != nil {
		if t.Listed {
			fmt.Fprintln(w, "  trusted: the issuer is on this data directory's list of trusted issuers")
		} else {
			fmt.Fprintln(w, "  NOT on this data directory's list of trusted issuers (config.json's trustedIssuers): decide whether you know it")
		}
	}
}
