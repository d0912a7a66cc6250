package transcript

import (
	"reflect"
	"strings"
	"testing"
)

// fastRecordCases are records fastRecord takes (ok/...) and leaves to
// strictUnmarshal (slow/...), each as strictUnmarshal reads it.
var fastRecordCases = []struct {
	name, json string
	fast       bool
}{
	{"ok/full", `{"studentId":"20481234","name":"CHAN Tai Man","nameLocal":"陳大文","email":"tm@example.edu",
		"program":{"code":"BSC","name":"BSc","level":"undergraduate","admitted":"2022-09-01"},
		"terms":[{"term":"2022-23 Fall","courses":[{"code":"COMP1021","title":"Intro","credits":3,"grade":"A-"},{"code":"M","title":"T","credits":"1.5","grade":"B"}]}],
		"award":{"degree":"BSc","major":"CS","classification":"First","conferred":"2026-06-30"},"stated":{"cga":3.25}}`, true},
	{"ok/empty-arrays-and-objects", ` { "terms" : [ ] , "award" : { } , "stated" : { } , "program" : { } } `, true},
	{"ok/terms-without-courses", `{"terms":[{"term":"x","courses":[]},{"term":"y"}]}`, true},
	{"ok/negative-and-zero", `{"terms":[{"courses":[{"credits":-0},{"credits":0.50},{"credits":" 3 "}]}]}`, true},
	{"slow/escape", `{"name":"A \"B\""}`, false},
	{"slow/unicode-escape", `{"name":"\u9673"}`, false},
	{"slow/null", `{"award":null}`, false},
	{"slow/other-case", `{"StudentID":"1"}`, false},
	{"slow/unknown", `{"gpa":3}`, false},
	{"slow/duplicate", `{"name":"a","name":"b"}`, false},
	{"slow/exponent", `{"terms":[{"courses":[{"credits":1e1}]}]}`, false},
	{"slow/leading-zero", `{"terms":[{"courses":[{"credits":01}]}]}`, false},
	{"slow/not-decimal", `{"terms":[{"courses":[{"credits":"3x"}]}]}`, false},
	{"slow/number-for-string", `{"studentId":20481234}`, false},
	{"slow/trailing", `{"name":"a"} x`, false},
	{"slow/not-object", `["a"]`, false},
	{"slow/control", "{\"name\":\"a\tb\"}", false},
	{"slow/bad-utf8", "{\"name\":\"a\xffb\"}", false},
}

// TestFastRecord: what fastRecord takes, it reads as strictUnmarshal
// does; what it does not, strictUnmarshal reads.
func TestFastRecord(t *testing.T) {
	for _, tc := range fastRecordCases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := fastRecord([]byte(tc.json))
			if ok != tc.fast {
				t.Fatalf("fastRecord took it: %v, want %v", ok, tc.fast)
			}
			if ok {
				sameAsSlow(t, []byte(tc.json), got)
			}
		})
	}
}

// FuzzFastRecord: fastRecord never takes what strictUnmarshal refuses,
// and reads what it takes as strictUnmarshal does.
func FuzzFastRecord(f *testing.F) {
	for _, tc := range fastRecordCases {
		f.Add(tc.json)
	}
	f.Add(strings.TrimSuffix(strings.SplitN(string(benchBatch(f, 1)), `"records":[`, 2)[1], "]}"))
	f.Fuzz(func(t *testing.T, in string) {
		if got, ok := fastRecord([]byte(in)); ok {
			sameAsSlow(t, []byte(in), got)
		}
	})
}

func sameAsSlow(t *testing.T, in []byte, got Record) {
	t.Helper()
	var want Record
	if err := strictUnmarshal(in, &want); err != nil {
		t.Fatalf("fastRecord took what strictUnmarshal refuses: %v\n%q", err, in)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fastRecord read\n%+v\nstrictUnmarshal read\n%+v\nof %q", got, want, in)
	}
}
