package mail

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/etranscript/etranscript/mail/mailtest"
)

// TestSMTPReuse: a batch's mail goes over a few connections, not one each;
// a connection the server dropped is replaced, and the mail still goes.
func TestSMTPReuse(t *testing.T) {
	srv := mailtest.Start(t, nil, false)
	s, err := ParseURL("smtp://" + srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msg := func(i int) *Message {
		return &Message{ID: fmt.Sprintf("m%d@registry.example.edu", i), From: "registry@example.edu", To: fmt.Sprintf("g%d@example.edu", i),
			Subject: "Transcript", Text: "Your transcript", Date: time.Now()}
	}
	for i := range 20 {
		if err := s.Send(context.Background(), msg(i)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if n := srv.Sessions(); n != 1 || len(srv.Messages()) != 20 {
		t.Fatalf("20 messages over %d connections (%d received)", n, len(srv.Messages()))
	}
	// The server forgets every connection: the idle one fails its reset,
	// and a new one carries the next message.
	for _, cn := range s.idle {
		cn.raw.Close()
	}
	if err := s.Send(context.Background(), msg(20)); err != nil {
		t.Fatalf("after the server dropped the connection: %v", err)
	}
	if n := srv.Sessions(); n != 2 || len(srv.Messages()) != 21 {
		t.Fatalf("%d connections, %d messages", n, len(srv.Messages()))
	}
}
