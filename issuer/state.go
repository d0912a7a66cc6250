package issuer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/internal/atomicfile"
	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/internal/flock"
)

// Stages of a batch, each stored before the next begins.
const (
	StagePrepared = "prepared" // credentials built and hashed, Merkle root known
	StageAnchored = "anchored" // root on chain with its confirmations
	StageDone     = "done"     // proofs added, credentials written
)

// State is a batch's durable record: DATA/batches/<batch>/state.json.
type State struct {
	Batch        string         `json:"batch"`
	Input        string         `json:"input"` // SHA-256 of the batch as read
	Chain        string         `json:"chain"`
	Stage        string         `json:"stage"`
	Count        int            `json:"count"`
	Root         string         `json:"merkleRoot"`
	Sent         []*anchor.Tx   `json:"transactions,omitempty"` // recorded before broadcast
	Anchor       *anchor.Result `json:"anchor,omitempty"`
	ProofCreated string         `json:"proofCreated,omitempty"`
	Out          string         `json:"out,omitempty"`
	Updated      time.Time      `json:"updated"`
	mu           sync.Mutex     `json:"-"`
	dir          string         `json:"-"`
}

const stateFile = "state.json"

// loadState reads dir's state, or returns nil if there is none.
func loadState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &State{dir: dir}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	return s, nil
}

// save writes the state durably (temporary file, fsync, rename, fsync of
// the directory).
func (s *State) save() error {
	s.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(s.dir, stateFile), b, 0o600)
}

// Txs implements anchor.Journal.
func (s *State) Txs() []*anchor.Tx {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*anchor.Tx(nil), s.Sent...)
}

// Record implements anchor.Journal: the transaction is on disk before it
// is broadcast.
func (s *State) Record(t *anchor.Tx) error {
	s.mu.Lock()
	s.Sent = append(s.Sent, t)
	err := s.save()
	s.mu.Unlock()
	if err == nil {
		fault("after-record")
	}
	return err
}

// ErrBusy means another process is issuing the same batch.
var ErrBusy = errors.New("another etranscript process is issuing this batch")

// lock takes the batch directory's lock for the life of the process (or
// until release): two processes never work on one batch.
func lock(dir string) (release func(), err error) { return lockFile(filepath.Join(dir, "lock")) }

// lockFile takes an exclusive lock on path, or fails with ErrBusy.
func lockFile(path string) (release func(), err error) {
	release, err = flock.Lock(path)
	if errors.Is(err, flock.ErrLocked) {
		return nil, ErrBusy
	}
	return release, err
}

// FaultEnv names the fault point at which a test makes the process die
// (exit status 86), to prove that a later run resumes: "after-record" (a
// transaction recorded, not yet broadcast), "after-anchor" (the root
// confirmed on chain, proofs not yet written), "after-prepare".
var FaultEnv = envvar.Fault.Name

func fault(point string) {
	if envvar.Fault.Get() == point {
		fmt.Fprintf(os.Stderr, "etranscript: test fault %q: exiting\n", point)
		os.Exit(86)
	}
}

// Unanchored lists the batches under batchesDir that are prepared (their
// credentials built and signed) but not yet anchored: rotating the signing
// key now would leave them signed by a key retired before their anchor.
func Unanchored(batchesDir string) ([]string, error) {
	entries, err := os.ReadDir(batchesDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || isPrepared(e.Name()) {
			continue
		}
		st, err := loadState(filepath.Join(batchesDir, e.Name()))
		if err != nil {
			return nil, err
		}
		if st != nil && st.Stage == StagePrepared {
			out = append(out, st.Batch)
		}
	}
	return out, nil
}
