package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/etranscript/etranscript/internal/workpool"
	"github.com/etranscript/etranscript/mail"
	"github.com/google/uuid"
)

// SendDue sends the deliveries that are due, one at a time, and reports
// how many went out.
func (s *Service) SendDue(ctx context.Context, limit int) (int, error) {
	due, err := s.due(ctx, limit)
	if err != nil {
		return 0, err
	}
	// Each batch's chain, read once: a test credential's mail says so.
	chains := map[string]string{}
	for _, d := range due {
		if _, ok := chains[d.Batch]; !ok {
			j, err := s.Store.Job(ctx, d.Batch)
			if err != nil {
				return 0, err
			}
			chains[d.Batch] = j.Chain
		}
	}
	// In rounds: one transaction records a round as being sent (with
	// its links and Message-IDs) before the mail server is asked, then a
	// few mails go at a time, each outcome recorded as it comes.
	sent := 0
	for base := 0; base < len(due); base += sendRound {
		n, err := s.sendRound(ctx, due[base:min(base+sendRound, len(due))], chains)
		sent += n
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
			err = nil
		}
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// sendRound is how many deliveries are recorded together.
const sendRound = 64

// due are the deliveries to send now: claimed for this process when
// several share the store.
func (s *Service) due(ctx context.Context, limit int) ([]Delivery, error) {
	if s.Leases == nil {
		return s.Store.Due(ctx, s.now(), limit)
	}
	now := s.now()
	return s.Leases.ClaimDue(ctx, s.owner(), now, time.Now().Add(-deadAfter), now.Add(sendLease), limit)
}

// mailWorkers is how many mails are sent at once.
const mailWorkers = 8

// backoff is the wait before attempt n+1: 30 s doubling to an hour.
func backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// sendRound makes one attempt at each of ds, whose batches were issued
// on chains[batch]: one transaction marks them all as being sent, with
// their links and Message-IDs, before the mail server is asked. The
// store's errors end it; the mail server's are recorded on the delivery.
func (s *Service) sendRound(ctx context.Context, ds []Delivery, chains map[string]string) (int, error) {
	urls := make([]string, len(ds))
	expires := make([]time.Time, len(ds))
	var links []*Link
	all := make([]*Delivery, len(ds))
	now := s.now()
	for i := range ds {
		d := &ds[i]
		all[i] = d
		var l *Link
		var err error
		if urls[i], expires[i], l, err = s.linkFor(ctx, d); err != nil {
			return 0, err
		}
		if l != nil {
			links = append(links, l)
		}
		if d.MessageID == "" {
			d.MessageID = mail.NewID(s.mailDomain())
		}
		// Recorded before the mail server is asked: a crash leaves it
		// "sending", and it is sent again (same Message-ID) after the
		// lease.
		d.State, d.Attempts, d.NextAttempt = DeliverySending, d.Attempts+1, now.Add(sendLease)
	}
	if err := s.Store.SaveDeliveries(ctx, all, links); err != nil {
		return 0, err
	}
	// Each outcome is recorded as soon as the mail server has answered,
	// with whatever others came meanwhile (a group commit): a crash sends
	// again (same Message-ID) only the mail answered in the moment
	// before, never the rest of the round.
	rec := s.recorder(ctx)
	tried := make([]bool, len(ds))
	var sent atomic.Int64
	err := workpool.Run(ctx, len(ds), mailWorkers, nil, func(i int) error {
		tried[i] = true
		msg, err := s.compose(&ds[i], urls[i], expires[i], chains[ds[i].Batch])
		if err == nil {
			err = s.Sender.Send(ctx, msg)
		}
		if s.outcome(&ds[i], err) {
			sent.Add(1)
		}
		return rec.record(&ds[i])
	})
	if rerr := rec.close(); err == nil {
		err = rerr
	}
	// Those never tried (stopped first) are due again now, the attempt not
	// counted.
	var untried []*Delivery
	for i := range ds {
		if !tried[i] {
			ds[i].State, ds[i].Attempts, ds[i].NextAttempt = DeliveryPending, ds[i].Attempts-1, now
			untried = append(untried, &ds[i])
		}
	}
	if len(untried) > 0 {
		if serr := s.Store.SaveDeliveries(context.WithoutCancel(ctx), untried, nil); serr != nil {
			return int(sent.Load()), serr
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return int(sent.Load()), err
}

// recorder writes outcomes as they come: each commit takes every
// outcome that arrived while the one before was being written.
type recorder struct {
	in   chan *Delivery
	done chan struct{}
	mu   sync.Mutex
	err  error // the first write's error: no more are written
}

func (s *Service) recorder(ctx context.Context) *recorder {
	r := &recorder{in: make(chan *Delivery, mailWorkers), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for d := range r.in {
			group := []*Delivery{d}
			for more := true; more; {
				select {
				case next, ok := <-r.in:
					if ok {
						group = append(group, next)
					}
					more = ok
				default:
					more = false
				}
			}
			if r.failed() == nil {
				if err := s.Store.SaveDeliveries(context.WithoutCancel(ctx), group, nil); err != nil {
					r.mu.Lock()
					r.err = err
					r.mu.Unlock()
				}
			}
		}
	}()
	return r
}

func (r *recorder) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// record queues d's outcome; after a failed write it says so, and the
// round stops.
func (r *recorder) record(d *Delivery) error {
	r.in <- d
	return r.failed()
}

// close waits for every outcome to be written.
func (r *recorder) close() error {
	close(r.in)
	<-r.done
	return r.failed()
}

// mailDomain is the domain of the Message-IDs: the site's.
func (s *Service) mailDomain() string {
	if u, err := url.Parse(s.Mail.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "etranscript.invalid"
}

// outcome records on d what the mail server said of it (err), and
// reports whether it was sent.
func (s *Service) outcome(d *Delivery, err error) bool {
	max := s.Mail.MaxAttempts
	if max <= 0 {
		max = DefaultMaxAttempts
	}
	switch {
	case err == nil:
		t := s.now()
		d.State, d.SentAt, d.LastError = DeliverySent, &t, ""
	case mail.Permanent(err) || d.Attempts >= max:
		d.State, d.LastError = DeliveryFailed, err.Error()
		s.log().Warn("delivery failed for good", "delivery", d.ID, "credential", d.Credential, "err", err)
	default:
		d.State, d.NextAttempt, d.LastError = DeliveryPending, s.now().Add(backoff(d.Attempts)), err.Error()
		s.log().Info("delivery will be retried", "delivery", d.ID, "attempt", d.Attempts, "next", d.NextAttempt, "err", err)
	}
	return err == nil
}

// linkFor is the link a delivery's mail carries: a share link for a third
// party (made and stored at the first attempt, its token new at each), a
// download link for the graduate (returned, for the caller to store).
func (s *Service) linkFor(ctx context.Context, d *Delivery) (string, time.Time, *Link, error) {
	if d.Kind == KindThirdParty && s.Shares != nil {
		token, hash := NewToken()
		if d.Share != "" {
			shs, err := s.Shares.Shares(ctx, d.Credential)
			if err != nil {
				return "", time.Time{}, nil, err
			}
			for _, sh := range shs {
				if sh.ID == d.Share {
					return s.ShareURL(token), sh.Expires, nil, s.Shares.SetShareToken(ctx, sh.ID, hash)
				}
			}
		}
		now := s.now()
		sh := &Share{ID: uuid.NewString(), Hash: hash, Credential: d.Credential, Label: d.Email,
			Expires: now.AddDate(0, 0, DefaultShareDays), Created: now}
		if err := s.Shares.AddShare(ctx, sh); err != nil {
			return "", time.Time{}, nil, err
		}
		d.Share = sh.ID
		return s.ShareURL(token), sh.Expires, nil, nil
	}
	now := s.now()
	ttl := s.Mail.LinkTTL
	if ttl <= 0 {
		ttl = DefaultLinkTTL
	}
	token, hash := NewToken()
	link := &Link{Hash: hash, Delivery: d.ID, Expires: now.Add(ttl), Created: now}
	return s.Mail.BaseURL + "/d/" + token, link.Expires, link, nil
}

// NewLink makes another download link for a delivery (to show it again:
// tokens are not kept) and returns its token.
func (s *Service) NewLink(ctx context.Context, delivery string) (string, error) {
	ttl := s.Mail.LinkTTL
	if ttl <= 0 {
		ttl = DefaultLinkTTL
	}
	token, hash := NewToken()
	now := s.now()
	return token, s.Store.AddLink(ctx, &Link{Hash: hash, Delivery: delivery, Expires: now.Add(ttl), Created: now})
}

// Deliver sends a credential's e-transcript to another recipient (a
// university the graduate applies to, say): recorded now, sent by SendDue.
func (s *Service) Deliver(ctx context.Context, credential, email, note string) (*Delivery, error) {
	holder, err := s.holder(ctx, credential)
	if err != nil {
		return nil, err
	}
	now := s.now()
	// The mail names the graduate, at whose request it goes.
	d := &Delivery{ID: uuid.NewString(), Batch: holder.Batch, Credential: credential, Kind: KindThirdParty, Email: email, Name: holder.Name, NameLocal: holder.NameLocal,
		Note: note, State: DeliveryPending, NextAttempt: now, Created: now}
	if _, err := s.Store.AddDeliveries(ctx, []*Delivery{d}); err != nil {
		return nil, err
	}
	s.Wake()
	return d, nil
}

// holder is the graduate's delivery of a credential.
func (s *Service) holder(ctx context.Context, credential string) (*Delivery, error) {
	ds, err := s.Store.CredentialDeliveries(ctx, credential)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].Kind == KindHolder {
			return &ds[i], nil
		}
	}
	return nil, fmt.Errorf("credential %s: %w", credential, ErrNotFound)
}
