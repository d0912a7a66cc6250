// Package mail sends email: RFC 5322 messages with plain-text and HTML
// parts, through an SMTP server (STARTTLS when offered, implicit TLS with
// smtps://) or, with no server configured, into an outbox folder of .eml
// files. Sender is the seam; Outbox doubles as the fake.
package mail
