package issuer

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/etranscript/etranscript/credential"
	"github.com/etranscript/etranscript/internal/atomicfile"
)

// preparedPrefix begins the names of Prepare's directories in BatchesDir:
// '+' is in no batch id, so none is taken for a batch's.
const preparedPrefix = "+prepared."

// Prepare builds, signs and hashes a batch while it is being read and
// checked (r.Records of unknown length, a transcript.Pipe), so that a large
// batch file is read once: the result is a directory for Request.Prepared,
// which Issue takes in place of building the batch again. input is asked
// once every record is read: the digest of the batch as checked, or why
// it was refused, and then nothing is kept. Nothing is anchored or
// written to r.Out; the credentials' status slots are allocated as the
// batch is built.
func (is *Issuer) Prepare(ctx context.Context, r Request, input func() ([32]byte, error)) (dir string, err error) {
	if err := os.MkdirAll(is.BatchesDir, 0o700); err != nil {
		return "", err
	}
	removeStalePrepared(is.BatchesDir)
	if dir, err = os.MkdirTemp(is.BatchesDir, preparedPrefix+"*"); err != nil {
		return "", err
	}
	release, err := lock(dir) // not stale while it is held
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	defer release()
	s := is.Settings
	if r.Progress != nil {
		s.Progress = r.Progress
	}
	var given []string // the ids that have status slots
	if assign := s.Status; assign != nil {
		s.Status = func(ctx context.Context, batch string, ids []string) ([][]credential.StatusEntry, error) {
			e, err := assign(ctx, batch, ids)
			if err == nil {
				given = append(given, ids...)
			}
			return e, err
		}
	}
	job := Job{Dir: dir, Batch: r.Records, Chain: r.Chain}
	_, _, _, err = prepare(ctx, job, s, func() (string, error) {
		d, err := input()
		return hex.EncodeToString(d[:]), err
	})
	if err != nil {
		os.RemoveAll(dir)
		if len(given) > 0 && s.Unassign != nil {
			if uerr := s.Unassign(context.WithoutCancel(ctx), r.Records.BatchID(), given); uerr != nil {
				err = fmt.Errorf("%w (and freeing the status slots of the %d credentials built: %v)", err, len(given), uerr)
			}
		}
		return "", err
	}
	return dir, nil
}

// removeStalePrepared removes what Prepare left in dir and no process
// holds: a run that crashed, or whose batch was issued otherwise.
func removeStalePrepared(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, preparedPrefix+"*"))
	for _, p := range stale {
		if release, err := lock(p); err == nil {
			os.RemoveAll(p)
			release()
		}
	}
}

// isPrepared reports whether name, in BatchesDir, is Prepare's.
func isPrepared(name string) bool { return strings.HasPrefix(name, preparedPrefix) }

// adopt moves the batch Prepare built in job.Prepared into job.Dir, which
// has no state, and returns its state; nil when it was built from another
// input or for another chain or batch (or is gone), and then the batch is
// prepared as if there were none. job.Prepared is removed in any case.
// Its state moves last, after the files it describes are in place.
func adopt(job Job, input string) (*State, error) {
	defer os.RemoveAll(job.Prepared)
	release, err := lock(job.Prepared)
	if err != nil {
		return nil, nil // another Prepare is still at work there
	}
	defer release()
	pst, err := loadState(job.Prepared)
	if err != nil || pst == nil || pst.Stage != StagePrepared || pst.Input != input || pst.Chain != job.Chain || pst.Batch != job.Batch.BatchID() {
		return nil, nil
	}
	for _, name := range []string{"credentials.jsonl", "leaves.bin", indexFile} {
		if err := os.Rename(filepath.Join(job.Prepared, name), filepath.Join(job.Dir, name)); err != nil {
			return nil, fmt.Errorf("taking the prepared batch: %w", err)
		}
	}
	if err := atomicfile.SyncDir(job.Dir); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(job.Prepared, stateFile), filepath.Join(job.Dir, stateFile)); err != nil {
		return nil, fmt.Errorf("taking the prepared batch: %w", err)
	}
	if err := atomicfile.SyncDir(job.Dir); err != nil {
		return nil, err
	}
	return loadState(job.Dir)
}
