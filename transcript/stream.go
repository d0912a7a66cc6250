package transcript

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/etranscript/etranscript/internal/jsonstrict"
	"github.com/etranscript/etranscript/internal/workpool"
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
//
// each, if not nil, is given the records as they are written, in order, a
// chunk at a time: work on them may start before the whole batch is
// checked, and must be discarded as what was written is when the batch
// turns out to have problems.
func (s *Scheme) StreamJSON(file string, r io.Reader, batchID string, w io.Writer, each Each) (id string, count int, err error) {
	br := bufio.NewReaderSize(r, 1<<20)
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		br.Discard(3)
	}
	st := &streamer{s: s, ps: &problems{file: file}, seen: map[string]int{}, lim: s.creditLimit(), w: w, id: batchID, each: each}
	if err := st.top(&lexer{r: br}); err != nil {
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

// Each is given a streamed batch's id and its records as they are written
// (StreamJSON, StreamCSV), in order, a chunk at a time; the records are
// its own to keep.
type Each func(id string, recs []*Record)

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
	each  Each
	out   []*Record // written, not yet given to each
}

func (st *streamer) fail(msg string, args ...any) error {
	st.ps.add(Problem{Message: fmt.Sprintf(msg, args...)})
	return st.ps.err()
}

// top reads the batch object: "batch", then "records", nothing else, each
// once, and nothing after it.
func (st *streamer) top(lx *lexer) error {
	if lx.expect('{') != nil {
		return st.fail("expected a JSON object with \"batch\" and \"records\"")
	}
	given := st.id != ""
	seenKey := map[string]bool{}
	for first := true; ; first = false {
		if c, err := lx.peek(); err == nil && c == '}' && first {
			break
		}
		key, err := st.name(lx)
		if err != nil {
			return err
		}
		if seenKey[key] {
			return st.fail("duplicate member name %q at the top of the batch", key)
		}
		seenKey[key] = true
		if err := st.member(lx, key, given); err != nil {
			return err
		}
		if c, err := lx.peek(); err != nil || c != ',' {
			break
		}
		lx.expect(',')
	}
	if lx.expect('}') != nil {
		return st.fail("malformed JSON at the end of the batch")
	}
	if _, err := lx.peek(); err != io.EOF {
		return st.fail("data after the JSON value")
	}
	if !batchIDRE.MatchString(st.id) {
		st.ps.add(Problem{Field: "batch", Message: fmt.Sprintf("expected a batch id of letters, digits, '.', '_' or '-' (at most 64), got %q", clip(st.id))})
	}
	return st.finish()
}

// name reads a member name and its colon.
func (st *streamer) name(lx *lexer) (string, error) {
	raw, err := lx.value()
	var key string
	if err != nil || raw[0] != '"' || jsonstrict.Check(raw, jsonstrict.Limits{}) != nil || json.Unmarshal(raw, &key) != nil {
		return "", st.fail("malformed JSON at the top of the batch: expected a member name")
	}
	if lx.expect(':') != nil {
		return "", st.fail("malformed JSON at the top of the batch: expected ':' after %q", key)
	}
	return key, nil
}

// member reads the value of the top-level member key.
func (st *streamer) member(lx *lexer, key string, given bool) error {
	switch key {
	case "batch":
		raw, err := lx.value()
		var id string
		if err != nil || raw[0] != '"' || jsonstrict.Check(raw, jsonstrict.Limits{}) != nil || json.Unmarshal(raw, &id) != nil {
			return st.fail("batch: expected a string")
		}
		if !given {
			st.id = id
		}
		return nil
	case "records":
		if st.id == "" {
			return st.fail("a large batch file must give \"batch\" before \"records\" (or name the batch with --batch ID)")
		}
		return st.records(lx)
	}
	return st.fail("unknown field %q at the top of the batch: expected \"batch\" and \"records\"", key)
}

