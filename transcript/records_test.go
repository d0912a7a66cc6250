package transcript

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestBatchFile: a saved batch reads back record for record; a file that
// is not the batch expected ends with an error naming what is wrong.
func TestBatchFile(t *testing.T) {
	var r Record
	if err := json.Unmarshal(mustJSON(good()), &r); err != nil {
		t.Fatal(err)
	}
	b := &Batch{ID: "b-1", Records: []Record{r, r, r}}
	b.Records[1].StudentID, b.Records[2].StudentID = "2", "3"
	js, _ := json.Marshal(b)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	var w strings.Builder
	if err := b.WriteJSON(&w); err != nil || w.String() != string(js) {
		t.Fatalf("WriteJSON: %v\n%s\nwant\n%s", err, w.String(), js)
	}
	for _, e := range []*Batch{{ID: "e"}, {ID: "e", Records: []Record{}}, {ID: `<&>"`}} {
		want, _ := json.Marshal(e)
		var w strings.Builder
		if err := e.WriteJSON(&w); err != nil || w.String() != string(want) {
			t.Fatalf("WriteJSON: %s, want %s", w.String(), want)
		}
	}
	var got []Record
	for rec, err := range (&BatchFile{Path: write("ok.json", string(js)), ID: "b-1", Count: 3}).All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *rec)
	}
	if !reflect.DeepEqual(got, b.Records) {
		t.Fatalf("read back %+v", got)
	}
	for _, c := range []struct {
		name, content, id string
		count             int
		want              string
	}{
		{"fail/other-id", string(js), "b-2", 3, `holds batch "b-1"`},
		{"fail/fewer", string(js), "b-1", 4, "3 records, 4 expected"},
		{"fail/more", string(js), "b-1", 2, "more than the 2"},
		{"fail/truncated", string(js[:len(js)/2]), "b-1", 3, "record"},
		{"fail/trailing", string(js) + "{}", "b-1", 3, "data after"},
		{"fail/not-a-batch", `{"records":[]}`, "b-1", 0, `expected "batch", found "records"`},
		{"fail/not-json", `<batch/>`, "b-1", 0, `expected '{'`},
		{"fail/records-not-array", `{"batch":"b-1","records":{}}`, "b-1", 0, `expected '['`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var last error
			for _, err := range (&BatchFile{Path: write(strings.ReplaceAll(c.name, "/", "-"), c.content), ID: c.id, Count: c.count}).All() {
				last = err
			}
			if last == nil || !strings.Contains(last.Error(), c.want) {
				t.Fatalf("error %v, want %q", last, c.want)
			}
		})
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
