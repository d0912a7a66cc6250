package status

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"sort"
	"sync"
	"time"
)

// Purpose is what a status list says about a credential (Bitstring Status
// List v1.0 §2.1, statusPurpose).
type Purpose string

const (
	Revocation Purpose = "revocation" // for ever
	Suspension Purpose = "suspension" // until lifted
)

// Purposes are the lists every slot has an entry in.
var Purposes = []Purpose{Revocation, Suspension}

// Slot is a credential's place in the status lists.
type Slot struct {
	List  int `json:"list"`
	Index int `json:"index"`
}

// Entry is what the store knows of one issued credential.
type Entry struct {
	ID    string
	Batch string
	Slot
	RevokedAt        time.Time // zero if not revoked
	RevocationReason string
	SuspendedAt      time.Time // zero if not suspended
	SuspensionReason string
}

// Revoked reports whether the credential is revoked.
func (e *Entry) Revoked() bool { return !e.RevokedAt.IsZero() }

// Suspended reports whether the credential is suspended.
func (e *Entry) Suspended() bool { return !e.SuspendedAt.IsZero() }

// ErrUnknownCredential is returned for a credential id the issuer never
// assigned a slot.
var ErrUnknownCredential = errors.New("no credential with this id was issued here")

// Store keeps the status lists durably.
type Store interface {
	// Allocate gives each id a free slot at random in the newest list that
	// stays at most half full, opening a new list when none does, and
	// records the assignment; it is durable when it returns.
	Allocate(ctx context.Context, batch string, ids []string) ([]Slot, error)
	// Release frees the slots Allocate gave the ids of batch that no
	// credential was issued with (a batch refused while it was built),
	// durably when it returns; an id of another batch, or none, is left.
	Release(ctx context.Context, batch string, ids []string) error
	// Entry returns a credential's slot and status.
	Entry(ctx context.Context, id string) (*Entry, error)
	// SetStatus sets or lifts a status. Revocation cannot be lifted.
	SetStatus(ctx context.Context, id string, p Purpose, on bool, reason string, at time.Time) (*Entry, error)
	// Bits is the bitstring of one list and purpose (ListSize/8 bytes) and
	// the list's version, which every status change in it increases.
	Bits(ctx context.Context, list int, p Purpose) ([]byte, int64, error)
	// Lists are the numbers of all lists, ascending.
	Lists(ctx context.Context) ([]int, error)
	// Revoked lists revoked and suspended credentials: all of them, or
	// only id's.
	Revoked(ctx context.Context, id string) ([]Entry, error)
	// PutDocument keeps a signed document we publish, by name
	// ("status/1/revocation"), made from the given version of its data: it
	// never replaces a document made from a later version, so concurrent
	// publishers cannot undo each other's changes.
	PutDocument(ctx context.Context, name string, doc []byte, version int64, at time.Time) error
	// Document returns a stored document and when it was stored.
	Document(ctx context.Context, name string) ([]byte, time.Time, error)
}

// ErrNoDocument is returned by Store.Document for a name never stored.
var ErrNoDocument = errors.New("no such document")

// ErrNoList is returned for a status list that does not exist.
var ErrNoList = errors.New("no such status list")

// ErrNotRevocable is returned when a revocation would be lifted.
var ErrNotRevocable = errors.New("a revocation is final and cannot be lifted")

// Pick chooses n free indices at random in a list whose used entries are
// marked in used (one bit each, as in a bitstring), and marks them.
// The caller makes sure at least n entries are free; Pick draws with
// rejection, which is quick while a list is at most half full.
func Pick(used []byte, n int) []int {
	size := len(used) * 8
	out := make([]int, 0, n)
	var b [8]byte
	for len(out) < n {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		i := int(binary.LittleEndian.Uint64(b[:]) % uint64(size))
		if on, _ := Get(used, i); on {
			continue
		}
		Set(used, i, true)
		out = append(out, i)
	}
	return out
}

// Fits reports whether n more slots fit in a list with allocated slots,
// keeping it at most half full.
func Fits(allocated, n int) bool { return allocated+n <= ListSize/2 }

// MemStore is an in-memory Store for tests.
type MemStore struct {
	mu      sync.Mutex
	used    [][]byte
	count   []int
	version []int64
	entries map[string]*Entry
	docs    map[string]memDoc
	// Fail, if set, is returned by every call (fault injection).
	Fail error
}

