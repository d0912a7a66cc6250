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
		dec := json.NewDecoder(bufio.NewReaderSize(fh, 1<<20))
		var id string
		for _, want := range []any{json.Delim('{'), "batch", &id, "records", json.Delim('[')} {
			if p, ok := want.(*string); ok {
				if err := dec.Decode(p); err != nil {
					fail("batch id: %v", err)
					return
				}
				continue
			}
			if tok, err := dec.Token(); err != nil || tok != want {
				fail("expected %v, found %v (%v)", want, tok, err)
				return
			}
		}
		if id != f.ID {
			fail("holds batch %q, not %q", id, f.ID)
			return
		}
		n := 0
		for dec.More() {
			r := new(Record)
			if err := dec.Decode(r); err != nil {
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
		}
		for _, want := range []json.Delim{']', '}'} {
			if tok, err := dec.Token(); err != nil || tok != want {
				fail("expected %v at the end, found %v (%v)", want, tok, err)
				return
			}
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			fail("data after the batch")
			return
		}
		if n != f.Count {
			fail("%d records, %d expected", n, f.Count)
		}
	}
}
