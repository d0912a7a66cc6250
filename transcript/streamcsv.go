package transcript

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// StreamCSV is ReadCSV of a CSV batch of any size, written to w as
// Batch.WriteJSON would write it (the issuer's inbox copy) without holding
// the batch: a first pass checks the rows and notes where each student's
// rows are (16 bytes a row), a second reads each student's rows, makes
// and validates the record, and writes it. The records, their order and
// the problems named (with their lines) are ReadCSV's; a batch with
// problems returns an *InvalidError, and what was written must be
// discarded. each, if not nil, is given the records written, as
// StreamJSON's is.
func (s *Scheme) StreamCSV(file, batchID string, f io.ReaderAt, size int64, w io.Writer, each Each) (count int, err error) {
	ps := &problems{file: file}
	ix, ok := indexCSV(ps, f, size)
	if !ok {
		return 0, ps.err()
	}
	// Past a malformed row the rows read are still made into records and
	// validated, so that every problem is named at once, as ReadCSV does.
	if !batchIDRE.MatchString(batchID) {
		ps.add(Problem{Field: "batch", Message: fmt.Sprintf("expected a batch id of letters, digits, '.', '_' or '-' (at most 64), got %q", clip(batchID))})
	}
	if len(ix.order) == 0 {
		ps.add(Problem{Field: "records", Message: "expected at least one record"})
	}
	st := &streamer{s: s, ps: ps, w: w, id: batchID, each: each}
	rd := &rowReader{f: f, size: size}
	for i, id := range ix.order {
		rec, err := s.csvRecord(ps, batchID, ix.col, rd, ix.rows[id], i+1)
		if err != nil {
			return 0, err
		}
		if len(ps.list) >= maxStreamProblems {
			return 0, st.fail("more than %d problems: the rest of the file was not read", maxStreamProblems)
		}
		if len(ps.list) == 0 {
			js, err := json.Marshal(rec)
			if err != nil {
				return 0, err
			}
			if err := st.write(js, rec); err != nil {
				return 0, err
			}
			if len(st.out) == streamChunk {
				st.give()
			}
		}
	}
	if err := ps.err(); err != nil {
		return 0, err
	}
	return len(ix.order), st.finish()
}

// csvIndex is where each student's rows are in a CSV batch.
type csvIndex struct {
	col   map[string]int
	order []string            // student ids, in the order of their first row
	rows  map[string][]rowRef // by student id
}

// rowRef is a row's offset in the file and its line.
type rowRef struct {
	off  int64
	line int
}

// indexCSV is StreamCSV's first pass: the header and every row checked as
// ReadCSV checks them, each row's place noted; false if the header is
// wrong.
func indexCSV(ps *problems, f io.ReaderAt, size int64) (*csvIndex, bool) {
	base := int64(0)
	if head := make([]byte, 3); size >= 3 {
		if _, err := f.ReadAt(head, 0); err == nil && bytes.Equal(head, utf8BOM) {
			base = 3
		}
	}
	cr := csv.NewReader(bufio.NewReaderSize(io.NewSectionReader(f, base, size-base), 1<<20))
	cr.ReuseRecord = true
	cb := &csvBatch{ps: ps}
	if !cb.header(cr) {
		return nil, false
	}
	ix := &csvIndex{col: cb.col, rows: map[string][]rowRef{}}
	for {
		at := base + cr.InputOffset()
		row, line, next := readRow(cr, ps)
		if next == rowsEnd {
			break
		}
		if next == rowSkipped {
			continue
		}
		id := cb.get(row, "studentId")
		refs, seen := ix.rows[id]
		if !seen {
			id = strings.Clone(id) // not the row's string, which it would keep
			ix.order = append(ix.order, id)
		}
		ix.rows[id] = append(refs, rowRef{at, line})
	}
	return ix, true
}

// csvRecord reads one student's rows and makes and validates its record,
// the n-th of the batch, as ReadCSV does; its problems go to ps.
func (s *Scheme) csvRecord(ps *problems, batchID string, col map[string]int, rd *rowReader, refs []rowRef, n int) (*Record, error) {
	cb := &csvBatch{ps: &problems{file: ps.file}, b: &Batch{ID: batchID}, col: col, courseLines: map[[3]int]int{}, index: map[string]int{}}
	for _, ref := range refs {
		row, err := rd.read(ref.off)
		if err != nil {
			return nil, err
		}
		cb.row(row, ref.line)
	}
	setOptional(cb.ps, &cb.b.Records[0], 0, cb.optional[0])
	sub := &problems{file: ps.file}
	s.validateRecords(sub, cb.b, cb.lines, map[string]int{}, 0)
	for _, p := range sub.list {
		cb.ps.add(csvProblem(p, cb.courseLines))
	}
	for _, p := range cb.ps.list {
		p.Record = n // the record is the batch's n-th, not the first
		ps.add(p)
	}
	return &cb.b.Records[0], nil
}

// rowReader reads rows at given offsets, in sequence without seeking
// when they follow each other (a file sorted by student).
type rowReader struct {
	f        io.ReaderAt
	size     int64
	cr       *csv.Reader
	from, at int64 // where cr started, and where its next row is
}

func (rd *rowReader) read(off int64) ([]string, error) {
	if rd.cr == nil || off != rd.at {
		rd.cr = csv.NewReader(bufio.NewReaderSize(io.NewSectionReader(rd.f, off, rd.size-off), 16<<10))
		rd.cr.FieldsPerRecord = -1 // the first pass checked the counts
		rd.from = off
	}
	row, err := rd.cr.Read()
	rd.at = rd.from + rd.cr.InputOffset()
	return row, err
}
