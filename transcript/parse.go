package transcript

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/etranscript/etranscript/internal/jsonstrict"
)

// DefaultMaxBatchBytes caps the size of a batch file (about 8,000
// transcripts of 40 courses). Larger exports are split into several batches.
const DefaultMaxBatchBytes = 32 << 20

// ReadFile reads and validates a batch file, choosing the format by its
// extension (.json or .csv). batchID, when not empty, is the batch's id,
// in place of the JSON's "batch" or the CSV file's name.
func (s *Scheme) ReadFile(path, batchID string, maxBytes int64) (*Batch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return s.readJSON(name, f, maxBytes, batchID)
	case ".csv":
		if batchID, err = csvBatchID(name, batchID); err != nil {
			return nil, err
		}
		return s.ReadCSV(name, batchID, f, maxBytes)
	}
	return nil, notABatchFile(name)
}

// StreamFile is ReadFile of a batch file of any size, written to w as
// Batch.WriteJSON would write it (StreamJSON, StreamCSV): it returns the
// batch's id and its number of records. each, if not nil, is given the
// records as they are written (StreamJSON).
func (s *Scheme) StreamFile(path, batchID string, w io.Writer, each Each) (id string, n int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	name := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return s.StreamJSON(name, f, batchID, w, each)
	case ".csv":
		fi, err := f.Stat()
		if err != nil {
			return "", 0, err
		}
		if batchID, err = csvBatchID(name, batchID); err != nil {
			return "", 0, err
		}
		n, err := s.StreamCSV(name, batchID, f, fi.Size(), w, each)
		return batchID, n, err
	}
	return "", 0, notABatchFile(name)
}

// csvBatchID is the id of the CSV batch file name: batchID if given, else
// the file's name.
func csvBatchID(name, batchID string) (string, error) {
	if batchID != "" {
		return batchID, nil
	}
	batchID = strings.TrimSuffix(name, filepath.Ext(name))
	if !batchIDRE.MatchString(batchID) {
		return "", &InvalidError{Problems: []Problem{{File: name, Field: "batch", Message: fmt.Sprintf(
			"a CSV batch is named by its file, and %q is not a batch id (letters, digits, '.', '_' or '-', at most 64): name the batch with --batch ID", clip(batchID))}}}
	}
	return batchID, nil
}

func notABatchFile(name string) error {
	return &InvalidError{Problems: []Problem{{File: name, Message: "expected a .json or .csv batch file"}}}
}

func readCapped(file string, r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBatchBytes
	}
	// A file's size is known: read it into one buffer of that size, not
	// into one grown by copying.
	hint := 512
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			hint = int(min(fi.Size(), max)) + 1
		}
	}
	b, err := readAll(io.LimitReader(r, max+1), hint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if int64(len(b)) > max {
		return nil, &InvalidError{tooLarge: true, Problems: []Problem{{File: file, Message: fmt.Sprintf(
			"file is larger than the %d MiB a batch may have; split the export into several batches", max>>20)}}}
	}
	return b, nil
}

