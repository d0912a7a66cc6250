package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/url"
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
	// A few at a time: each waits on the mail server and on the store.
	var sent atomic.Int64
	err = workpool.Run(ctx, len(due), mailWorkers, nil, func(i int) error {
		ok, err := s.send(ctx, &due[i], chains[due[i].Batch])
		if ok {
			sent.Add(1)
		}
		return err
	})
	if errors.Is(err, context.Canceled) && ctx.Err() == nil {
		err = nil
	}
	return int(sent.Load()), err
}

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

// send makes one attempt at a delivery of a batch issued on chain. The
// store errors it returns stop the round; the mail server's are recorded
// on the delivery.
func (s *Service) send(ctx context.Context, d *Delivery, chain string) (bool, error) {
	linkURL, expires, err := s.linkFor(ctx, d)
	if err != nil {
		return false, err
	}
	now := s.now()
	if d.MessageID == "" {
		domain := "etranscript.invalid"
		if u, err := url.Parse(s.Mail.BaseURL); err == nil && u.Hostname() != "" {
			domain = u.Hostname()
		}
		d.MessageID = mail.NewID(domain)
	}
	// Recorded before the mail server is asked: a crash now leaves it
	// "sending", and it is sent again (same Message-ID) after the lease.
	d.State, d.Attempts, d.NextAttempt = DeliverySending, d.Attempts+1, now.Add(sendLease)
	if err := s.Store.UpdateDelivery(ctx, d); err != nil {
		return false, err
	}
	msg, err := s.compose(d, linkURL, expires, chain)
	if err == nil {
		err = s.Sender.Send(ctx, msg)
	}
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
	if uerr := s.Store.UpdateDelivery(context.WithoutCancel(ctx), d); uerr != nil {
		return false, uerr
	}
	return err == nil, nil
}

// linkFor is the link a delivery's mail carries: a share link for a third
// party (made at the first attempt, its token new at each), a download
// link for the graduate.
func (s *Service) linkFor(ctx context.Context, d *Delivery) (string, time.Time, error) {
	if d.Kind == KindThirdParty && s.Shares != nil {
		token, hash := NewToken()
		if d.Share != "" {
			shs, err := s.Shares.Shares(ctx, d.Credential)
			if err != nil {
				return "", time.Time{}, err
			}
			for _, sh := range shs {
				if sh.ID == d.Share {
					return s.ShareURL(token), sh.Expires, s.Shares.SetShareToken(ctx, sh.ID, hash)
				}
			}
		}
		now := s.now()
		sh := &Share{ID: uuid.NewString(), Hash: hash, Credential: d.Credential, Label: d.Email,
			Expires: now.AddDate(0, 0, DefaultShareDays), Created: now}
		if err := s.Shares.AddShare(ctx, sh); err != nil {
			return "", time.Time{}, err
		}
		d.Share = sh.ID
		return s.ShareURL(token), sh.Expires, nil
	}
	now := s.now()
	ttl := s.Mail.LinkTTL
	if ttl <= 0 {
		ttl = DefaultLinkTTL
	}
	token, hash := NewToken()
	link := &Link{Hash: hash, Delivery: d.ID, Expires: now.Add(ttl), Created: now}
	if err := s.Store.AddLink(ctx, link); err != nil {
		return "", time.Time{}, err
	}
	return s.Mail.BaseURL + "/d/" + token, link.Expires, nil
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