// records reads, checks, validates and writes each record: read in
// order, checked and validated a chunk at a time on every core, then
// written in order.
func (st *streamer) records(lx *lexer) error {
	if lx.expect('[') != nil {
		return st.fail("records: expected an array of records")
	}
	if c, err := lx.peek(); err == nil && c == ']' {
		lx.expect(']')
		return nil
	}
	for more := true; more; {
		var chunk []json.RawMessage
		for len(chunk) < streamChunk && more {
			raw, err := lx.value()
			if err != nil {
				n := st.n + len(chunk) + 1
				if ferr := st.flush(chunk); ferr != nil {
					return ferr
				}
				return st.fail("record %d: %v", n, err)
			}
			chunk = append(chunk, raw)
			if c, err := lx.peek(); err == nil && c == ',' {
				lx.expect(',')
			} else {
				more = false
			}
		}
		if err := st.flush(chunk); err != nil {
			return err
		}
		if len(st.ps.list) >= maxStreamProblems {
			return st.fail("more than %d problems: the rest of the file was not read", maxStreamProblems)
		}
	}
	if lx.expect(']') != nil {
		return st.fail("records: malformed JSON: expected ',' or ']' after record %d", st.n)
	}
	return nil
}

// streamChunk is how many records are checked at once.
const streamChunk = 256

// flush checks and validates a chunk of records on every core, then, in
// order, looks for student ids seen before and writes each record while
// the batch has no problem.
func (st *streamer) flush(chunk []json.RawMessage) error {
	recs := make([]*Record, len(chunk))
	found := make([][]Problem, len(chunk))
	js := make([][]byte, len(chunk)) // each record as written
	workpool.Run(context.Background(), len(chunk), 0, nil, func(k int) error {
		recs[k], found[k] = st.check(chunk[k], st.n+k+1)
		if recs[k] != nil && len(found[k]) == 0 {
			js[k], _ = json.Marshal(recs[k]) // a decoded record marshals
		}
		return nil
	})
	for k, r := range recs {
		st.n++
		for _, p := range found[k] {
			st.ps.add(p)
		}
		if r == nil {
			continue
		}
		if first, dup := st.seen[r.StudentID]; dup {
			st.ps.add(Problem{File: st.ps.file, Record: st.n, StudentID: r.StudentID, Field: "studentId", Message: fmt.Sprintf("duplicate student id: also record %d", first)})
		} else if studentIDRE.MatchString(r.StudentID) {
			st.seen[r.StudentID] = st.n
		}
		if len(st.ps.list) == 0 { // nothing more is written once the batch is refused
			if err := st.write(js[k], r); err != nil {
				return err
			}
		}
	}
	st.give()
	return nil
}

// check checks the i-th record strictly and validates it on its own (not
// against the others' student ids): the record, unless it does not
// decode, and its problems.
func (st *streamer) check(raw json.RawMessage, i int) (*Record, []Problem) {
	if err := jsonstrict.Check(raw, jsonstrict.Limits{MaxDepth: 62}); err != nil {
		// Where in the record, by its field: the line is not known.
		p := strictProblem(raw, err)
		var se *jsonstrict.Error
		if errors.As(err, &se) {
			p.Message = se.Kind.Error() + detail(se.Detail)
		}
		p.Record = i
		return nil, []Problem{p}
	}
	var r Record
	if err := decodeRecord(raw, &r); err != nil {
		_, found, _ := diagnose(raw)
		if len(found) == 0 {
			found = []Problem{{Message: jsonMessage(raw, err, 0)}}
		}
		for k := range found {
			found[k].Record = i
		}
		return nil, found
	}
	b := &Batch{ID: st.id, Records: []Record{r}}
	sub := &problems{file: st.ps.file}
	st.s.validateRecords(sub, b, nil, map[string]int{}, i-1)
	return &b.Records[0], sub.list
}

// write writes a record's JSON as Batch.WriteJSON does, and keeps the
// record for each.
func (st *streamer) write(js []byte, r *Record) error {
	if st.each != nil {
		st.out = append(st.out, r)
	}
	if !st.began {
		id, _ := json.Marshal(st.id)
		if _, err := fmt.Fprintf(st.w, `{"batch":%s,"records":[`, id); err != nil {
			return err
		}
		st.began = true
	} else if _, err := io.WriteString(st.w, ","); err != nil {
		return err
	}
	_, err := st.w.Write(js)
	return err
}

// give gives each the records written since it was last given some.
func (st *streamer) give() {
	if len(st.out) > 0 {
		st.each(st.id, st.out)
		st.out = nil
	}
}

// finish closes the output.
func (st *streamer) finish() error {
	st.give()
	if st.began {
		_, err := io.WriteString(st.w, "]}")
		return err
	}
	return nil
}
