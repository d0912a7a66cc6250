package config

import (
	"fmt"
	"net/mail"
	"strings"
)

// DSN names the store: "postgres://user:pass@host/db" (or postgresql://),
// "sqlite:PATH", or "" for SQLite in the data directory.
type DSN string

// Validate checks the DSN's form; key names it in the message.
func (d DSN) Validate(key string) error {
	s := string(d)
	if s == "" || strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") || strings.HasPrefix(s, "sqlite:") {
		return nil
	}
	return fmt.Errorf("%s: expected postgres://user:pass@host/db or sqlite:PATH", key)
}

// Address is a mail address alone (registry@example.edu), without a
// display name: the sender of the registry's mail and its contact.
type Address string

// Validate checks the address; key names it in the message.
func (a Address) Validate(key string) error {
	if a == "" {
		return nil
	}
	p, err := mail.ParseAddress(string(a))
	if err != nil || p.Address != string(a) {
		return fmt.Errorf("%s: expected a mail address such as registry@example.edu, got %q", key, string(a))
	}
	return nil
}
