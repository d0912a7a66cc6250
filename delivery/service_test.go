package delivery_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/mail"
	"github.com/etranscript/etranscript/mail/mailtest"
	"github.com/etranscript/etranscript/transcript"
)

var linkRE = regexp.MustCompile(`https://registry\.example\.edu/d/([A-Za-z0-9_-]{43})`)

// clock is a settable time.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.t.Load()) }
func (c *clock) add(d time.Duration) { c.t.Add(int64(d)) }
func newClock() *clock               { c := &clock{}; c.t.Store(time.Now().UnixNano()); return c }

// service is an issuing service on store db, mailing through a real SMTP
// server; failIssue makes the first n runs fail as an unreachable chain.
func service(t testing.TB, open func(testing.TB) delivery.JobStore, failIssue int) (*delivery.Service, *mailtest.Server, *clock, *testkit.Issuer) {
	is := testkit.NewIssuer(t)
	smtpSrv := mailtest.Start(t, nil, false)
	sender, err := mail.ParseURL("smtp://" + smtpSrv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	dir := t.TempDir()
	svc := &delivery.Service{
		Store: open(t), Sender: sender, Now: clk.now,
		Inbox:  filepath.Join(dir, "inbox"),
		OutDir: func(b string) string { return filepath.Join(dir, "out", b) },
		Issuer: &issuer.Issuer{Settings: is.Settings(), Chains: &flakyChains{fail: int32(failIssue)}, BatchesDir: filepath.Join(dir, "batches")},
		Mail: delivery.MailSettings{From: `"Test University" <registry@registry.example.edu>`, Institution: "Test University",
			BaseURL: "https://registry.example.edu", VerifyURL: is.Config.VerifyURL},
	}
	return svc, smtpSrv, clk, is
}

// flakyChains anchors on mocknet, after failing the first fail times as
// an unreachable chain.
type flakyChains struct {
	fail int32
	runs atomic.Int32
}

func (c *flakyChains) Anchorer(context.Context, string) (issuer.Anchorer, error) {
	if c.runs.Add(1) <= c.fail {
		return nil, anchor.ErrUnreachable
	}
	return anchor.MocknetAnchorer{}, nil
}

func sample(t testing.TB) *transcript.Batch {
	b, err := transcript.HKUST().ReadFile("../cli/sample/sample-batch.json", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// onStores runs each named test on every store, in order.
func onStores(t *testing.T, tests ...namedTest) {
	for name, open := range testkit.Stores(t) {
		t.Run(name, func(t *testing.T) {
			jobs := func(t testing.TB) delivery.JobStore { return open(t) }
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) { tc.test(t, jobs) })
			}
		})
	}
}

type namedTest struct {
	name string
	test func(*testing.T, func(testing.TB) delivery.JobStore)
}

func TestService(t *testing.T) {
	onStores(t,
		namedTest{"ok/submit-issue-mail-download", testDelivery},
		namedTest{"ok/smtp-down-then-back", testRetry},
		namedTest{"ok/chain-down-then-back", testResume},
		namedTest{"ok/stopped-mid-round", testStopped})
}

