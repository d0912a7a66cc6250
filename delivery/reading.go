package delivery

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/transcript"
)

// Preparer builds a batch while it is being read (*issuer.Issuer): see
// issuer.Issuer.Prepare.
type Preparer interface {
	Prepare(ctx context.Context, r issuer.Request, input func() ([32]byte, error)) (string, error)
}

// errKnown stops building a batch as it is read: a job has its id, and
// Process finishes that job as it stands (or refuses another input).
var errKnown = errors.New("a job already has this batch's id")

// SubmitReading is SubmitStream of a batch file read once: read writes
// the batch as SubmitStream's write does, and gives each record it has
// checked to each as it goes, so that, when the Issuer is a Preparer and
// no job has the batch's id yet, the batch is built while it is still
// being read, and Process takes what was built in place of reading the
// saved copy again. When the batch turns out to have a problem, what was
// built is removed, and the error is read's, as with SubmitStream.
func (s *Service) SubmitReading(ctx context.Context, read func(w io.Writer, each transcript.Each) (id string, n int, err error), sub Submission) (*JobRecord, bool, error) {
	p, ok := s.Issuer.(Preparer)
	if !ok {
		return s.SubmitStream(ctx, func(w io.Writer) (string, int, error) { return read(w, nil) }, sub)
	}
	pipe := transcript.NewPipe()
	type digest struct {
		sum [32]byte
		err error
	}
	input := make(chan digest, 1)
	built := make(chan error, 1)
	var dir string
	go func() {
		var err error
		dir, err = p.Prepare(ctx, issuer.Request{Records: pipe, Chain: sub.Chain}, func() ([32]byte, error) {
			d := <-input
			return d.sum, d.err
		})
		pipe.Stop() // when it failed before reading
		built <- err
	}()
	first := true
	j, created, err := s.SubmitStream(ctx, func(w io.Writer) (string, int, error) {
		id, n, err := read(w, func(id string, recs []*transcript.Record) {
			if first {
				first = false
				if _, jerr := s.Store.Job(ctx, id); !errors.Is(jerr, ErrNotFound) {
					pipe.Close(errKnown) // nothing is built for it
				}
			}
			pipe.Give(id, recs)
		})
		pipe.Close(err)
		return id, n, err
	}, sub)
	d := digest{err: err}
	if err == nil {
		d.sum, d.err = j.Digest()
	}
	input <- d
	if berr := <-built; berr != nil || !created {
		if dir != "" {
			os.RemoveAll(dir)
		}
		if berr != nil && !errors.Is(berr, errKnown) && err == nil {
			s.log().Warn("building a batch as it was read", "batch", j.ID, "err", berr)
		}
		return j, created, err
	}
	s.submitted.Lock()
	s.submitted.input, s.submitted.batch, s.submitted.prepared = j.Input, nil, dir
	s.submitted.Unlock()
	return j, created, nil
}

// prepared is where the job was built as it was read (SubmitReading), if
// it was, for its input; taking it forgets it.
func (s *Service) prepared(j *JobRecord) string {
	s.submitted.Lock()
	defer s.submitted.Unlock()
	if s.submitted.prepared == "" || s.submitted.input != j.Input {
		return ""
	}
	dir := s.submitted.prepared
	s.submitted.input, s.submitted.prepared = "", ""
	return dir
}