// readAll is io.ReadAll starting with room for hint bytes.
func readAll(r io.Reader, hint int) ([]byte, error) {
	b := make([]byte, 0, hint)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// ReadJSON reads and validates a JSON batch (docs/batch-format.md).
// Unknown fields are errors, so that a misspelt field is not silently
// ignored.
func (s *Scheme) ReadJSON(file string, r io.Reader, maxBytes int64) (*Batch, error) {
	return s.readJSON(file, r, maxBytes, "")
}

// readJSON is ReadJSON with the batch id given, when batchID is not empty.
func (s *Scheme) readJSON(file string, r io.Reader, maxBytes int64, batchID string) (*Batch, error) {
	data, err := readCapped(file, r, maxBytes)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	ps := &problems{file: file}
	// Refused before decoding: what two readers could read differently (a
	// field given twice, invalid UTF-8, data after the batch).
	if err := jsonstrict.Check(data, jsonstrict.Limits{MaxDepth: 64}); err != nil {
		ps.add(strictProblem(data, err))
		return nil, ps.err()
	}
	var top struct {
		Batch   string            `json:"batch"`
		Records []json.RawMessage `json:"records"`
	}
	var ok bool
	if top.Batch, top.Records, ok = splitBatch(data); !ok {
		// Not the usual shape: encoding/json says what is wrong, if
		// anything.
		if err := strictUnmarshal(data, &top); err != nil {
			ps.add(Problem{Message: jsonMessage(data, err, 0)})
			return nil, ps.err()
		}
	}
	if batchID != "" {
		top.Batch = batchID
	}
	b := &Batch{ID: top.Batch, Records: make([]Record, len(top.Records))}
	errs := decodeAll(top.Records, b.Records)
	// A record that does not decode is read again field by field, so that
	// each of its problems is named, and what was right in it is validated
	// with the rest.
	bad := map[int][]string{} // record index -> fields with problems
	for i, raw := range top.Records {
		if errs[i] == nil {
			continue
		}
		r, found, fields := diagnose(raw)
		if len(found) == 0 { // not a problem of types or fields: say what the decoder said
			off := int64(bytes.Index(data, raw))
			found = []Problem{{Message: jsonMessage(data, errs[i], off)}}
		}
		b.Records[i] = r
		for _, p := range found {
			p.Record, p.StudentID = i+1, r.StudentID
			ps.add(p)
		}
		bad[i] = append(fields, "")
	}
	sub := &problems{file: file}
	s.validate(sub, b, nil)
	for _, p := range sub.list {
		if fields, ok := bad[p.Record-1]; ok && p.Record > 0 && follows(p.Field, fields) {
			continue
		}
		ps.add(p)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return b, nil
}

// follows reports whether a validation problem of field follows from a
// problem already reported in one of fields (a value of the wrong type
// reads as empty): the same field or one inside it, or an average when
// the record has any such problem.
func follows(field string, fields []string) bool {
	if field == "stated.cga" && len(fields) > 1 {
		return true
	}
	for _, f := range fields {
		if f == "" {
			continue
		}
		if field == f || strings.HasPrefix(field, f+".") || strings.HasPrefix(field, f+"[") {
			return true
		}
	}
	return false
}

// decodeAll decodes each raw record into its place in records, on every
// core, and returns each one's error.
func decodeAll(raw []json.RawMessage, records []Record) []error {
	errs := make([]error, len(raw))
	workers := min(runtime.GOMAXPROCS(0), len(raw)/64+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(raw); i += workers {
				errs[i] = decodeRecord(raw[i], &records[i])
			}
		})
	}
	wg.Wait()
	return errs
}

// utf8BOM is skipped at the start of a batch file, as if it were not there.
var utf8BOM = []byte("\xef\xbb\xbf")

// strictProblem locates a jsonstrict error: its line and column, and the
// record and field of its path (/records/3/terms/0/courses/2/credits is
// record 4, terms[0].courses[2].credits).
func strictProblem(data []byte, err error) Problem {
	var se *jsonstrict.Error
	if !errors.As(err, &se) {
		return Problem{Message: err.Error()}
	}
	l, c := lineCol(data, int64(se.Offset))
	p := Problem{Message: fmt.Sprintf("%s%s (line %d, column %d)", se.Kind, detail(se.Detail), l, c)}
	if errors.Is(err, jsonstrict.ErrSyntax) || errors.Is(err, jsonstrict.ErrTrailing) {
		return p // where the text breaks, not a field: the line and column say it
	}
	parts := strings.Split(strings.TrimPrefix(se.Path, "/"), "/")
	if len(parts) >= 2 && parts[0] == "records" {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			p.Record = n + 1
			parts = parts[2:]
		}
	}
	var field strings.Builder
	for _, s := range parts {
		if n, err := strconv.Atoi(s); err == nil && field.Len() > 0 {
			fmt.Fprintf(&field, "[%d]", n)
			continue
		}
		if field.Len() > 0 {
			field.WriteByte('.')
		}
		field.WriteString(strings.NewReplacer("~1", "/", "~0", "~").Replace(s))
	}
	p.Field = field.String()
	return p
}

func detail(d string) string {
	if d == "" {
		return ""
	}
	return " " + d
}

// decodeRecord decodes one record's JSON into r, which is zero, as
// strictUnmarshal does: by fastRecord when it can.
func decodeRecord(data []byte, r *Record) error {
	if fast, ok := fastRecord(data); ok {
		*r = fast
		return nil
	}
	return strictUnmarshal(data, r)
}

// strictUnmarshal decodes data into v, refusing unknown members and
// anything after the value.
func strictUnmarshal(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonMessage turns a decode error into words with a line and column.
func jsonMessage(data []byte, err error, base int64) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		l, c := lineCol(data, base+se.Offset)
		return fmt.Sprintf("malformed JSON at line %d, column %d: %v", l, c, se)
	case errors.As(err, &te):
		l, c := lineCol(data, base+te.Offset)
		field := te.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("%s: expected %s, got JSON %s (line %d, column %d)", field, jsonKind(te.Type.String()), te.Value, l, c)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " (see docs/batch-format.md)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the file ends early"
	}
	if strings.Contains(err.Error(), "decimal number") {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "[]transcript.Term", "[]transcript.Course", "[]json.RawMessage":
		return "an array"
	}
	return "an object"
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// CSVColumns are the required columns of a CSV batch; CSVOptional may
// follow in any order.
var (
	CSVColumns  = []string{"studentId", "name", "nameLocal", "email", "programCode", "programName", "level", "term", "courseCode", "courseTitle", "credits", "grade"}
	CSVOptional = []string{"admitted", "degree", "major", "classification", "conferred", "statedCga"}
)

