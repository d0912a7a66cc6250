package delivery

import (
	"context"
	"errors"
	"time"
)

// Job states, in order.
const (
	JobQueued     = "queued"     // accepted, not started
	JobIssuing    = "issuing"    // building, anchoring, writing (issuer.Run's own stages)
	JobDelivering = "delivering" // issued; mail going out
	JobDone       = "done"       // every mail sent (or given up)
)

// JobRecord is a batch job as the store keeps it.
type JobRecord struct {
	ID     string `json:"id"`
	Input  string `json:"input"` // hex SHA-256 of the batch (Digest)
	Chain  string `json:"chain"`
	Source string `json:"-"` // the saved input file
	State  string `json:"state"`
	Total  int    `json:"total"`
	Done   int    `json:"done"`
	Error  string `json:"error,omitempty"` // the last error, while it is retried
	Out    string `json:"-"`               // where the credentials are
	// HoldMail keeps the batch's mail until asked for (ReleaseMail).
	HoldMail bool      `json:"mailHeld"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	// Built and Written count the credentials through those stages;
	// Anchored says the root is on its chain (Done is Built).
	Built    int  `json:"built"`
	Anchored bool `json:"anchored"`
	Written  int  `json:"written"`
}

// Delivery states.
const (
	DeliveryHeld    = "held" // not to be sent until asked for (ReleaseMail)
	DeliveryPending = "pending"
	DeliverySending = "sending" // handed to the mail server; not yet confirmed
	DeliverySent    = "sent"
	DeliveryFailed  = "failed" // refused for good
)

// Delivery kinds.
const (
	KindHolder     = "holder"      // the graduate, at the batch's address
	KindThirdParty = "third-party" // someone the graduate asked us to send it to
	KindRenewal    = "renewal"     // a new download link the graduate asked for
)

// Delivery is one email of a credential to one recipient.
type Delivery struct {
	ID          string     `json:"id"`
	Batch       string     `json:"batch"`
	Credential  string     `json:"credential"`
	Kind        string     `json:"kind"`
	Email       string     `json:"-"`
	Name        string     `json:"-"`
	State       string     `json:"state"`
	Attempts    int        `json:"attempts"`
	NextAttempt time.Time  `json:"nextAttempt,omitempty"`
	LastError   string     `json:"lastError,omitempty"`
	MessageID   string     `json:"-"`
	SentAt      *time.Time `json:"sentAt,omitempty"`
	Created     time.Time  `json:"created"`
	// Note is the graduate's note to a third party; Share the id of the
	// share link a third party's mail carries (made when it is sent).
	Note  string `json:"note,omitempty"`
	Share string `json:"share,omitempty"`
	// NameLocal is the graduate's name in Chinese, if the record has one:
	// the Chinese part of the mail greets them by it.
	NameLocal string `json:"-"`
}

// Link is a download link: only the hash of its token is kept.
type Link struct {
	Hash     string
	Delivery string
	Expires  time.Time
	Revoked  *time.Time
	Created  time.Time
}

// JobStore keeps jobs, deliveries and links durably.
type JobStore interface {
	// CreateJob stores a new job; it returns the existing one (and false)
	// if the id is taken by the same input, ErrOtherInput if by another.
	CreateJob(ctx context.Context, j *JobRecord) (*JobRecord, bool, error)
	Job(ctx context.Context, id string) (*JobRecord, error)
	// Unfinished returns the jobs not done, oldest first.
	Unfinished(ctx context.Context) ([]JobRecord, error)
	UpdateJob(ctx context.Context, j *JobRecord) error

	// AddDeliveries stores deliveries in one transaction and returns how
	// many it added: a second holder delivery of the same credential is
	// ignored.
	AddDeliveries(ctx context.Context, ds []*Delivery) (int, error)
	// ReleaseHeld makes a batch's held deliveries pending, due at now, and
	// says how many.
	ReleaseHeld(ctx context.Context, batch string, now time.Time) (int, error)
	Delivery(ctx context.Context, id string) (*Delivery, error)
	// Due returns deliveries pending (or left sending by a crash) whose
	// next attempt is due.
	Due(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	UpdateDelivery(ctx context.Context, d *Delivery) error
	// SaveDeliveries adds links and updates deliveries in one
	// transaction: a round of mail is recorded in two, not three per mail.
	SaveDeliveries(ctx context.Context, ds []*Delivery, links []*Link) error
	// RequeueSending makes every "sending" delivery pending and due now.
	RequeueSending(ctx context.Context, now time.Time) (int, error)
	Deliveries(ctx context.Context, batch string) ([]Delivery, error)
	// CredentialDeliveries returns the deliveries of one credential.
	CredentialDeliveries(ctx context.Context, credential string) ([]Delivery, error)

	AddLink(ctx context.Context, l *Link) error
	Link(ctx context.Context, hash string) (*Link, error)
	RevokeLinks(ctx context.Context, delivery string, at time.Time) error
	LogDownload(ctx context.Context, hash, what string, at time.Time) error
}

// ErrNotFound is returned for a job, delivery or link that does not exist.
var ErrNotFound = errors.New("not found")
