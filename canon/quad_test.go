package canon

import (
	"fmt"
	"strings"
	"testing"
)

// TestEscape compares appendEscaped with the rule written out byte by
// byte (RDFC-1.0 §4.3), on every byte value alone and in runs.
func TestEscape(t *testing.T) {
	ref := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20 || c == 0x7f:
				fmt.Fprintf(&b, `\u%04X`, c)
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	var all []byte
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		if got := string(appendEscaped(nil, s)); got != ref(s) {
			t.Fatalf("%q: %q, want %q", s, got, ref(s))
		}
		all = append(all, 'x', byte(c), byte(c), 'y')
	}
	for _, s := range []string{string(all), "", "plain", `<p class="a">x</p>`, "a\"" + string(all) + "é"} {
		if got := string(appendEscaped([]byte("pre"), s)); got != "pre"+ref(s) {
			t.Fatalf("%q: %q, want %q", s, got, ref(s))
		}
	}
}
