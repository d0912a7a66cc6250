package transcript

import (
	"iter"
	"sync"
)

// Pipe is Records given by a batch stream as it reads (its Give is the
// stream's Each): a batch worked on while it is still being read and
// checked. Its length is not known (-1). Give and Close are called by the
// stream's goroutine, All by one other.
type Pipe struct {
	ch       chan []*Record
	stop     chan struct{}
	stopOnce sync.Once
	closed   bool // by the stream's goroutine only

	mu  sync.Mutex
	id  string
	err error
}

// NewPipe returns an empty pipe.
func NewPipe() *Pipe {
	return &Pipe{ch: make(chan []*Record, 1), stop: make(chan struct{})}
}

// Give is an Each: it hands recs to All, waiting while All is one chunk
// behind, and drops them once the pipe is closed or All has stopped.
func (p *Pipe) Give(id string, recs []*Record) {
	if p.closed {
		return
	}
	p.mu.Lock()
	p.id = id
	p.mu.Unlock()
	select {
	case p.ch <- recs:
	case <-p.stop:
	}
}

// Close ends the records: err, if not nil, is why they end there, and All
// yields it last.
func (p *Pipe) Close(err error) {
	if p.closed {
		return
	}
	p.closed = true
	p.mu.Lock()
	p.err = err
	p.mu.Unlock()
	close(p.ch)
}

// Stop says that no more records are wanted: Give drops what it is given
// from now on. All stops the pipe when it returns.
func (p *Pipe) Stop() { p.stopOnce.Do(func() { close(p.stop) }) }

// BatchID implements Records: the id given with the records (known once
// the first chunk is).
func (p *Pipe) BatchID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.id
}

// Len implements Records: not known.
func (p *Pipe) Len() int { return -1 }

// All implements Records, once: it yields the records given, in order,
// then the error the pipe was closed with, if any. Once it returns, Give
// drops what it is given.
func (p *Pipe) All() iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		defer p.Stop()
		for recs := range p.ch {
			for _, r := range recs {
				if !yield(r, nil) {
					return
				}
			}
		}
		p.mu.Lock()
		err := p.err
		p.mu.Unlock()
		if err != nil {
			yield(nil, err)
		}
	}
}
