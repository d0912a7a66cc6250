package transcript

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
)

// Records is a batch's id, size and records in order: held in memory (a
// *Batch) or read one at a time from the saved batch file (a *BatchFile),
// so that issuing a batch of any size holds only the records it is
// working on.
type Records interface {
	BatchID() string
	Len() int
	// All yields each record in order; each is its own, for the caller
	// to keep.
	All() iter.Seq2[*Record, error]
}

// BatchID implements Records.
func (b *Batch) BatchID() string { return b.ID }

// Len implements Records.
func (b *Batch) Len() int { return len(b.Records) }

// All implements Records.
func (b *Batch) All() iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		for i := range b.Records {
			if !yield(&b.Records[i], nil) {
				return
			}
		}
	}
}

// WriteJSON writes the batch as json.Marshal does, a record at a time
// (the same bytes, without holding them all: the issuer's inbox copy and
// its digest).
func (b *Batch) WriteJSON(w io.Writer) error {
	id, err := json.Marshal(b.ID)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, `{"batch":%s,"records":`, id); err != nil {
		return err
	}
	if b.Records == nil {
		_, err := io.WriteString(w, "null}")
		return err
	}
	sep := "["
	for i := range b.Records {
		r, err := json.Marshal(&b.Records[i])
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(r); err != nil {
			return err
		}
		sep = ","
	}
	if len(b.Records) == 0 {
		_, err := io.WriteString(w, "[]}")
		return err
	}
	_, err = io.WriteString(w, "]}")
	return err
}

// BatchFile is a valid batch saved as json.Marshal of its Batch (the
// issuer's inbox copy: "batch", then "records"), with its known id and
// number of records.
type BatchFile struct {
	Path  string
	ID    string
	Count int
}

// BatchID implements Records.
func (f *BatchFile) BatchID() string { return f.ID }

// head reads the file's start, {"batch":ID,"records":[, and returns ID.
func (f *BatchFile) head(lx *lexer) (string, error) {
	var id string
	for _, step := range []func() error{
		func() error { return lx.expect('{') },
		func() error { return lx.member("batch") },
		func() error {
			raw, err := lx.value()
			if err == nil {
				err = json.Unmarshal(raw, &id)
			}
			return err
		},
		func() error { return lx.expect(',') },
		func() error { return lx.member("records") },
		func() error { return lx.expect('[') },
	} {
		if err := step(); err != nil {
			return "", fmt.Errorf("expected {\"batch\":ID,\"records\":[...]}: %w", err)
		}
	}
	return id, nil
}

// Len implements Records.
func (f *BatchFile) Len() int { return f.Count }

// All implements Records: the records decoded one at a time. A file that
// is not the batch it should be (another id, another number of records,
// not JSON) ends the sequence with an error.
func (f *BatchFile) All() iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		fail := func(format string, args ...any) {
			yield(nil, fmt.Errorf("%s: %s", f.Path, fmt.Sprintf(format, args...)))
		}
		fh, err := os.Open(f.Path)
		if err != nil {
			yield(nil, err)
			return
		}
		defer fh.Close()
		// The file is this program's own output: split by the lexer and
		// each record decoded once, no strict checks again.
		lx := &lexer{r: bufio.NewReaderSize(fh, 1<<20)}
		id, err := f.head(lx)
		if err != nil {
			fail("%v", err)
			return
		}
		if id != f.ID {
			fail("holds batch %q, not %q", id, f.ID)
			return
		}
		n := 0
		for more := true; more; {
			if c, err := lx.peek(); err == nil && c == ']' && n == 0 {
				break
			}
			raw, err := lx.value()
			r := new(Record)
			if err == nil {
				err = json.Unmarshal(raw, r)
			}
			if err != nil {
				fail("record %d: %v", n+1, err)
				return
			}
			if n++; n > f.Count {
				fail("more than the %d records expected", f.Count)
				return
			}
			if !yield(r, nil) {
				return
			}
			if c, err := lx.peek(); err == nil && c == ',' {
				lx.expect(',')
			} else {
				more = false
			}
		}
		for _, want := range []byte{']', '}'} {
			if err := lx.expect(want); err != nil {
				fail("at the end: %v", err)
				return
			}
		}
		if _, err := lx.peek(); !errors.Is(err, io.EOF) {
			fail("data after the batch")
			return
		}
		if n != f.Count {
			fail("%d records, %d expected", n, f.Count)
		}
	}
}
