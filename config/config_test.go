package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etranscript/etranscript/anchor"
)

// TestValidate: each part's rule, with a message that names its key.
func TestValidate(t *testing.T) {
	chain := anchor.ChainConfig{RPC: []string{"https://rpc.example"}, ChainID: 11155111}
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		key  string // in the message; "" for a valid config
	}{
		{"ok/minimal", func(c *Config) {}, ""},
		{"ok/everything", func(c *Config) {
			c.Email, c.Database, c.Chains = "registry@example.edu", "postgres://u:p@db/et", map[string]anchor.ChainConfig{"sepolia": chain}
		}, ""},
		{"fail/name", func(c *Config) { c.Name = " " }, "name"},
		{"fail/url", func(c *Config) { c.URL = "registry.example.edu" }, "url"},
		{"fail/email", func(c *Config) { c.Email = "Registry <registry@example.edu>" }, "email"},
		{"fail/database", func(c *Config) { c.Database = "mysql://x" }, "database"},
		{"fail/chain rpc", func(c *Config) { c.Chains = map[string]anchor.ChainConfig{"s": {RPC: []string{"ftp://x"}, ChainID: 1}} }, "chains.s.rpc[0]"},
		{"fail/chain id", func(c *Config) { c.Chains = map[string]anchor.ChainConfig{"s": {RPC: chain.RPC}} }, "chains.s.chainId"},
		{"fail/built-in chain name", func(c *Config) { c.Chains = map[string]anchor.ChainConfig{"dev": chain} }, "chains.dev"},
		{"fail/web limit", func(c *Config) { c.Web.Burst = -1 }, "web.burst"},
		{"fail/batch limit", func(c *Config) { c.MaxBatchBytes = -1 }, "maxBatchBytes"},
		{"fail/timestamp url", func(c *Config) { c.PDFTimestampURL = "tsa" }, "pdfTimestampUrl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Config{Name: "Test University", URL: "https://registry.example.edu/"}
			tc.edit(c)
			err := c.Validate()
			if tc.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.key+":") {
				t.Fatalf("error %v, want one about %s", err, tc.key)
			}
		})
	}
}

// TestLoad: a config.json that breaks a rule is ErrInvalid, naming the file.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, json string }{
		{"fail/rule", `{"name": "T", "url": "https://x.example", "database": "nope"}`},
		{"fail/duplicate key", `{"name": "T", "name": "U", "url": "https://x.example"}`},
		{"fail/unknown type", `{"name": 1}`},
	} {
		os.WriteFile(filepath.Join(dir, "config.json"), []byte(tc.json), 0o600)
		if _, err := Load(dir); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "config.json") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
