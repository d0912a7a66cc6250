package issuer

import (
	"context"
	"path/filepath"

	"github.com/etranscript/etranscript/transcript"
)

// Chains opens the anchorer of a chain by its name ("dev", "sepolia",
// "mocknet"...); the command line's is over config.json's chains.
type Chains interface {
	Anchorer(ctx context.Context, chain string) (Anchorer, error)
}

// Issuer issues batches for one issuer: its settings (keys, scheme,
// status lists, outputs), its chains, and where batches are worked on.
type Issuer struct {
	Settings Settings
	Chains   Chains
	// BatchesDir holds each batch's working directory (DATA/batches).
	BatchesDir string
}

// Request is one batch to issue.
type Request struct {
	// Records are the batch's records: in memory, or read from its saved
	// file a chunk at a time (transcript.BatchFile).
	Records transcript.Records
	Input   [32]byte // identifies the batch's content (Digest)
	Chain   string
	Out     string // where the credentials are written
	// Progress, if set, is told how many credentials are done of how
	// many.
	Progress func(Progress)
	// Fence, if set, says whether this process still holds the batch
	// (Job.Fence).
	Fence func(context.Context) error
	// Prepared, if set, is where Prepare built this batch (Job.Prepared).
	Prepared string
}

// Issue runs the batch through Run on its chain, resuming it if an
// earlier run started it.
func (is *Issuer) Issue(ctx context.Context, r Request) (*Batch, error) {
	a, err := is.Chains.Anchorer(ctx, r.Chain)
	if err != nil {
		return nil, err
	}
	s := is.Settings
	if r.Progress != nil {
		s.Progress = r.Progress
	}
	id := r.Records.BatchID()
	return Run(ctx, Job{Dir: filepath.Join(is.BatchesDir, id), Batch: r.Records, Input: r.Input, Chain: r.Chain, Anchorer: a, Out: r.Out, Fence: r.Fence, Prepared: r.Prepared}, s)
}
