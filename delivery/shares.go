package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"
)

// Share is a link a graduate made to show their transcript to someone: it
// opens the credential's verification page until it expires, is revoked,
// or has been opened MaxViews times; it may need a passcode. Only hashes
// of its token and passcode are kept.
type Share struct {
	ID          string     `json:"id"`
	Hash        string     `json:"-"`
	Credential  string     `json:"credential"`
	Label       string     `json:"label"`
	Passcode    string     `json:"-"` // bcrypt hash, "" for none
	MaxViews    int        `json:"maxViews,omitempty"`
	Views       int        `json:"views"`
	Failures    int        `json:"-"` // wrong passcodes in a row
	LockedUntil *time.Time `json:"lockedUntil,omitempty"`
	Expires     time.Time  `json:"expiresAt"`
	Revoked     *time.Time `json:"revokedAt,omitempty"`
	Created     time.Time  `json:"created"`
}

// HasPasscode reports a share that asks for one.
func (s *Share) HasPasscode() bool { return s.Passcode != "" }

// ShareView is one opening of a share, with the client told coarsely: its
// browser family and its network (a /24 or a /48), never its address.
type ShareView struct {
	At      time.Time `json:"at"`
	Browser string    `json:"browser"`
	Network string    `json:"network"`
}

// Consent records a graduate's consent to a delivery: who (the credential's
// holder, through their link), when, what, to whom.
type Consent struct {
	ID         string    `json:"id"`
	Credential string    `json:"credential"`
	Delivery   string    `json:"delivery"`
	Recipient  string    `json:"recipient"`
	Note       string    `json:"note,omitempty"`
	Statement  string    `json:"statement"`
	Link       string    `json:"-"` // the hash of the holder link it was given through
	Created    time.Time `json:"created"`
}

// ShareStore keeps shares, their views and the consents.
type ShareStore interface {
	AddShare(ctx context.Context, s *Share) error
	// ShareByHash returns the share of a token's hash.
	ShareByHash(ctx context.Context, hash string) (*Share, error)
	Shares(ctx context.Context, credential string) ([]Share, error)
	// RevokeShare revokes a credential's share; ErrNotFound if it has none
	// of that id.
	RevokeShare(ctx context.Context, credential, id string, at time.Time) error
	// SetShareToken gives a share a new token (the old one stops working).
	SetShareToken(ctx context.Context, id, hash string) error
	// OpenShare counts a view and logs it, in one transaction, unless the
	// share is used up (false).
	OpenShare(ctx context.Context, id string, v ShareView) (bool, error)
	// ShareFailure records a wrong passcode: after max in a row, the share
	// is locked until lockUntil. ShareSuccess clears the count.
	ShareFailure(ctx context.Context, id string, max int, lockUntil time.Time) error
	ShareSuccess(ctx context.Context, id string) error
	ShareViews(ctx context.Context, id string) ([]ShareView, error)
	AddConsent(ctx context.Context, c *Consent) error
	Consents(ctx context.Context, credential string) ([]Consent, error)
	// HolderDeliveries returns the holder deliveries sent to an address.
	HolderDeliveries(ctx context.Context, email string) ([]Delivery, error)
	// Purge removes views logged before before, and shares and links that
	// ended before it; it says how many rows went.
	Purge(ctx context.Context, before time.Time) (int, error)
}

// Limits of shares.
const (
	DefaultShareDays    = 30
	DefaultMaxShareDays = 365
	maxLabel            = 100
	passcodeTries       = 5
	passcodeLock        = 15 * time.Minute
)

// Errors of shares, each its own answer.
var (
	ErrShareGone      = errors.New("this share link has expired, was revoked, or has been used as often as allowed")
	ErrPasscodeNeeded = errors.New("this share link needs its passcode")
	ErrPasscodeWrong  = errors.New("wrong passcode")
	ErrShareLocked    = errors.New("too many wrong passcodes: this share link is locked for a while")
	ErrNoConsent      = errors.New("a delivery needs the graduate's explicit consent")
	ErrInvalidShare   = errors.New("invalid share")
)

