package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/atomicfile"
	"github.com/etranscript/etranscript/internal/flock"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/mail"
	"github.com/etranscript/etranscript/transcript"
	"github.com/google/uuid"
)

// Service runs batch jobs from the store to the last mail: the same
// pipeline for the command line and for the issuer API. Every step is
// recorded before the next, so a crash or a restart resumes where it
// stopped (Work), anchors nothing twice (Run's journal), and sends every
// mail at least once and, but for a crash in the instant between the mail
// server's answer and its record, exactly once.
type Service struct {
	Store  JobStore
	Sender mail.Sender
	// Issuer issues a job's batch: *issuer.Issuer.
	Issuer Issuer
	// Shares keeps the graduates' share links and consents; nil: none.
	Shares ShareStore
	// Leases, if set, let several processes share the store (leases.go);
	// Owner is this process's identity in them (made if empty).
	Leases Leases
	Owner  string
	// Retention is how long access logs and ended links are kept (0:
	// DefaultRetention); Work purges older ones once a day.
	Retention time.Duration
	Inbox     string // where submitted batches are kept (DATA/inbox)
	// OutDir is where a batch's credentials are written.
	OutDir func(batch string) string
	Mail   MailSettings
	Log    *slog.Logger
	Now    func() time.Time

	wake      chan struct{}
	once      sync.Once
	ownerOnce sync.Once
	// submitted is the batch last submitted in memory, by its input
	// digest: issuing it in this process need not read its saved copy
	// again. Another process, or a resumed run, reads the saved copy.
	submitted struct {
		sync.Mutex
		input string
		batch *transcript.Batch
		// prepared is where the batch last submitted by SubmitReading
		// was built as it was read (issuer.Request.Prepared).
		prepared string
	}
}

// Issuer issues a batch, resuming it if it was started: *issuer.Issuer
// is the real one.
type Issuer interface {
	Issue(ctx context.Context, r issuer.Request) (*issuer.Batch, error)
}

// MailSettings are what the delivery mails say and where their links go.
type MailSettings struct {
	From        string // "Registry <registry@example.edu>"
	Institution string
	BaseURL     string // download links are BaseURL/d/<token>
	VerifyURL   func(credentialID string) string
	LinkTTL     time.Duration // 0: DefaultLinkTTL
	MaxAttempts int           // 0: DefaultMaxAttempts
	// MaxShareDays bounds a share link's life (0: DefaultMaxShareDays).
	MaxShareDays int
}

// Defaults of delivery.
const (
	DefaultLinkTTL     = 30 * 24 * time.Hour
	DefaultMaxAttempts = 10
	sendLease          = 10 * time.Minute
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Service) init() { s.once.Do(func() { s.wake = make(chan struct{}, 1) }) }

// Records is the job's saved input, read a record at a time.
func (j *JobRecord) Records() transcript.Records {
	return &transcript.BatchFile{Path: j.Source, ID: j.ID, Count: j.Total}
}

// records are a job's records: the batch submitted in memory when it is
// this job's input (the same digest), else its saved copy. Taking it
// forgets it.
func (s *Service) records(j *JobRecord) transcript.Records {
	s.submitted.Lock()
	defer s.submitted.Unlock()
	if b := s.submitted.batch; b != nil && s.submitted.input == j.Input && b.ID == j.ID && len(b.Records) == j.Total {
		s.submitted.input, s.submitted.batch = "", nil
		return b
	}
	return j.Records()
}

// Digest is the job's input digest (Digest of its batch).
func (j *JobRecord) Digest() ([32]byte, error) {
	var d [32]byte
	if n, err := hex.Decode(d[:], []byte(j.Input)); err != nil || n != len(d) {
		return d, fmt.Errorf("batch %s: stored input digest %q is not a SHA-256", j.ID, j.Input)
	}
	return d, nil
}

// Submission says how a batch is issued: the chain it is anchored on, and
// whether its mail is held until asked for (ReleaseMail).
type Submission struct {
	Chain    string
	HoldMail bool
}

// TestChain reports whether chain is one whose credentials are tests:
// mocknet (nothing anchored) and the embedded dev chain. Their mail is
// held unless asked for, and says what they are.
func TestChain(chain string) bool { return chain == anchor.Mocknet || chain == "dev" }

