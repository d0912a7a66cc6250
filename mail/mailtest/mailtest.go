// Package mailtest is a real SMTP server for tests (emersion/go-smtp's
// server) that keeps what it receives, and can refuse mail for a while to
// test retries.
package mailtest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message as received.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Server is an SMTP server on loopback.
type Server struct {
	Addr string
	srv  *smtp.Server
	ln   net.Listener

	mu       sync.Mutex
	messages []Message
	refuse   error // answered to DATA while set
	sessions int   // connections opened
}

// Sessions is how many connections clients opened.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Start runs a server until the test ends. With tlsConfig, it offers
// STARTTLS (or, if implicit, speaks TLS from the start).
func Start(t testing.TB, tlsConfig *tls.Config, implicit bool) *Server {
	s := &Server{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		return &session{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.TLSConfig = tlsConfig
	var err error
	if implicit {
		s.ln, err = tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	} else {
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = s.ln.Addr().String()
	go s.srv.Serve(s.ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Messages returns what was received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Refuse makes the server answer every message with a temporary failure
// (451) until Accept.
func (s *Server) Refuse() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
}

// Accept ends Refuse.
func (s *Server) Accept() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = nil
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()                   { x.from, x.to = "", nil }
func (x *session) Logout() error            { return nil }
func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user == "" || pass == "" {
			return errors.New("no user")
		}
		return nil
	}), nil
}
func (x *session) Mail(from string, _ *smtp.MailOptions) error { x.from = from; return nil }
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error   { x.to = append(x.to, to); return nil }
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse != nil {
		return x.s.refuse
	}
	x.s.messages = append(x.s.messages, Message{From: x.from, To: x.to, Data: b})
	return nil
}