func testDelivery(t *testing.T, open func(testing.TB) delivery.JobStore) {
	ctx := context.Background()
	svc, smtpSrv, clk, _ := service(t, open, 0)
	b := sample(t)
	j, created, err := svc.Submit(ctx, b, delivery.Submission{Chain: "mocknet"})
	if err != nil || !created || j.State != delivery.JobQueued {
		t.Fatalf("submit: %+v %v %v", j, created, err)
	}
	if _, created, err := svc.Submit(ctx, b, delivery.Submission{Chain: "mocknet"}); err != nil || created {
		t.Fatalf("submitting the same batch again: created %v, %v", created, err)
	}
	other := sample(t)
	other.Records[0].Name = "SOMEONE ELSE"
	if _, _, err := svc.Submit(ctx, other, delivery.Submission{Chain: "mocknet"}); !errors.Is(err, issuer.ErrOtherInput) {
		t.Fatalf("another batch under the same id: %v", err)
	}
	if j, err = svc.Process(ctx, b.ID); err != nil || j.State != delivery.JobDelivering || j.Done != 3 {
		t.Fatalf("process: %+v %v", j, err)
	}
	if n, err := svc.SendDue(ctx, 10); err != nil || n != 3 {
		t.Fatalf("sent %d: %v", n, err)
	}
	if j, _ = svc.Process(ctx, b.ID); j.State != delivery.JobDone {
		t.Fatalf("after mail: %s", j.State)
	}
	if n, _ := svc.SendDue(ctx, 10); n != 0 {
		t.Fatalf("%d sent twice", n)
	}
	msgs := smtpSrv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	emails := map[string]string{}
	for _, r := range b.Records {
		emails[r.Email] = r.Name
	}
	var token string
	for _, m := range msgs {
		if _, ok := emails[m.To[0]]; !ok {
			t.Errorf("mail to %s, not in the batch", m.To[0])
		}
		delete(emails, m.To[0])
		body := string(m.Data)
		for _, want := range []string{"Content-Type: text/plain; charset=utf-8", "Content-Type: text/html; charset=utf-8", "Subject: =?utf-8?q?"} {
			if !strings.Contains(body, want) {
				t.Errorf("message without %q", want)
			}
		}
		lm := linkRE.FindStringSubmatch(strings.ReplaceAll(body, "=\r\n", ""))
		if lm == nil {
			t.Fatalf("no download link in\n%s", body)
		}
		d, err := svc.Open(ctx, lm[1])
		if err != nil {
			t.Fatal(err)
		}
		if d.Delivery.Email != m.To[0] {
			t.Errorf("the link mailed to %s opens %s's credential", m.To[0], d.Delivery.Email)
		}
		token = lm[1]
	}
	// Expired after 30 days; unknown tokens are not found.
	clk.add(31 * 24 * time.Hour)
	if _, err := svc.Open(ctx, token); !errors.Is(err, delivery.ErrGone) {
		t.Errorf("expired link: %v", err)
	}
	clk.add(-31 * 24 * time.Hour)
	if _, err := svc.Open(ctx, "nope"); !errors.Is(err, delivery.ErrNotFound) {
		t.Errorf("unknown link: %v", err)
	}
	d, _ := svc.Open(ctx, token)
	if err := svc.Store.RevokeLinks(ctx, d.Delivery.ID, clk.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Open(ctx, token); !errors.Is(err, delivery.ErrGone) {
		t.Errorf("revoked link: %v", err)
	}
	// A third party gets the credential too.
	td, err := svc.Deliver(ctx, d.Delivery.Credential, "admissions@university.example", "Admissions")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := svc.SendDue(ctx, 10); n != 1 {
		t.Fatalf("third-party delivery: %d sent", n)
	}
	last := smtpSrv.Messages()[3]
	if last.To[0] != "admissions@university.example" || !strings.Contains(string(last.Data), "at the request of") {
		t.Errorf("third-party mail: %s", last.Data)
	}
	if x, _ := svc.Store.Delivery(ctx, td.ID); x.State != delivery.DeliverySent {
		t.Errorf("third-party delivery state %s", x.State)
	}
	if _, err := svc.Deliver(ctx, "urn:uuid:nope", "a@b.example", ""); !errors.Is(err, delivery.ErrNotFound) {
		t.Errorf("delivering an unknown credential: %v", err)
	}
}

// testRetry: the SMTP server refuses, then accepts again: every mail goes
// out once, after a back-off.
func testRetry(t *testing.T, open func(testing.TB) delivery.JobStore) {
	ctx := context.Background()
	svc, smtpSrv, clk, _ := service(t, open, 0)
	b := sample(t)
	svc.Submit(ctx, b, delivery.Submission{Chain: "mocknet"})
	if _, err := svc.Process(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	smtpSrv.Refuse()
	if n, err := svc.SendDue(ctx, 10); err != nil || n != 0 {
		t.Fatalf("sent %d while refused: %v", n, err)
	}
	ds, _ := svc.Store.Deliveries(ctx, b.ID)
	for _, d := range ds {
		if d.State != delivery.DeliveryPending || d.Attempts != 1 || !d.NextAttempt.After(clk.now()) || !strings.Contains(d.LastError, "451") {
			t.Fatalf("after a refusal: %+v", d)
		}
	}
	if n, _ := svc.SendDue(ctx, 10); n != 0 {
		t.Fatal("retried before the back-off")
	}
	smtpSrv.Accept()
	clk.add(time.Minute)
	if n, err := svc.SendDue(ctx, 10); err != nil || n != 3 {
		t.Fatalf("after the back-off: %d, %v", n, err)
	}
	if got := len(smtpSrv.Messages()); got != 3 {
		t.Fatalf("%d messages received, want 3", got)
	}
	// A delivery left "sending" by a crash is sent again after its lease,
	// with the same Message-ID.
	d := ds[0]
	x, _ := svc.Store.Delivery(ctx, d.ID)
	x.State, x.NextAttempt = delivery.DeliverySending, clk.now().Add(time.Minute)
	svc.Store.UpdateDelivery(ctx, x)
	if n, _ := svc.SendDue(ctx, 10); n != 0 {
		t.Fatal("a delivery under lease was sent")
	}
	clk.add(2 * time.Minute)
	if n, _ := svc.SendDue(ctx, 10); n != 1 {
		t.Fatal("the interrupted delivery was not sent again")
	}
	msgs := smtpSrv.Messages()
	if !strings.Contains(string(msgs[3].Data), "Message-ID: <"+x.MessageID+">") {
		t.Error("the resent message has another Message-ID")
	}
}

// stopping is a mail sender that stops its caller (ctx's cancel) once it
// has sent one message.
type stopping struct {
	mail.Sender
	cancel context.CancelFunc
	once   sync.Once
}

func (s *stopping) Send(ctx context.Context, m *mail.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.Sender.Send(ctx, m)
	s.once.Do(s.cancel)
	return err
}

// testStopped: a round of mail stopped part-way (the process told to
// stop) leaves nothing "sending": each mail is sent, or due again, its
// attempt counted only if the mail server was asked; the next round sends
// the rest, each graduate once.
func testStopped(t *testing.T, open func(testing.TB) delivery.JobStore) {
	svc, smtpSrv, clk, _ := service(t, open, 0)
	b := testkit.Batch(40, 2, 3)
	ctx := context.Background()
	svc.Submit(ctx, b, delivery.Submission{Chain: "mocknet"})
	if _, err := svc.Process(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	stopCtx, cancel := context.WithCancel(ctx)
	real := svc.Sender
	svc.Sender = &stopping{Sender: real, cancel: cancel}
	sent, err := svc.SendDue(stopCtx, 100)
	if !errors.Is(err, context.Canceled) || sent < 1 || sent == 40 {
		t.Fatalf("stopped round: %d sent, %v", sent, err)
	}
	ds, _ := svc.Store.Deliveries(ctx, b.ID)
	untried := 0
	for _, d := range ds {
		switch {
		case d.State == delivery.DeliverySent && d.Attempts == 1:
		case d.State == delivery.DeliveryPending && d.Attempts == 0 && !d.NextAttempt.After(clk.now()): // never tried
			untried++
		case d.State == delivery.DeliveryPending && d.Attempts == 1 && d.LastError != "": // asked, and stopped
		default:
			t.Fatalf("after the stop: %+v", d)
		}
	}
	if untried == 0 {
		t.Error("the stop left no mail untried: the test did not stop a round part-way")
	}
	svc.Sender = real
	clk.add(time.Hour)
	rest, err := svc.SendDue(ctx, 100)
	if err != nil || sent+rest != 40 {
		t.Fatalf("then %d more sent (%d before), %v", rest, sent, err)
	}
	seen := map[string]bool{}
	for _, m := range smtpSrv.Messages() {
		if seen[m.To[0]] {
			t.Errorf("%s mailed twice", m.To[0])
		}
		seen[m.To[0]] = true
	}
	if len(seen) != 40 {
		t.Errorf("%d graduates mailed, want 40", len(seen))
	}
}

// testResume: a chain that cannot be reached leaves the job issuing with
// its error; processing it again finishes it.
func testResume(t *testing.T, open func(testing.TB) delivery.JobStore) {
	ctx := context.Background()
	svc, smtpSrv, _, _ := service(t, open, 1)
	b := sample(t)
	svc.Submit(ctx, b, delivery.Submission{Chain: "mocknet"})
	j, err := svc.Process(ctx, b.ID)
	if !errors.Is(err, anchor.ErrUnreachable) || j.State != delivery.JobIssuing || j.Error == "" {
		t.Fatalf("first run: %+v %v", j, err)
	}
	if j, err = svc.Process(ctx, b.ID); err != nil || j.State != delivery.JobDelivering || j.Error != "" {
		t.Fatalf("second run: %+v %v", j, err)
	}
	svc.SendDue(ctx, 10)
	if len(smtpSrv.Messages()) != 3 {
		t.Fatal("mail not sent after the resume")
	}
}