// Submit records a valid batch as a job (queued): its input is saved under
// Inbox first. Submitting the same batch again returns the existing job
// (as it was submitted); another batch under a used id is ErrOtherInput.
func (s *Service) Submit(ctx context.Context, b *transcript.Batch, sub Submission) (*JobRecord, bool, error) {
	j, created, err := s.SubmitStream(ctx, func(w io.Writer) (string, int, error) {
		return b.ID, len(b.Records), b.WriteJSON(w)
	}, sub)
	if err == nil { // j's input is b's (another batch under its id is an error)
		s.submitted.Lock()
		s.submitted.input, s.submitted.batch = j.Input, b
		s.submitted.Unlock()
	}
	return j, created, err
}

// SubmitStream is Submit of a batch that write writes as Batch.WriteJSON
// does, returning its id and number of records: a batch file of any size,
// validated and copied a record at a time (transcript.StreamJSON), never
// held whole.
func (s *Service) SubmitStream(ctx context.Context, write func(io.Writer) (id string, n int, err error), sub Submission) (*JobRecord, bool, error) {
	s.init()
	if err := os.MkdirAll(s.Inbox, 0o700); err != nil {
		return nil, false, err
	}
	// Written a record at a time and hashed on the way (Digest(b), without
	// the whole batch's JSON in memory); named by content, so another batch
	// under the same id never overwrites the input of the job that has it.
	h := sha256.New()
	var input, id string
	var n int
	src, err := atomicfile.Stream(s.Inbox, ".batch.*", 0o600, func(w io.Writer) error {
		var err error
		id, n, err = write(io.MultiWriter(w, h))
		return err
	}, func() string {
		input = hex.EncodeToString(h.Sum(nil))
		return id + "-" + input[:16] + ".json"
	})
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	j := &JobRecord{ID: id, Input: input, Chain: sub.Chain, Source: src, State: JobQueued, Total: n,
		Out: s.OutDir(id), Created: now, Updated: now, HoldMail: sub.HoldMail}
	j, created, err := s.Store.CreateJob(ctx, j)
	if errors.Is(err, issuer.ErrOtherInput) {
		os.Remove(src) // no job reads it
	}
	if err != nil {
		return nil, false, fmt.Errorf("batch %s: %w", id, err)
	}
	s.Wake()
	return j, created, nil
}

