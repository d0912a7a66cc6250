package delivery

import (
	"strings"
	"testing"
	"time"
)

// TestMailNames: the Chinese part of a mail names the graduate by their
// Chinese name when the record has one, the English part by the English
// name; a third party's mail carries the graduate's note and a share link.
func TestMailNames(t *testing.T) {
	s := &Service{Mail: MailSettings{Institution: "Test University", BaseURL: "https://registry.example.edu"}}
	exp := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		d    Delivery
		want []string
	}{
		{"ok/holder with a Chinese name", Delivery{Kind: KindHolder, Name: "CHAN Tai Man", NameLocal: "陳大文", Email: "chan@example.edu"},
			[]string{"Dear CHAN Tai Man,", "陳大文 您好：", "https://registry.example.edu/d/t"}},
		{"ok/holder without", Delivery{Kind: KindHolder, Name: "Alex Smith", Email: "alex@example.edu"},
			[]string{"Dear Alex Smith,", "Alex Smith 您好："}},
		{"ok/third party", Delivery{Kind: KindThirdParty, Name: "CHAN Tai Man", NameLocal: "陳大文", Note: "Application 42", Email: "adm@uni.example"},
			[]string{"at the request of CHAN Tai Man", "應 陳大文 的要求", "Their note: Application 42", "附言：Application 42"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := s.compose(&tc.d, "https://registry.example.edu/d/t", exp, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("no %q in:\n%s", w, m.Text)
				}
			}
		})
	}
}
