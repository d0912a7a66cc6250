package jsonstrict

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		kind     error
		path     string
	}{
		{"ok/object", `{"a": 1, "b": [true, false, null, "x", -0.5e+3]}`, nil, ""},
		{"ok/escaped names differ", `{"a": 1, "\u0062": 2}`, nil, ""},
		{"ok/surrogate pair", `"\ud83d\ude00"`, nil, ""},
		{"ok/same name in sibling objects", `[{"a": 1}, {"a": 2}]`, nil, ""},
		{"ok/same name at two depths", `{"a": {"a": {"a": 1}}}`, nil, ""},
		{"ok/many members", `{` + members(40, false) + `}`, nil, ""},
		{"fail/duplicate at top", `{"cga": "4.300", "cga": "2.150"}`, ErrDuplicate, "/cga"},
		{"fail/duplicate deep", `{"credentialSubject": {"terms": [{"x": 1}, {"cga": 1, "b": 2, "cga": 3}]}}`, ErrDuplicate, "/credentialSubject/terms/1/cga"},
		{"fail/duplicate by escape", `{"cga": 1, "c\u0067a": 2}`, ErrDuplicate, "/cga"},
		{"fail/duplicate among many", `{` + members(40, true) + `}`, ErrDuplicate, "/k7"},
		{"fail/invalid utf-8", "{\"a\": \"\xff\"}", ErrUTF8, "/a"},
		{"fail/invalid utf-8 in a name", "{\"\xc3\": 1}", ErrUTF8, ""},
		{"fail/lone surrogate", `{"a": "\ud800"}`, ErrUTF8, "/a"},
		{"fail/lone low surrogate", `{"a": "\udc00x"}`, ErrUTF8, "/a"},
		{"fail/trailing", `{"a": 1} {"a": 2}`, ErrTrailing, ""},
		{"fail/trailing garbage", `{"a": 1}x`, ErrTrailing, ""},
		{"fail/syntax", `{"a": 01}`, ErrSyntax, "/a"},
		{"fail/syntax comma", `{"a": 1,}`, ErrSyntax, ""},
		{"fail/control", "\"a\x01\"", ErrSyntax, ""},
		{"fail/empty", ``, ErrSyntax, ""},
		{"fail/unterminated", `{"a": "x`, ErrSyntax, "/a"},
		{"fail/deep", strings.Repeat("[", 11) + strings.Repeat("]", 11), ErrTooDeep, "/0/0/0/0/0/0/0/0/0/0"},
		{"fail/too many", `[` + strings.Repeat("1,", 100) + `1]`, ErrTooMany, "/99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check([]byte(tc.in), Limits{MaxDepth: 10, MaxValues: 100})
			if tc.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if e.Path != tc.path {
				t.Errorf("path %q, want %q (%v)", e.Path, tc.path, err)
			}
		})
	}
}

func members(n int, dup bool) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		k := i
		if dup && i == n-1 {
			k = 7
		}
		b.WriteString(`"k` + itoa(k) + `": 1`)
	}
	return b.String()
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// FuzzCheck: whatever Check accepts, encoding/json accepts, and decoding
// into a map keeps every member (no name twice).
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"b":null}]`, `{"a":1,"a":2}`, `"\ud800"`, "\"\xff\"", `1e5`, `{"a":{"b":[{"c":true}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, Limits{MaxDepth: 64})
		var v any
		jerr := json.Unmarshal(data, &v)
		var te *json.UnmarshalTypeError // a number out of float64's range: valid JSON
		if err == nil && jerr != nil && !errors.As(jerr, &te) {
			t.Fatalf("Check accepted what encoding/json refuses (%v): %q", jerr, data)
		}
		if jerr == nil && err != nil && errors.Is(err, ErrSyntax) {
			t.Fatalf("Check refused valid JSON as malformed (%v): %q", err, data)
		}
	})
}
