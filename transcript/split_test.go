package transcript

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/etranscript/etranscript/internal/jsonstrict"
)

// splitCases are batch documents of every shape splitBatch meets: what it
// splits must be what encoding/json decodes; the rest it leaves to it.
var splitCases = []struct {
	name, doc string
	ok        bool
}{
	{"ok/plain", `{"batch":"b","records":[{"studentId":"1"},{"studentId":"2"}]}`, true},
	{"ok/spaced", " {\n \"records\" : [ {\"a\": \"]}\\\"\"} , {} ] ,\r\n\t\"batch\" : \"b\\u0041\" } ", true},
	{"ok/empty-records", `{"batch":"b","records":[]}`, true},
	{"ok/nested", `{"batch":"","records":[{"terms":[{"courses":[{"credits":3,"grade":"A"}]}],"x":null}]}`, true},
	{"other/no-batch", `{"records":[{}]}`, false},
	{"other/no-records", `{"batch":"b"}`, false},
	{"other/unknown-member", `{"batch":"b","records":[],"x":1}`, false},
	{"other/case", `{"Batch":"b","records":[]}`, false},
	{"other/batch-number", `{"batch":1,"records":[]}`, false},
	{"other/records-null", `{"batch":"b","records":null}`, false},
	{"other/record-not-object", `{"batch":"b","records":[{},1]}`, false},
	{"other/not-object", `[{"batch":"b"}]`, false},
}

func TestSplitBatch(t *testing.T) {
	for _, tc := range splitCases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok := splitBatch([]byte(tc.doc))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			agrees(t, []byte(tc.doc))
		})
	}
}

// FuzzSplitBatch: on any document jsonstrict accepts, what splitBatch
// splits is what encoding/json decodes.
func FuzzSplitBatch(f *testing.F) {
	for _, tc := range splitCases {
		f.Add([]byte(tc.doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if jsonstrict.Check(doc, jsonstrict.Limits{MaxDepth: 64}) != nil {
			return
		}
		agrees(t, doc)
	})
}

// agrees checks splitBatch against encoding/json on doc, when it splits.
func agrees(t *testing.T, doc []byte) {
	batch, records, ok := splitBatch(doc)
	if !ok {
		return
	}
	var top struct {
		Batch   string            `json:"batch"`
		Records []json.RawMessage `json:"records"`
	}
	if err := strictUnmarshal(doc, &top); err != nil {
		t.Fatalf("split %s, but encoding/json: %v", doc, err)
	}
	if batch != top.Batch || len(records) != len(top.Records) {
		t.Fatalf("split %q and %d records, encoding/json %q and %d", batch, len(records), top.Batch, len(top.Records))
	}
	for i := range records {
		if !bytes.Equal(records[i], top.Records[i]) {
			t.Fatalf("record %d: %s, encoding/json %s", i, records[i], top.Records[i])
		}
	}
}