// ShareRequest is what a graduate asks for.
type ShareRequest struct {
	Label     string     `json:"label"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	Days      int        `json:"days,omitempty"`
	Passcode  string     `json:"passcode,omitempty"`
	MaxViews  int        `json:"maxViews,omitempty"`
}

func invalidShare(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidShare, fmt.Sprintf(format, args...))
}

// expiry is when a requested share ends: its date, or days from now
// (DefaultShareDays if neither), within the setting's maximum.
func (s *Service) expiry(r ShareRequest) (time.Time, error) {
	now := s.now()
	max := s.Mail.MaxShareDays
	if max <= 0 {
		max = DefaultMaxShareDays
	}
	end := now.AddDate(0, 0, DefaultShareDays)
	switch {
	case r.ExpiresAt != nil:
		end = r.ExpiresAt.UTC()
	case r.Days != 0:
		end = now.AddDate(0, 0, r.Days)
	}
	if !end.After(now) || end.After(now.AddDate(0, 0, max)) {
		return time.Time{}, invalidShare("expiresAt or days: expected a time from now to %d days ahead", max)
	}
	return end, nil
}

// CreateShare makes a share of the credential a holder's link opens, and
// returns it with its token (shown once: only its hash is kept).
func (s *Service) CreateShare(ctx context.Context, d *Download, r ShareRequest) (*Share, string, error) {
	label := strings.TrimSpace(r.Label)
	if label == "" || utf8.RuneCountInString(label) > maxLabel {
		return nil, "", invalidShare("label: expected a name for the link (%d characters at most), such as the employer's", maxLabel)
	}
	if r.MaxViews < 0 {
		return nil, "", invalidShare("maxViews: expected a positive number, or none")
	}
	end, err := s.expiry(r)
	if err != nil {
		return nil, "", err
	}
	sh := &Share{ID: uuid.NewString(), Credential: d.Delivery.Credential, Label: label, MaxViews: r.MaxViews,
		Expires: end, Created: s.now()}
	if r.Passcode != "" {
		if len(r.Passcode) < 4 || len(r.Passcode) > 72 {
			return nil, "", invalidShare("passcode: expected 4 to 72 characters")
		}
		h, err := bcrypt.GenerateFromPassword([]byte(r.Passcode), bcrypt.DefaultCost)
		if err != nil {
			return nil, "", err
		}
		sh.Passcode = string(h)
	}
	token, hash := NewToken()
	sh.Hash = hash
	if err := s.Shares.AddShare(ctx, sh); err != nil {
		return nil, "", err
	}
	return sh, token, nil
}

// ShareURL is a share token's address.
func (s *Service) ShareURL(token string) string { return s.Mail.BaseURL + "/s/" + token }

// OpenShare resolves a share token for someone who opens it: with the
// passcode if it has one. A success counts a view and logs it.
func (s *Service) OpenShare(ctx context.Context, token, passcode string, v ShareView) (*Share, error) {
	sh, err := s.Shares.ShareByHash(ctx, HashToken(token))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if sh.Revoked != nil || !now.Before(sh.Expires) || sh.MaxViews > 0 && sh.Views >= sh.MaxViews {
		return nil, ErrShareGone
	}
	if sh.HasPasscode() {
		if sh.LockedUntil != nil && now.Before(*sh.LockedUntil) {
			return sh, ErrShareLocked
		}
		if passcode == "" {
			return sh, ErrPasscodeNeeded
		}
		if bcrypt.CompareHashAndPassword([]byte(sh.Passcode), []byte(passcode)) != nil {
			if err := s.Shares.ShareFailure(ctx, sh.ID, passcodeTries, now.Add(passcodeLock)); err != nil {
				return nil, err
			}
			return sh, ErrPasscodeWrong
		}
		if err := s.Shares.ShareSuccess(ctx, sh.ID); err != nil {
			return nil, err
		}
	}
	v.At = now
	ok, err := s.Shares.OpenShare(ctx, sh.ID, v)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrShareGone
	}
	sh.Views++
	return sh, nil
}

// SharesOf lists a credential's shares, each with its views.
func (s *Service) SharesOf(ctx context.Context, credential string) ([]Share, map[string][]ShareView, error) {
	shs, err := s.Shares.Shares(ctx, credential)
	if err != nil {
		return nil, nil, err
	}
	logs := make(map[string][]ShareView, len(shs))
	for _, sh := range shs {
		if logs[sh.ID], err = s.Shares.ShareViews(ctx, sh.ID); err != nil {
			return nil, nil, err
		}
	}
	return shs, logs, nil
}

// RevokeShare revokes one of a credential's shares.
func (s *Service) RevokeShare(ctx context.Context, credential, id string) error {
	return s.Shares.RevokeShare(ctx, credential, id, s.now())
}

// ConsentStatement is what a graduate agrees to, in the words recorded.
func ConsentStatement(institution, recipient string) string {
	return fmt.Sprintf("I agree that %s sends my transcript to %s. 本人同意%s將本人的成績單發送予 %s。", institution, recipient, institution, recipient)
}

// SendWithConsent sends the credential a holder's link opens to a third
// party, with the graduate's consent, recorded first: the consent (its
// statement, when, from which link), then the delivery, whose mail carries
// a share link of its own.
func (s *Service) SendWithConsent(ctx context.Context, dl *Download, email, note string, consent bool) (*Delivery, *Consent, error) {
	if !consent {
		return nil, nil, ErrNoConsent
	}
	if utf8.RuneCountInString(note) > 1000 {
		return nil, nil, invalidShare("note: 1,000 characters at most")
	}
	d, err := s.Deliver(ctx, dl.Delivery.Credential, email, strings.TrimSpace(note))
	if err != nil {
		return nil, nil, err
	}
	c := &Consent{ID: uuid.NewString(), Credential: d.Credential, Delivery: d.ID, Recipient: email, Note: d.Note,
		Statement: ConsentStatement(s.Mail.Institution, email), Link: dl.Link.Hash, Created: s.now()}
	if err := s.Shares.AddConsent(ctx, c); err != nil {
		return nil, nil, err
	}
	return d, c, nil
}

// Renew mails a new download link to a graduate who asks for one with
// their student id and the address on record; studentOf reads the student
// id of a credential. Whether or not they match, the caller answers the
// same.
func (s *Service) Renew(ctx context.Context, studentID, email string, studentOf func(d *Delivery) (string, error)) error {
	ds, err := s.Shares.HolderDeliveries(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return err
	}
	now := s.now()
	for i := range ds {
		h := &ds[i]
		id, err := studentOf(h)
		if err != nil || id != strings.TrimSpace(studentID) {
			continue
		}
		d := &Delivery{ID: uuid.NewString(), Batch: h.Batch, Credential: h.Credential, Kind: KindRenewal, Email: h.Email, Name: h.Name, NameLocal: h.NameLocal,
			State: DeliveryPending, NextAttempt: now, Created: now}
		if _, err := s.Store.AddDeliveries(ctx, []*Delivery{d}); err != nil {
			return err
		}
	}
	s.Wake()
	return nil
}
