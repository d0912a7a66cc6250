package jsonstrict

import (
	"errors"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		lim  Limits
		want error
	}{
		{"fail/too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), Limits{MaxBytes: 1 << 20, MaxDepth: 64}, ErrTooDeep},
		{"fail/too large", `"` + strings.Repeat("a", 2000) + `"`, Limits{MaxBytes: 1000, MaxDepth: 8}, ErrTooLarge},
		{"fail/too many values is too large", `[1,2,3,4]`, Limits{MaxBytes: 1000, MaxValues: 3}, ErrTooLarge},
		{"ok/brackets in strings are not depth", `{"a": "[[[["}`, Limits{MaxBytes: 100, MaxDepth: 2}, nil},
		{"ok/byte order mark", "\xef\xbb\xbf{}", Limits{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.in), tc.lim)
			if tc.want == nil && err != nil || !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}
