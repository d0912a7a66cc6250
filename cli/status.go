package cli

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/credential/dataintegrity"
	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/keys"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/store"
)

// openStatus opens the store and the status service of a data directory.
func openStatus(ctx context.Context, cfg *config.Config, dsn string) (*status.Service, func(), error) {
	db, err := store.Open(ctx, cfg.Dir(), cfg.DSN(dsn))
	if err != nil {
		return nil, nil, err
	}
	svc := &status.Service{Store: db, BaseURL: cfg.URL, IssuerURL: cfg.ProfileURL(), RevocationListURL: cfg.RevocationListURL()}
	return svc, func() { db.Close() }, nil
}

// statusSigner is the active Ed25519 key, which signs the status lists.
func statusSigner(cfg *config.Config, ring *keys.Ring, pass []byte) (*status.Signer, error) {
	ed, ok := ring.Active(keys.Ed25519)
	if !ok {
		return nil, Usage(errors.New("no active signing key: run 'etranscript keys rotate'"))
	}
	k, err := ring.Signer(ed.ID, pass)
	if err != nil {
		return nil, err
	}
	return &status.Signer{Key: k, Method: cfg.ProfileURL() + "#" + ed.ID}, nil
}

// StatusChange is a revocation, a suspension or a lifted suspension.
type StatusChange struct {
	Purpose status.Purpose
	On      bool
	Reason  string
}

// SetStatus changes a credential's status and publishes the new status
// list, signed.
func SetStatus(ctx context.Context, dir, dsn, id string, ch StatusChange, pass []byte, w io.Writer) error {
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	if ch.On && ch.Reason == "" {
		return Usage(errors.New("--reason TEXT is required: it is published with the status"))
	}
	svc, sig, done, err := signedStatus(ctx, cfg, dsn, pass)
	if err != nil {
		return err
	}
	defer done()
	if cur, err := svc.Store.Entry(ctx, id); err == nil {
		if msg := unchanged(cur, ch); msg != "" {
			fmt.Fprintf(w, "credential %s %s: nothing changed\n", id, msg)
			return nil
		}
	}
	e, err := svc.Set(ctx, id, ch.Purpose, ch.On, ch.Reason, sig)
	if errors.Is(err, status.ErrUnknownCredential) || errors.Is(err, status.ErrNotRevocable) {
		return Usage(err)
	}
	if err != nil {
		return err
	}
	what := map[bool]string{true: "revoked", false: "no longer revocable"}[ch.On]
	if ch.Purpose == status.Suspension {
		what = map[bool]string{true: "suspended", false: "no longer suspended"}[ch.On]
	}
	fmt.Fprintf(w, "credential %s %s; published %s\n", id, what, svc.ListURL(e.List, ch.Purpose))
	if !delivery.Serving(dir) {
		fmt.Fprintln(w, "nothing serves the status lists now: verifiers see the change once 'etranscript serve' runs")
	}
	return nil
}

// unchanged says how a credential already is when ch would change
// nothing ("already revoked on 2026-11-20 (issued in error)"), or "".
func unchanged(e *status.Entry, ch StatusChange) string {
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	switch {
	case e.Revoked() && (ch.Purpose == status.Revocation || ch.On):
		return fmt.Sprintf("was already revoked on %s (%s)", day(e.RevokedAt), e.RevocationReason)
	case ch.Purpose == status.Suspension && ch.On && e.Suspended():
		return fmt.Sprintf("was already suspended on %s (%s)", day(e.SuspendedAt), e.SuspensionReason)
	case ch.Purpose == status.Suspension && !ch.On && !e.Suspended():
		return "is not suspended"
	}
	return ""
}

// republish signs every status list again with the active key (after a
// key rotation or compromise).
func republish(ctx context.Context, cfg *config.Config, dsn string, pass []byte) error {
	svc, sig, done, err := signedStatus(ctx, cfg, dsn, pass)
	if err != nil {
		return err
	}
	defer done()
	return svc.PublishAll(ctx, sig)
}

// signedStatus opens the status service with the key that signs the lists.
func signedStatus(ctx context.Context, cfg *config.Config, dsn string, pass []byte) (*status.Service, *status.Signer, func(), error) {
	ring, err := keys.Open(cfg.Dir())
	if err != nil {
		return nil, nil, nil, err
	}
	sig, err := statusSigner(cfg, ring, pass)
	if err != nil {
		return nil, nil, nil, err
	}
	svc, done, err := openStatus(ctx, cfg, dsn)
	if err != nil {
		return nil, nil, nil, err
	}
	if svc.W3C, err = w3cForm(ring, pass); err != nil {
		done()
		return nil, nil, nil, err
	}
	return svc, sig, done, nil
}

// vcAPIMethod is the VC API's issuer (the did:key of the status signer's
// key, the active Ed25519 key) and its verification method.
func vcAPIMethod(sig *status.Signer) (did, vm string) {
	return dataintegrity.DIDKey(sig.Key.Public().(ed25519.PublicKey))
}

// w3cForm publishes the status lists in the W3C form too, for the
// credentials the VC API issues: once per Ed25519 key not revoked, each
// signed as its did:key, the active key first.
func w3cForm(ring *keys.Ring, pass []byte) (*status.W3CForm, error) {
	active, ok := ring.Active(keys.Ed25519)
	if !ok {
		return nil, Usage(errors.New("no active signing key: run 'etranscript keys rotate'"))
	}
	form := &status.W3CForm{}
	add := func(k keys.Key) error {
		sk, err := ring.Signer(k.ID, pass)
		if err != nil {
			return err
		}
		did, vm := dataintegrity.DIDKey(sk.Public().(ed25519.PublicKey))
		form.Keys = append(form.Keys, status.W3CKey{ID: k.ID, Issuer: did, Signer: &status.Signer{Key: sk, Method: vm}})
		return nil
	}
	if err := add(active); err != nil {
		return nil, err
	}
	for _, k := range ring.Keys {
		if k.Type == keys.Ed25519 && k.ID != active.ID && k.Revoked == nil {
			if err := add(k); err != nil {
				return nil, err
			}
		}
	}
	return form, nil
}

// revokedKeys says whether a did:key is one of this data directory's
// Ed25519 keys reported compromised ('keys revoke'), read from the key
// ring at each call: a revocation shows at once.
func revokedKeys(dir string) func(did string) (time.Time, bool) {
	return func(did string) (time.Time, bool) {
		ring, err := keys.Open(dir)
		if err != nil {
			return time.Time{}, false
		}
		for _, k := range ring.Keys {
			if k.Type == keys.Ed25519 && k.Revoked != nil && "did:key:"+k.Multibase() == did {
				return *k.Revoked, true
			}
		}
		return time.Time{}, false
	}
}
