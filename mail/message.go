package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is one email.
type Message struct {
	// ID is the Message-ID without angle brackets; a resent message keeps
	// it, so that receivers can tell a repeat.
	ID      string
	From    string // an address, optionally with a display name
	To      string
	Subject string
	Text    string // the plain-text part
	HTML    string // the HTML part, already escaped
	Date    time.Time
}

// NewID returns a random Message-ID for domain.
func NewID(domain string) string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "@" + domain
}

// Bytes is the message in RFC 5322 form, multipart/alternative with
// quoted-printable UTF-8 parts; header values are RFC 2047 encoded.
func (m *Message) Bytes() ([]byte, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To, err)
	}
	for _, s := range []string{m.ID, m.Subject} {
		if strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("header value with a line break")
		}
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+m.ID+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n")))
		qp.Close()
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Recipient is the bare address of To, for the SMTP envelope.
func (m *Message) Recipient() (string, error) {
	a, err := mail.ParseAddress(m.To)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// Sender is the bare address of From.
func (m *Message) Sender() (string, error) {
	a, err := mail.ParseAddress(m.From)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}
