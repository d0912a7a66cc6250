package transcript

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// streamOrRead runs both readers on in: StreamJSON's output and error,
// and ReadJSON's batch written as the inbox copy, and error. It fails t
// unless the records StreamJSON gave its Each are those it wrote.
func streamOrRead(t testing.TB, in string) (streamed []byte, serr error, read []byte, rerr error) {
	var w bytes.Buffer
	each, given := collect()
	_, _, serr = HKUST().StreamJSON("f.json", strings.NewReader(in), "", &w, each)
	checkGiven(t, serr, w.Bytes(), given)
	b, rerr := HKUST().ReadJSON("f.json", strings.NewReader(in), 1<<20)
	var r bytes.Buffer
	if rerr == nil {
		b.WriteJSON(&r)
	}
	return w.Bytes(), serr, r.Bytes(), rerr
}

// collect is an Each that keeps what it is given, as a batch.
func collect() (Each, *Batch) {
	b := &Batch{}
	return func(id string, recs []*Record) {
		b.ID = id
		for _, r := range recs {
			b.Records = append(b.Records, *r)
		}
	}, b
}

// checkGiven fails t unless the records given to an Each, written as the
// inbox copy, are what the stream wrote (when it succeeded).
func checkGiven(t testing.TB, serr error, streamed []byte, given *Batch) {
	t.Helper()
	if serr != nil {
		return
	}
	var g bytes.Buffer
	if err := given.WriteJSON(&g); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.Bytes(), streamed) {
		t.Fatalf("the records given are not those written:\ngiven   %.300s\nwritten %.300s", g.Bytes(), streamed)
	}
}

// TestStreamGivesChunks: a batch of several chunks is given to Each in
// order, a chunk at a time, every record once; the CSV form too.
func TestStreamGivesChunks(t *testing.T) {
	js := benchBatch(t, 2*streamChunk+3)
	var sizes []int
	var w bytes.Buffer
	each, given := collect()
	_, n, err := HKUST().StreamJSON("f.json", bytes.NewReader(js), "", &w, func(id string, recs []*Record) {
		sizes = append(sizes, len(recs))
		each(id, recs)
	})
	if err != nil || n != 2*streamChunk+3 {
		t.Fatalf("%d records, %v", n, err)
	}
	checkGiven(t, err, w.Bytes(), given)
	if want := []int{streamChunk, streamChunk, 3}; !slices.Equal(sizes, want) {
		t.Errorf("given in chunks of %v, want %v", sizes, want)
	}
	if given.ID != "bench" {
		t.Errorf("given the batch id %q", given.ID)
	}
}

// TestStreamJSON: a streamed batch writes the same inbox copy as one read
// whole, and refuses what the whole read refuses.
func TestStreamJSON(t *testing.T) {
	sample, err := os.ReadFile("../cli/sample/sample-batch.json")
	if err != nil {
		t.Fatal(err)
	}
	g := batchJSON(good())
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"ok/sample", string(sample), true},
		{"ok/generated", g, true},
		{"ok/byte order mark", "\xef\xbb\xbf" + g, true},
		{"fail/unknown grade", strings.Replace(g, `"grade":"A`, `"grade":"Z`, 1), false},
		{"fail/duplicate student", strings.Replace(string(sample), `"20487777"`, `"20481234"`, 1), false},
		{"fail/duplicate key", strings.Replace(g, `"name":`, `"name":"x","name":`, 1), false},
		{"fail/unknown field", strings.Replace(g, `"name":`, `"nom":"x","name":`, 1), false},
		{"fail/trailing data", g + "{}", false},
		{"fail/no records", `{"batch":"x","records":[]}`, false},
		{"fail/bad id", strings.Replace(g, `"batch":"`, `"batch":"bad id `, 1), false},
		{"fail/top-level field", `{"batch":"x","extra":1,"records":[]}`, false},
		{"ok/escaped names", strings.Replace(strings.Replace(g, `"batch"`, `"b\u0061tch"`, 1), `"records"`, ` "rec\u006frds" `, 1), true},
		{"ok/brackets in strings", strings.Replace(g, `"name":"`, `"name":"]}[{\"`, 1), true},
		{"fail/trailing comma", strings.Replace(g, `}]}`, `},]}`, 1), false},
		{"fail/missing comma", strings.Replace(g, `},{`, `} {`, 1), false},
		{"fail/missing colon", strings.Replace(g, `"records":`, `"records" `, 1), false},
		{"fail/record not an object", `{"batch":"x","records":[1]}`, false},
		{"fail/unterminated", strings.TrimSuffix(g, `]}`), false},
		{"fail/empty", ``, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			streamed, serr, read, rerr := streamOrRead(t, tc.in)
			if (serr == nil) != tc.ok || (rerr == nil) != tc.ok {
				t.Fatalf("streamed: %v; read whole: %v", serr, rerr)
			}
			var inv *InvalidError
			if serr != nil && !errors.As(serr, &inv) {
				t.Fatalf("not an InvalidError: %v", serr)
			}
			if tc.ok && !bytes.Equal(streamed, read) {
				t.Errorf("the inbox copies differ:\n%.300s\n%.300s", streamed, read)
			}
		})
	}
}

// FuzzStreamJSON: the streamed reader accepts exactly what the whole
// reader accepts (of files that give "batch" first), and writes the same
// bytes.
func FuzzStreamJSON(f *testing.F) {
	f.Add(batchJSON(good()))
	f.Add(`{"batch":"x","records":[{}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		if i, j := strings.Index(in, `"batch"`), strings.Index(in, `"records"`); i < 0 || j < 0 || i > j {
			return // a large file must give its id first
		}
		streamed, serr, read, rerr := streamOrRead(t, in)
		if (serr == nil) != (rerr == nil) {
			t.Fatalf("streamed: %v; read whole: %v", serr, rerr)
		}
		if serr == nil && !bytes.Equal(streamed, read) {
			t.Fatalf("the inbox copies differ")
		}
	})
}
