// Package config reads and writes the issuer's settings in its data
// directory (config.json), and derives the stable URLs the issuer publishes
// under its base URL.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/transcript"
)

// DefaultDataDir is the data directory when neither --data nor
// $ETRANSCRIPT_DATA says otherwise.
const DefaultDataDir = "./etranscript-data"

// DataDir resolves the data directory: the flag, else $ETRANSCRIPT_DATA,
// else DefaultDataDir.
func DataDir(flag string) string {
	if flag != "" {
		return flag
	}
	if v := envvar.Data.Get(); v != "" {
		return v
	}
	return DefaultDataDir
}

// Config is config.json.
type Config struct {
	// Name is the issuing institution's name.
	Name string `json:"name"`
	// URL is the public base URL of the issuer's site; the profile, lists
	// and verification pages live under it.
	URL string `json:"url"`
	// Email is the registry's contact address, the sender of its mail.
	Email Address `json:"email,omitempty"`
	// GradingScheme is a JSON grading-scheme file; empty for the built-in
	// HKUST scheme.
	GradingScheme string `json:"gradingScheme,omitempty"`
	// MaxBatchBytes caps a batch file; 0 for the default.
	MaxBatchBytes int64 `json:"maxBatchBytes,omitempty"`
	// DevChainID is the embedded dev chain's chain id (default 1337).
	DevChainID int64 `json:"devChainId,omitempty"`
	// DevChainRPC is the loopback HOST:PORT where the process that runs
	// the embedded dev chain (serve, demo, devchain) serves its JSON-RPC
	// for other processes; empty for a free port, recorded in the chain's
	// directory.
	DevChainRPC string `json:"devChainRpc,omitempty"`
	// Web are the public site's limits and trusted proxies.
	Web Web `json:"web,omitzero"`
	// Chains binds chain names (for --chain) to JSON-RPC endpoints.
	Chains map[string]anchor.ChainConfig `json:"chains,omitempty"`
	// PDFTimestampURL, if set, is an RFC 3161 timestamp authority for the
	// PDF signatures (PAdES B-T).
	PDFTimestampURL string `json:"pdfTimestampUrl,omitempty"`
	// TrustedIssuers is the public verifier's list of issuers it vouches
	// for: profile URLs, DIDs or domains. This instance's own issuer is
	// always on it.
	TrustedIssuers []string `json:"trustedIssuers,omitempty"`
	// RetentionDays is how long access logs of share and download links,
	// and links that ended, are kept (default 365; docs/privacy.md).
	RetentionDays int `json:"retentionDays,omitempty"`
	// MaxShareDays is the longest a graduate's share link may live
	// (default 365).
	MaxShareDays int `json:"maxShareDays,omitempty"`
	// Database is the store's DSN ("postgres://..."); empty for SQLite in
	// the data directory. The --db flag and $ETRANSCRIPT_DB override it.
	Database DSN `json:"database,omitempty"`

	dir string
}

const file = "config.json"

// ErrInvalid is wrapped by the error of a config.json that breaks a rule.
var ErrInvalid = errors.New("invalid setting")

// ErrNotInitialized means the data directory has no config.json.
var ErrNotInitialized = errors.New("data directory not initialized: run 'etranscript init --name NAME --url URL'")

// Load reads dir/config.json.
func Load(dir string) (*Config, error) {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotInitialized)
	}
	if err != nil {
		return nil, err
	}
	c := &Config{dir: dir}
	if err := jsonstrict.Check(b, jsonstrict.Limits{MaxDepth: 32}); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", filepath.Join(dir, file), ErrInvalid, err)
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", filepath.Join(dir, file), ErrInvalid, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", filepath.Join(dir, file), ErrInvalid, err)
	}
	return c, nil
}

// Validate checks the settings, each part by its own Validate, naming the
// key at fault.
func (c *Config) Validate() error {
	if strings.TrimSpace(c.Name) == "" {
		return errors.New("name: required")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("url: expected the issuer site's base URL such as https://registry.example.edu, got %q", c.URL)
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if err := c.Web.Validate(); err != nil {
		return err
	}
	if err := ValidateDevChainRPC(c.DevChainRPC); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(c.Chains)) {
		if name == "dev" || name == anchor.Mocknet {
			return fmt.Errorf("chains.%s: %q is a built-in chain name", name, name)
		}
		if err := c.Chains[name].Validate(name); err != nil {
			return err
		}
	}
	if err := c.Email.Validate("email"); err != nil {
		return err
	}
	if err := c.Database.Validate("database"); err != nil {
		return err
	}
	if c.PDFTimestampURL != "" {
		if u, err := url.Parse(c.PDFTimestampURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("pdfTimestampUrl: expected the timestamp authority's http(s) URL, got %q", c.PDFTimestampURL)
		}
	}
	if c.RetentionDays < 0 || c.MaxShareDays < 0 {
		return fmt.Errorf("retentionDays, maxShareDays: expected a positive number of days")
	}
	if c.MaxBatchBytes < 0 {
		return fmt.Errorf("maxBatchBytes: expected a positive number of bytes, got %d", c.MaxBatchBytes)
	}
	return nil
}

// DevChainDir is where the embedded dev chain keeps its data.
func (c *Config) DevChainDir() string { return filepath.Join(c.dir, "devchain") }

// DevChain is the chain id of the embedded dev chain.
func (c *Config) DevChain() int64 {
	if c.DevChainID != 0 {
		return c.DevChainID
	}
	return 1337
}

// BatchDir is the working directory of a batch.
func (c *Config) BatchDir(batch string) string { return filepath.Join(c.BatchesDir(), batch) }

// BatchesDir holds the working directories of every batch.
func (c *Config) BatchesDir() string { return filepath.Join(c.dir, "batches") }

// Save writes dir/config.json.
func (c *Config) Save(dir string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	c.dir = dir
	return os.WriteFile(filepath.Join(dir, file), append(b, '\n'), 0o600)
}

// Dir is the data directory the config was read from.
func (c *Config) Dir() string { return c.dir }

// ProfileURL is the issuer profile's URL, the issuer of every credential.
func (c *Config) ProfileURL() string { return c.URL + "/issuer/profile.json" }

// RevocationListURL is the Blockcerts revocation list's URL.
func (c *Config) RevocationListURL() string { return c.URL + "/issuer/revocations.json" }

// DSN is the database to use: flag if set, else $ETRANSCRIPT_DB, else the
// configured one ("" is SQLite in the data directory).
func (c *Config) DSN(flag string) string {
	if flag != "" {
		return flag
	}
	if e := envvar.DB.Get(); e != "" {
		return e
	}
	return string(c.Database)
}

// VerifyURL is the public verification page of a credential.
func (c *Config) VerifyURL(credentialID string) string {
	return c.URL + "/v/" + url.PathEscape(credentialID)
}

// Issuer is what the issuer profile says about the institution.
func (c *Config) Issuer() keys.Issuer {
	return keys.Issuer{ProfileURL: c.ProfileURL(), Name: c.Name, URL: c.URL, Email: string(c.Email), RevocationList: c.RevocationListURL()}
}

// Scheme is the grading scheme in force.
func (c *Config) Scheme() (*transcript.Scheme, error) {
	if c.GradingScheme == "" {
		return transcript.HKUST(), nil
	}
	p := c.GradingScheme
	if !filepath.IsAbs(p) {
		p = filepath.Join(c.dir, p)
	}
	return transcript.LoadScheme(p)
}
