package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// PermanentError is a refusal that sending again will not change (an SMTP
// 5xx reply, a malformed address).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent reports whether err is not worth retrying.
func Permanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// SMTP sends through one SMTP server.
type SMTP struct {
	Addr     string // host:port
	Implicit bool   // smtps://: TLS from the first byte
	User     string
	Password string
	// TLS configures the connection (nil: verify the server's name).
	TLS     *tls.Config
	Timeout time.Duration

	// Connections are kept open between messages (a few at a time, each
	// for a while and a number of messages), so that a batch's mail does
	// not pay a connection, a TLS handshake and a login per message.
	mu   sync.Mutex
	idle []*conn
}

// conn is an open, logged-in connection to the server.
type conn struct {
	c     *smtp.Client
	raw   net.Conn
	used  int
	since time.Time
}

// Reuse limits.
const (
	maxIdle     = 4
	maxIdleTime = 20 * time.Second
	maxUses     = 100
)

// ParseURL reads smtp://[user:pass@]host[:port] (STARTTLS when the server
// offers it; port 587 by default) or smtps://... (implicit TLS, 465).
func ParseURL(s string) (*SMTP, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("--smtp: expected smtp://user:pass@host:port or smtps://..., got %q", Redact(s))
	}
	m := &SMTP{Implicit: u.Scheme == "smtps", Addr: u.Host, Timeout: 30 * time.Second}
	if u.Port() == "" {
		port := "587"
		if m.Implicit {
			port = "465"
		}
		m.Addr = net.JoinHostPort(u.Hostname(), port)
	}
	if u.User != nil {
		m.User = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	return m, nil
}

// Redact hides the password of an SMTP URL.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String()
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		return s.TLS
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

// Send delivers m, with a deadline, on an open connection when one is
// idle (reset first, to see it is alive), else on a new one; the
// connection is kept for the next message unless something failed.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	body, err := m.Bytes()
	if err != nil {
		return &PermanentError{err}
	}
	from, _ := m.Sender()
	to, _ := m.Recipient()
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cn := s.reuse(ctx)
	if cn == nil {
		if cn, err = s.dial(ctx); err != nil {
			return err
		}
	}
	if err := cn.c.SendMail(from, []string{to}, bytes.NewReader(body)); err != nil {
		cn.c.Close()
		return classify(s.Addr, "send", err)
	}
	s.release(cn)
	return nil
}

// reuse is an idle connection still alive, with ctx's deadline, or nil.
func (s *SMTP) reuse(ctx context.Context) *conn {
	for {
		s.mu.Lock()
		if len(s.idle) == 0 {
			s.mu.Unlock()
			return nil
		}
		cn := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		s.mu.Unlock()
		if dl, ok := ctx.Deadline(); ok {
			cn.raw.SetDeadline(dl)
		}
		if time.Since(cn.since) < maxIdleTime && cn.c.Reset() == nil {
			return cn
		}
		cn.c.Close()
	}
}

// release keeps a connection for the next message, or says goodbye.
func (s *SMTP) release(cn *conn) {
	cn.used++
	cn.since = time.Now()
	s.mu.Lock()
	if cn.used < maxUses && len(s.idle) < maxIdle {
		s.idle = append(s.idle, cn)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	cn.c.Quit()
}

// Close says goodbye on every idle connection.
func (s *SMTP) Close() {
	s.mu.Lock()
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, cn := range idle {
		cn.c.Quit()
	}
}

// dial opens a connection (TLS as configured) and logs in.
func (s *SMTP) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{}
	raw, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", s.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	var c *smtp.Client
	if s.Implicit {
		c = smtp.NewClient(tls.Client(raw, s.tlsConfig()))
	} else {
		c = smtp.NewClient(raw)
		if ok, _ := c.Extension("STARTTLS"); ok {
			c.Close()
			if raw, err = d.DialContext(ctx, "tcp", s.Addr); err != nil {
				return nil, fmt.Errorf("smtp %s: %w", s.Addr, err)
			}
			if dl, ok := ctx.Deadline(); ok {
				raw.SetDeadline(dl)
			}
			if c, err = smtp.NewClientStartTLS(raw, s.tlsConfig()); err != nil {
				return nil, fmt.Errorf("smtp %s: STARTTLS: %w", s.Addr, err)
			}
		}
	}
	if s.User != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.User, s.Password)); err != nil {
			c.Close()
			return nil, classify(s.Addr, "auth", err)
		}
	}
	return &conn{c: c, raw: raw, since: time.Now()}, nil
}

// classify makes 5xx replies permanent.
func classify(addr, what string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return &PermanentError{fmt.Errorf("smtp %s: %s: %w", addr, what, err)}
	}
	return fmt.Errorf("smtp %s: %s: %w", addr, what, err)
}

// Outbox writes each message to Dir as <Message-ID local part>.eml,
// atomically: sending again replaces the same file.
type Outbox struct {
	Dir string
	// Log, if set, is told where each message went and its links, so a
	// developer can follow them.
	Log *slog.Logger
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// Send implements Sender.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	body, err := m.Bytes()
	if err != nil {
		return &PermanentError{err}
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return err
	}
	name := unsafeName.ReplaceAllString(strings.SplitN(m.ID, "@", 2)[0], "_") + ".eml"
	path := filepath.Join(o.Dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if o.Log != nil {
		o.Log.Info("mail written to the outbox (no SMTP server configured)", "file", path, "links", strings.Join(linkRE.FindAllString(m.Text, -1), " "))
	}
	return nil
}