// ReadCSV reads and validates a CSV batch: one row per course, rows of one
// student grouped by studentId in the order of their first row, terms in
// file order (docs/batch-format.md). The batch id is given (the file's
// name, for the CLI).
func (s *Scheme) ReadCSV(file, batchID string, r io.Reader, maxBytes int64) (*Batch, error) {
	data, err := readCapped(file, r, maxBytes)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	cb := &csvBatch{ps: &problems{file: file}, b: &Batch{ID: batchID}, courseLines: map[[3]int]int{}, index: map[string]int{}}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = false
	if !cb.header(cr) {
		return nil, cb.ps.err()
	}
	for {
		row, line, next := readRow(cr, cb.ps)
		if next == rowsEnd {
			break
		}
		if next == rowOK {
			cb.row(row, line)
		}
	}
	for ri := range cb.b.Records {
		setOptional(cb.ps, &cb.b.Records[ri], ri, cb.optional[ri])
	}
	sub := &problems{file: file}
	s.validate(sub, cb.b, cb.lines)
	for _, p := range sub.list {
		cb.ps.add(csvProblem(p, cb.courseLines))
	}
	if err := cb.ps.err(); err != nil {
		return nil, err
	}
	return cb.b, nil
}

// csvBatch is a batch being read from CSV rows.
type csvBatch struct {
	ps          *problems
	b           *Batch
	col         map[string]int // column name -> index
	lines       []int          // per record: the line of its first row
	courseLines map[[3]int]int // record, term, course -> CSV line
	index       map[string]int // studentId -> record index
	termIdx     []map[string]int
	optional    [][]csvValue // per record: each of CSVOptional's value, and its line
}

// header reads the header row: known columns, each once, the required
// ones all there.
// What readRow found.
const (
	rowOK      = iota
	rowSkipped // a row with the wrong number of fields, a problem in ps
	rowsEnd    // the end, or a quoting error past which no row can be trusted
)

// readRow reads the next row of cr and its line; a malformed row is a
// problem in ps.
func readRow(cr *csv.Reader, ps *problems) (row []string, line, next int) {
	row, err := cr.Read()
	if err == io.EOF {
		return nil, 0, rowsEnd
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.Line
	} else if len(row) > 0 {
		line, _ = cr.FieldPos(0)
	}
	if err != nil {
		ps.add(Problem{Line: line, Message: "malformed CSV: " + csvMessage(err)})
		if pe == nil || !errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, line, rowsEnd // past a quoting error the rows cannot be trusted
		}
		return nil, line, rowSkipped
	}
	return row, line, rowOK
}

func (cb *csvBatch) header(cr *csv.Reader) bool {
	header, err := cr.Read()
	if err != nil {
		cb.ps.add(Problem{Line: 1, Message: "expected a header row: " + csvMessage(err)})
		return false
	}
	cb.col = map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := cb.col[h]; dup {
			cb.ps.add(Problem{Line: 1, Field: h, Message: "column appears twice"})
		}
		if !contains(CSVColumns, h) && !contains(CSVOptional, h) {
			cb.ps.add(Problem{Line: 1, Field: h, Message: "unknown column; expected " + strings.Join(append(append([]string{}, CSVColumns...), CSVOptional...), ",")})
		}
		cb.col[h] = i
	}
	for _, c := range CSVColumns {
		if _, ok := cb.col[c]; !ok {
			cb.ps.add(Problem{Line: 1, Field: c, Message: "required column missing"})
		}
	}
	return len(cb.ps.list) == 0
}

func (cb *csvBatch) get(row []string, name string) string {
	if i, ok := cb.col[name]; ok && i < len(row) {
		return row[i]
	}
	return ""
}

// row adds one course row at line to its student's record.
func (cb *csvBatch) row(row []string, line int) {
	id := cb.get(row, "studentId")
	ri, ok := cb.index[id]
	if !ok {
		ri = cb.student(row, id, line)
	} else {
		cb.sameStudent(row, ri, line)
	}
	// The optional student-level columns may be given on any row of the
	// student; two rows that give different values are an error.
	for k, name := range CSVOptional {
		v, seen := cb.get(row, name), &cb.optional[ri][k]
		switch {
		case v == "" || v == seen.value:
		case seen.value == "":
			*seen = csvValue{v, line}
		default:
			cb.ps.add(Problem{Line: line, Record: ri + 1, StudentID: id, Field: name,
				Message: fmt.Sprintf("differs from line %d of this student: %q vs %q", seen.line, clip(v), clip(seen.value))})
		}
	}
	rec := &cb.b.Records[ri]
	term := cb.get(row, "term")
	ti, ok := cb.termIdx[ri][term]
	if !ok {
		ti = len(rec.Terms)
		cb.termIdx[ri][term] = ti
		rec.Terms = append(rec.Terms, Term{Term: term})
	}
	c := Course{Code: cb.get(row, "courseCode"), Title: cb.get(row, "courseTitle"), Grade: cb.get(row, "grade")}
	if v := cb.get(row, "credits"); v != "" {
		d, ok := ParseDecimal(v)
		if !ok {
			cb.ps.add(Problem{Line: line, Record: ri + 1, StudentID: id, Field: "credits", Message: fmt.Sprintf("expected a decimal number, got %q", clip(v))})
			d = DecimalOf(0)
		}
		c.Credits = d
	}
	cb.courseLines[[3]int{ri, ti, len(rec.Terms[ti].Courses)}] = line
	rec.Terms[ti].Courses = append(rec.Terms[ti].Courses, c)
}

