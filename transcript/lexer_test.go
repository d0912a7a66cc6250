package transcript

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

// TestLexerNested: an object or array is found whole across the reader's
// buffer (16 bytes here), its strings' brackets, quotes and escapes
// included; an unfinished one is malformed.
func TestLexerNested(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ok/object", `{"a": 1} , `, `{"a": 1}`},
		{"ok/nested-arrays", `[[1, [2]], {"b": [3]}]]`, `[[1, [2]], {"b": [3]}]`},
		{"ok/brackets-in-strings", `{"t": "}]{[", "u": "\"}"}x`, `{"t": "}]{[", "u": "\"}"}`},
		{"ok/escaped-backslash", `{"p": "C:\\", "q": "]"} `, `{"p": "C:\\", "q": "]"}`},
		{"ok/long", `{"title": "` + strings.Repeat("Ab{c}\\\"", 40) + `"}`, `{"title": "` + strings.Repeat("Ab{c}\\\"", 40) + `"}`},
		{"fail/unfinished", `{"a": [1, 2}`, ""},
		{"fail/unfinished-string", `{"a": "]}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &lexer{r: bufio.NewReaderSize(strings.NewReader(tc.in), 16)}
			got, err := l.value()
			if tc.want == "" {
				if !errors.Is(err, errMalformed) {
					t.Errorf("got %q, %v; want malformed", got, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
