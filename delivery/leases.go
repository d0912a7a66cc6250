package delivery

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
)

// Several processes (serve on one or many machines, a command-line issue)
// share one database: each claims what it works on through the database,
// never through local files. A process beats every few seconds; a job or
// a mail it claimed is another's once its lease runs out, or once its
// heartbeat stops (it died).

// Leases is what the store keeps for that.
type Leases interface {
	// Heartbeat says the process owner is alive at now.
	Heartbeat(ctx context.Context, owner, host string, now time.Time) error
	// ClaimJob gives owner the job until until, unless another live lease
	// holds it; false when it does.
	ClaimJob(ctx context.Context, id, owner string, now, until time.Time) (bool, error)
	ReleaseJob(ctx context.Context, id, owner string) error
	// ClaimDue claims the deliveries due at now for owner until until:
	// pending ones, and ones left sending by a process whose last
	// heartbeat is before dead.
	ClaimDue(ctx context.Context, owner string, now, dead, until time.Time, limit int) ([]Delivery, error)
	// Lock takes a named lock until until, unless another owner holds it.
	Lock(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	Unlock(ctx context.Context, name, owner string) error
}

// Timing of leases.
const (
	beat      = 2 * time.Second  // a process's heartbeat
	deadAfter = 10 * time.Second // a process silent this long is dead
	jobLease  = 30 * time.Second // renewed every beat while the job runs
)

// owner is this process's identity in the leases, made once.
func (s *Service) owner() string {
	s.ownerOnce.Do(func() {
		if s.Owner == "" {
			s.Owner = uuid.NewString()
		}
	})
	return s.Owner
}

// heartbeat says this process is alive, now and every beat until ctx ends
// or stop is called.
func (s *Service) heartbeat(ctx context.Context) (stop func()) {
	if s.Leases == nil {
		return func() {}
	}
	host, _ := os.Hostname()
	host = fmt.Sprintf("%s/%d", host, os.Getpid())
	beatNow := func(ctx context.Context) error { return s.Leases.Heartbeat(ctx, s.owner(), host, time.Now()) }
	if err := beatNow(ctx); err != nil && ctx.Err() == nil {
		s.log().Warn("heartbeat", "err", err)
	}
	return s.renewing(ctx, beatNow)
}

// ErrLeaseLost stops a job this process no longer holds: it was paused
// (or cut off from the database) past its lease, and another process took
// the job over.
var ErrLeaseLost = errors.New("another process took this batch over (this one lost its lease); stopping here")

// claimJob claims a job for this process and keeps its lease while ctx
// lives; release gives it back. ok is false when another process has it.
// The job runs with jctx, which ends (cause ErrLeaseLost) if a renewal
// finds the lease taken by another process; fence asks the database
// whether the lease is still this process's, for the steps that must
// not run twice.
func (s *Service) claimJob(ctx context.Context, id string) (ok bool, jctx context.Context, fence func(context.Context) error, release func(), err error) {
	if s.Leases == nil {
		return true, ctx, nil, func() {}, nil
	}
	renew := func(ctx context.Context) (bool, error) {
		now := time.Now()
		return s.Leases.ClaimJob(ctx, id, s.owner(), now, now.Add(jobLease))
	}
	if ok, err = renew(ctx); err != nil || !ok {
		return ok, nil, nil, nil, err
	}
	jctx, lost := context.WithCancelCause(ctx)
	fence = func(ctx context.Context) error {
		held, err := renew(ctx)
		if err == nil && !held {
			lost(ErrLeaseLost)
			err = ErrLeaseLost
		}
		return err
	}
	stop := s.renewing(jctx, func(ctx context.Context) error {
		err := fence(ctx)
		if errors.Is(err, ErrLeaseLost) {
			s.log().Error("lost a job's lease to another process; stopping it", "batch", id)
			return nil // jctx has ended, and the renewing with it
		}
		return err
	})
	return true, jctx, fence, func() {
		stop()
		lost(nil)
		if err := s.Leases.ReleaseJob(context.WithoutCancel(ctx), id, s.owner()); err != nil {
			s.log().Warn("releasing a job's lease", "batch", id, "err", err)
		}
	}, nil
}

// Lock takes a named lock across every process of the database, waiting
// for it while another holds it, and keeps it until unlock
// (issuer.Locker: one anchoring per issuer key at a time, so one nonce
// sequence).
func (s *Service) Lock(ctx context.Context, name string) (unlock func(), err error) {
	if s.Leases == nil {
		return func() {}, nil
	}
	for {
		now := time.Now()
		ok, err := s.Leases.Lock(ctx, name, s.owner(), now, now.Add(jobLease))
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	stop := s.renewing(ctx, func(ctx context.Context) error {
		now := time.Now()
		_, err := s.Leases.Lock(ctx, name, s.owner(), now, now.Add(jobLease))
		return err
	})
	return func() {
		stop()
		s.Leases.Unlock(context.WithoutCancel(ctx), name, s.owner())
	}, nil
}

// renewing runs renew every beat until the returned stop is called (stop
// waits for it to end); a failure is logged, and tried again at the next
// beat.
func (s *Service) renewing(ctx context.Context, renew func(context.Context) error) (stop func()) {
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(beat)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				if err := renew(rctx); err != nil && rctx.Err() == nil {
					s.log().Warn("renewing a lease", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