// student starts the record of a student first seen on this row.
func (cb *csvBatch) student(row []string, id string, line int) int {
	ri := len(cb.b.Records)
	cb.index[id] = ri
	cb.b.Records = append(cb.b.Records, Record{
		StudentID: id, Name: cb.get(row, "name"), NameLocal: cb.get(row, "nameLocal"), Email: cb.get(row, "email"),
		Program: Program{Code: cb.get(row, "programCode"), Name: cb.get(row, "programName"), Level: cb.get(row, "level")},
	})
	cb.lines = append(cb.lines, line)
	cb.termIdx = append(cb.termIdx, map[string]int{})
	cb.optional = append(cb.optional, make([]csvValue, len(CSVOptional)))
	return ri
}

// sameStudent checks that the columns describing the student agree with
// the student's first row.
func (cb *csvBatch) sameStudent(row []string, ri, line int) {
	rec := &cb.b.Records[ri]
	for _, f := range []struct{ name, want string }{
		{"name", rec.Name}, {"nameLocal", rec.NameLocal}, {"email", rec.Email},
		{"programCode", rec.Program.Code}, {"programName", rec.Program.Name}, {"level", rec.Program.Level},
	} {
		if got := cb.get(row, f.name); got != f.want {
			cb.ps.add(Problem{Line: line, Record: ri + 1, StudentID: rec.StudentID, Field: f.name,
				Message: fmt.Sprintf("differs from this student's first row (line %d): %q vs %q", cb.lines[ri], clip(got), clip(f.want))})
		}
	}
}

// csvValue is an optional column's value for a student, and the line it
// was first given on.
type csvValue struct {
	value string
	line  int
}

// setOptional puts a student's optional column values (in CSVOptional's
// order) into its record.
func setOptional(ps *problems, rec *Record, ri int, v []csvValue) {
	val := func(name string) string { return v[slices.Index(CSVOptional, name)].value }
	rec.Program.Admitted = val("admitted")
	if val("degree") != "" || val("major") != "" || val("classification") != "" || val("conferred") != "" {
		rec.Award = &Award{Degree: val("degree"), Major: val("major"), Classification: val("classification"), Conferred: val("conferred")}
	}
	if s := v[slices.Index(CSVOptional, "statedCga")]; s.value != "" {
		d, ok := ParseDecimal(s.value)
		if !ok {
			ps.add(Problem{Line: s.line, Record: ri + 1, StudentID: rec.StudentID, Field: "statedCga", Message: fmt.Sprintf("expected a decimal number, got %q", clip(s.value))})
			return
		}
		rec.Stated = &Stated{CGA: &d}
	}
}

var fieldPathRE = regexp.MustCompile(`^terms\[(\d+)\](?:\.courses\[(\d+)\])?\.(\w+)$`)

// csvColumns names, for each record field, the CSV column it came from.
var csvColumns = map[string]string{
	"program.code": "programCode", "program.name": "programName", "program.level": "level", "program.admitted": "admitted",
	"award.degree": "degree", "award.major": "major", "award.classification": "classification", "award.conferred": "conferred",
	"stated.cga": "statedCga", "code": "courseCode", "title": "courseTitle", "term": "term", "credits": "credits", "grade": "grade",
}

// csvProblem points a problem found in a record at the CSV line and column
// it came from.
func csvProblem(p Problem, courseLines map[[3]int]int) Problem {
	if m := fieldPathRE.FindStringSubmatch(p.Field); m != nil {
		ti, _ := strconv.Atoi(m[1])
		ci := 0
		if m[2] != "" {
			ci, _ = strconv.Atoi(m[2])
		}
		if l, ok := courseLines[[3]int{p.Record - 1, ti, ci}]; ok {
			p.Line = l
		}
		p.Field = m[3]
	}
	if c, ok := csvColumns[p.Field]; ok {
		p.Field = c
	}
	return p
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	if err == io.EOF {
		return "the file is empty"
	}
	return err.Error()
}