type memDoc struct {
	doc     []byte
	at      time.Time
	version int64
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{entries: map[string]*Entry{}, docs: map[string]memDoc{}}
}

func (m *MemStore) Allocate(ctx context.Context, batch string, ids []string) ([]Slot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return nil, m.Fail
	}
	for _, id := range ids {
		if _, ok := m.entries[id]; ok {
			return nil, errors.New("credential " + id + " already has a slot")
		}
	}
	last := len(m.used) - 1
	if last < 0 || !Fits(m.count[last], len(ids)) {
		m.used = append(m.used, make([]byte, ListSize/8))
		m.count = append(m.count, 0)
		m.version = append(m.version, 0)
		last++
	}
	idx := Pick(m.used[last], len(ids))
	m.count[last] += len(ids)
	out := make([]Slot, len(ids))
	for i, id := range ids {
		out[i] = Slot{List: last + 1, Index: idx[i]}
		m.entries[id] = &Entry{ID: id, Batch: batch, Slot: out[i]}
	}
	return out, nil
}

func (m *MemStore) Release(ctx context.Context, batch string, ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	for _, id := range ids {
		if e, ok := m.entries[id]; ok && e.Batch == batch {
			Set(m.used[e.List-1], e.Index, false)
			m.count[e.List-1]--
			delete(m.entries, id)
		}
	}
	return nil
}

func (m *MemStore) Entry(ctx context.Context, id string) (*Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.lookup(id)
	if err != nil {
		return nil, err
	}
	c := *e
	return &c, nil
}

// lookup finds a credential's entry; m.mu is held.
func (m *MemStore) lookup(id string) (*Entry, error) {
	if m.Fail != nil {
		return nil, m.Fail
	}
	e, ok := m.entries[id]
	if !ok {
		return nil, ErrUnknownCredential
	}
	return e, nil
}

func (m *MemStore) SetStatus(ctx context.Context, id string, p Purpose, on bool, reason string, at time.Time) (*Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.lookup(id)
	if err != nil {
		return nil, err
	}
	if err := e.Apply(p, on, reason, at); err != nil {
		return nil, err
	}
	m.version[e.List-1]++
	c := *e
	return &c, nil
}

// Apply sets or lifts a status on the entry in memory, as
// Store.SetStatus does; stores share it.
func (e *Entry) Apply(p Purpose, on bool, reason string, at time.Time) error {
	switch {
	case p == Revocation && on:
		if !e.Revoked() {
			e.RevokedAt, e.RevocationReason = at, reason
		}
	case p == Revocation:
		if e.Revoked() {
			return ErrNotRevocable
		}
	case p == Suspension && on:
		e.SuspendedAt, e.SuspensionReason = at, reason
	case p == Suspension:
		e.SuspendedAt, e.SuspensionReason = time.Time{}, ""
	default:
		return errors.New("unknown status purpose " + string(p))
	}
	return nil
}

func (m *MemStore) Bits(ctx context.Context, list int, p Purpose) ([]byte, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return nil, 0, m.Fail
	}
	if list < 1 || list > len(m.used) {
		return nil, 0, ErrNoList
	}
	bits := make([]byte, ListSize/8)
	for _, e := range m.entries {
		if e.List == list && ((p == Revocation && e.Revoked()) || (p == Suspension && e.Suspended())) {
			Set(bits, e.Index, true)
		}
	}
	return bits, m.version[list-1], nil
}

func (m *MemStore) Lists(ctx context.Context) ([]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]int, len(m.used))
	for i := range out {
		out[i] = i + 1
	}
	return out, m.Fail
}

func (m *MemStore) Revoked(ctx context.Context, id string) ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Entry
	for _, e := range m.entries {
		if (e.Revoked() || e.Suspended()) && (id == "" || e.ID == id) {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, m.Fail
}

func (m *MemStore) PutDocument(ctx context.Context, name string, doc []byte, version int64, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	if old, ok := m.docs[name]; ok && old.version > version {
		return nil
	}
	m.docs[name] = memDoc{append([]byte(nil), doc...), at, version}
	return nil
}

func (m *MemStore) Document(ctx context.Context, name string) ([]byte, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return nil, time.Time{}, m.Fail
	}
	d, ok := m.docs[name]
	if !ok {
		return nil, time.Time{}, ErrNoDocument
	}
	return d.doc, d.at, nil
}