// Wake makes Work look for work now.
func (s *Service) Wake() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Process takes a job as far as it can go now: issued, and its deliveries
// recorded. Mail goes out through SendDue.
func (s *Service) Process(ctx context.Context, id string) (*JobRecord, error) {
	for {
		j, done, err := s.process(ctx, id)
		if done || err != nil {
			return j, err
		}
		// Another process works on it: wait until it is issued, or its
		// lease is free.
		if j.State == JobDelivering || j.State == JobDone {
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// process is Process when the job is free: done is false when another
// process holds it (j is then as the store says).
func (s *Service) process(ctx context.Context, id string) (j *JobRecord, done bool, err error) {
	ok, jctx, fence, release, err := s.claimJob(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		j, err := s.Store.Job(ctx, id)
		return j, false, err
	}
	defer release()
	j, err = s.processClaimed(jctx, id, fence)
	if cause := context.Cause(jctx); errors.Is(cause, ErrLeaseLost) {
		err = cause
	}
	return j, true, err
}

// processClaimed takes a job this process holds as far as it can go.
func (s *Service) processClaimed(ctx context.Context, id string, fence func(context.Context) error) (*JobRecord, error) {
	j, err := s.Store.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.State == JobQueued {
		j.State, j.Updated = JobIssuing, s.now()
		if err := s.Store.UpdateJob(ctx, j); err != nil {
			return nil, err
		}
	}
	if j.State == JobIssuing {
		if err := s.issue(ctx, j, fence); err != nil {
			if errors.Is(context.Cause(ctx), ErrLeaseLost) {
				return j, err // the job is another process's now: its record too
			}
			j.Error, j.Updated = err.Error(), s.now()
			if uerr := s.Store.UpdateJob(context.WithoutCancel(ctx), j); uerr != nil {
				s.log().Error("recording a job's error", "batch", j.ID, "err", uerr)
			}
			return j, err
		}
	}
	if j.State == JobDelivering {
		if err := s.finishIfDelivered(ctx, j); err != nil {
			return j, err
		}
	}
	return j, nil
}

func (s *Service) issue(ctx context.Context, j *JobRecord, fence func(context.Context) error) error {
	// The batch as submitted in memory, or its saved input (validated
	// when it was submitted) read a chunk at a time: a batch of any size
	// is never held whole.
	b := s.records(j)
	last := time.Time{}
	progress := func(p issuer.Progress) {
		switch p.Stage {
		case issuer.ProgressBuilt:
			j.Built, j.Done = p.Done, p.Done
		case issuer.ProgressAnchored:
			j.Anchored = true
		case issuer.ProgressWritten:
			j.Written = p.Done
		}
		j.Total = p.Total
		if time.Since(last) < time.Second && p.Done < p.Total {
			return
		}
		last = time.Now()
		j.Updated = s.now()
		if err := s.Store.UpdateJob(ctx, j); err != nil {
			s.log().Warn("recording progress", "batch", j.ID, "err", err)
		}
	}
	input, err := j.Digest()
	if err != nil {
		return err
	}
	res, err := s.Issuer.Issue(ctx, issuer.Request{Records: b, Input: input, Chain: j.Chain, Out: j.Out, Progress: progress, Fence: fence, Prepared: s.prepared(j)})
	if err != nil {
		return err
	}
	to, err := recipients(b, res.Issued)
	if err != nil {
		return fmt.Errorf("batch %s: %w", j.ID, err)
	}
	// Deliveries are stored issuer.Chunk at a time, one transaction each.
	now := s.now()
	state := DeliveryPending
	if j.HoldMail {
		state = DeliveryHeld
	}
	for base := 0; base < len(res.Issued); base += issuer.Chunk {
		var pending []*Delivery
		for i := base; i < min(base+issuer.Chunk, len(res.Issued)); i++ {
			r := to[i]
			pending = append(pending, &Delivery{ID: uuid.NewString(), Batch: j.ID, Credential: res.Issued[i].ID, Kind: KindHolder,
				Email: r.Email, Name: r.Name, NameLocal: r.NameLocal, State: state, NextAttempt: now, Created: now})
		}
		if _, err := s.Store.AddDeliveries(ctx, pending); err != nil {
			return fmt.Errorf("batch %s: recording deliveries: %w", j.ID, err)
		}
	}
	j.State, j.Done, j.Total, j.Error, j.Out, j.Updated = JobDelivering, len(res.Issued), len(res.Issued), "", res.Out, s.now()
	return s.Store.UpdateJob(ctx, j)
}

// recipients are whom each issued credential goes to, in order: as the
// issuer recorded them, or, for a batch an earlier version prepared, read
// from its saved input (each record's credential is in its place).
func recipients(b transcript.Records, issued []issuer.Issued) ([]issuer.Recipient, error) {
	to := make([]issuer.Recipient, 0, len(issued))
	for _, c := range issued {
		to = append(to, c.Recipient)
	}
	if !slices.ContainsFunc(to, func(r issuer.Recipient) bool { return r.Email == "" }) {
		return to, nil
	}
	to = to[:0]
	for r, err := range b.All() {
		if err != nil {
			return nil, fmt.Errorf("reading its saved input: %w", err)
		}
		if i := len(to); i >= len(issued) || issued[i].StudentID != r.StudentID {
			return nil, fmt.Errorf("record %d (student %s) has no credential", i+1, r.StudentID)
		}
		to = append(to, issuer.Recipient{Email: r.Email, Name: r.Name, NameLocal: r.NameLocal})
	}
	if len(to) != len(issued) {
		return nil, fmt.Errorf("%d credentials for %d records", len(issued), len(to))
	}
	return to, nil
}

// ErrStillIssuing is returned for a batch whose mail cannot be released
// yet: it is not issued.
var ErrStillIssuing = errors.New("still being issued: ask again when it is issued")

// ReleaseMail sends a held batch's mail: its held deliveries become due
// now (SendDue sends them), and the batch is no longer held. It says how
// many were released.
func (s *Service) ReleaseMail(ctx context.Context, batch string) (int, error) {
	j, err := s.Store.Job(ctx, batch)
	if err != nil {
		return 0, err
	}
	if j.State == JobQueued || j.State == JobIssuing {
		return 0, fmt.Errorf("batch %s: %w", batch, ErrStillIssuing)
	}
	if j.HoldMail {
		j.HoldMail, j.Updated = false, s.now()
		if j.State == JobDone {
			j.State = JobDelivering
		}
		if err := s.Store.UpdateJob(ctx, j); err != nil {
			return 0, err
		}
	}
	n, err := s.Store.ReleaseHeld(ctx, batch, s.now())
	if err == nil && n > 0 {
		s.Wake()
	}
	return n, err
}

// finishIfDelivered marks a delivering job done once no mail is pending.
func (s *Service) finishIfDelivered(ctx context.Context, j *JobRecord) error {
	ds, err := s.Store.Deliveries(ctx, j.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Kind == KindHolder && (d.State == DeliveryPending || d.State == DeliverySending) {
			return nil
		}
	}
	j.State, j.Updated = JobDone, s.now()
	return s.Store.UpdateJob(ctx, j)
}

// MarkServing marks this process as a serve of the data directory dir
// (a shared lock: several serve processes may run on it, each claiming its
// work through the database), until release.
func MarkServing(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return flock.LockShared(filepath.Join(dir, "serving.lock"))
}

// Serving reports whether a serve runs on the data directory dir on this
// machine.
func Serving(dir string) bool {
	release, err := flock.Lock(filepath.Join(dir, "serving.lock"))
	if err != nil {
		return errors.Is(err, flock.ErrLocked)
	}
	release()
	return false
}

// Beat keeps this process's heartbeat while ctx lives, until stop is
// called (before the store closes), so that the mails and jobs it claims
// are not taken for a dead process's (Work does it by itself).
func (s *Service) Beat(ctx context.Context) (stop func()) { return s.heartbeat(ctx) }

// Work runs jobs and sends mail until ctx ends: first it resumes whatever
// an earlier run left unfinished, then it wakes on Submit, Deliver, or
// every poll interval for retries.
func (s *Service) Work(ctx context.Context, poll time.Duration) {
	s.init()
	defer s.heartbeat(ctx)()
	if poll <= 0 {
		poll = 5 * time.Second
	}
	failures := map[string]time.Time{} // job id -> not before
	t := time.NewTicker(poll)
	defer t.Stop()
	var purged time.Time
	for {
		if time.Since(purged) > 24*time.Hour {
			s.purge(ctx)
			purged = time.Now()
		}
		jobs, err := s.Store.Unfinished(ctx)
		if err != nil && ctx.Err() == nil {
			s.log().Error("reading jobs", "err", err)
		}
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			if nb, ok := failures[j.ID]; ok && time.Now().Before(nb) {
				continue
			}
			if _, _, err := s.process(ctx, j.ID); err != nil {
				if ctx.Err() != nil {
					return
				}
				s.log().Error("batch job stopped; it will be retried", "batch", j.ID, "err", err)
				failures[j.ID] = time.Now().Add(30 * time.Second)
				continue
			}
			delete(failures, j.ID)
		}
		n, err := s.SendDue(ctx, 100)
		if err != nil && ctx.Err() == nil {
			s.log().Error("sending mail", "err", err)
		}
		if n > 0 {
			continue // more may be due, and jobs may be done
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// DefaultRetention is how long access logs and ended links are kept.
const DefaultRetention = 365 * 24 * time.Hour

// purge removes the access logs and the ended links older than the
// retention (docs/privacy.md).
func (s *Service) purge(ctx context.Context) {
	if s.Shares == nil {
		return
	}
	keep := s.Retention
	if keep <= 0 {
		keep = DefaultRetention
	}
	n, err := s.Shares.Purge(ctx, s.now().Add(-keep))
	switch {
	case err != nil && ctx.Err() == nil:
		s.log().Error("purging old access logs and links", "err", err)
	case n > 0:
		s.log().Info("purged old access logs and links", "rows", n)
	}
}
