package transcript

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/etranscript/etranscript/internal/jsonstrict"
)

// maxStreamProblems bounds the problems a streamed batch reports: the
// first ones name the kind of fault well enough to fix the export.
const maxStreamProblems = 1000

// StreamJSON reads a JSON batch of any size one record at a time, checks
// and validates each as ReadJSON does, and writes the batch to w as
// Batch.WriteJSON would (the issuer's inbox copy, and the bytes its digest
// is of), without holding more than a record. batchID, if not empty, is the
// batch's id; else "batch" must come before "records" in the file (as
// every export writes it). Problems name the record, the field and the
// student (not the line: the file is not held); a batch with problems
// returns an *InvalidError, and what was written must be discarded.
func (s *Scheme) StreamJSON(file string, r io.Reader, batchID string, w io.Writer) (id string, count int, err error) {
	br := bufio.NewReaderSize(r, 1<<20)
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		br.Discard(3)
	}
	dec := json.NewDecoder(br)
	st := &streamer{s: s, ps: &problems{file: file}, seen: map[string]int{}, lim: s.creditLimit(), w: w, id: batchID}
	if err := st.top(dec); err != nil {
		return "", 0, err
	}
	if st.n == 0 {
		st.ps.add(Problem{Field: "records", Message: "expected at least one record"})
	}
	if err := st.ps.err(); err != nil {
		return "", 0, err
	}
	return st.id, st.n, nil
}

// streamer is one StreamJSON.
type streamer struct {
	s     *Scheme
	ps    *problems
	seen  map[string]int // student ids, by record
	lim   creditLimit
	w     io.Writer
	id    string
	n     int
	began bool // the output's head is written
}

func (st *streamer) fail(msg string, args ...any) error {
	st.ps.add(Problem{Message: fmt.Sprintf(msg, args...)})
	return st.ps.err()
}

// top reads the batch object: "batch", then "records", nothing else, each
// once, and nothing after it.
func (st *streamer) top(dec *json.Decoder) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return st.fail("expected a JSON object with \"batch\" and \"records\"")
	}
	given := st.id != ""
	seenKey := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return st.fail("malformed JSON: %v", err)
		}
		if seenKey[key] {
			return st.fail("duplicate member name %q at the top of the batch", key)
		}
		seenKey[key] = true
		switch key {
		case "batch":
			var id string
			if err := dec.Decode(&id); err != nil {
				return st.fail("batch: expected a string")
			}
			if !given {
				st.id = id
			}
		case "records":
			if st.id == "" {
				return st.fail("a large batch file must give \"batch\" before \"records\" (or name the batch with --batch ID)")
			}
			if err := st.records(dec); err != nil {
				return err
			}
		default:
			return st.fail("unknown field %q at the top of the batch: expected \"batch\" and \"records\"", key)
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return st.fail("malformed JSON at the end of the batch")
	}
	if _, err := dec.Token(); err != io.EOF {
		return st.fail("data after the JSON value")
	}
	if !batchIDRE.MatchString(st.id) {
		st.ps.add(Problem{Field: "batch", Message: fmt.Sprintf("expected a batch id of letters, digits, '.', '_' or '-' (at most 64), got %q", clip(st.id))})
	}
	return st.finish()
}

// records reads, checks, validates and writes each record.
func (st *streamer) records(dec *json.Decoder) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return st.fail("records: expected an array of records")
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return st.fail("record %d: malformed JSON: %v", st.n+1, err)
		}
		st.n++
		if err := st.record(raw); err != nil {
			return err
		}
		if len(st.ps.list) >= maxStreamProblems {
			return st.fail("more than %d problems: the rest of the file was not read", maxStreamProblems)
		}
	}
	if _, err := dec.Token(); err != nil {
		return st.fail("records: malformed JSON: %v", err)
	}
	return nil
}

// record checks one record strictly, validates it, and writes it.
func (st *streamer) record(raw json.RawMessage) error {
	i := st.n
	if err := jsonstrict.Check(raw, jsonstrict.Limits{MaxDepth: 62}); err != nil {
		// Where in the record, by its field: the line is not known.
		p := strictProblem(raw, err)
		var se *jsonstrict.Error
		if errors.As(err, &se) {
			p.Message = se.Kind.Error() + detail(se.Detail)
		}
		p.Record = i
		st.ps.add(p)
		return nil
	}
	var r Record
	if err := strictUnmarshal(raw, &r); err != nil {
		_, found, _ := diagnose(raw)
		if len(found) == 0 {
			found = []Problem{{Message: jsonMessage(raw, err, 0)}}
		}
		for _, p := range found {
			p.Record = i
			st.ps.add(p)
		}
		return nil
	}
	b := &Batch{ID: st.id, Records: []Record{r}}
	sub := &problems{file: st.ps.file}
	st.s.validateRecords(sub, b, nil, st.seen, i-1)
	for _, p := range sub.list {
		st.ps.add(p)
	}
	if len(st.ps.list) > 0 {
		return nil // nothing more is written: the batch is refused
	}
	return st.write(&r)
}

// write writes a record as Batch.WriteJSON does.
func (st *streamer) write(r *Record) error {
	if !st.began {
		id, _ := json.Marshal(st.id)
		if _, err := fmt.Fprintf(st.w, `{"batch":%s,"records":[`, id); err != nil {
			return err
		}
		st.began = true
	} else if _, err := io.WriteString(st.w, ","); err != nil {
		return err
	}
	js, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = st.w.Write(js)
	return err
}

// finish closes the output.
func (st *streamer) finish() error {
	if st.began {
		_, err := io.WriteString(st.w, "]}")
		return err
	}
	return nil
}
