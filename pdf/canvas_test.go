package pdf

import (
	"strings"
	"testing"
	"unicode"
)

func testCanvas(t testing.TB) *canvas {
	f, err := body()
	if err != nil {
		t.Fatal(err)
	}
	c := newCanvas(f, margin)
	c.addPage()
	c.setFont(10)
	return c
}

// TestSplitText: lines break after spaces and beside CJK characters, a
// word longer than a line after a hyphen or slash, else anywhere; each
// line fits.
func TestSplitText(t *testing.T) {
	c := testCanvas(t)
	tests := []struct {
		name string
		txt  string
		w    float64
		want []string
	}{
		{"ok/fits", "Course title", 100, []string{"Course title"}},
		{"ok/empty", "", 50, []string{""}},
		{"ok/at-spaces", "alpha beta gamma delta", 30, []string{"alpha beta", "gamma delta"}},
		{"ok/newline", "one\ntwo", 100, []string{"one", "two"}},
		{"ok/cjk-anywhere", "中國文化與社會傳統現代化", 30, []string{"中國文化與社會", "傳統現代化"}},
		{"ok/url-after-slash", "https://registry.example.edu/v/urn:uuid:1234", 60, []string{"https://registry.example.edu/v/", "urn:uuid:1234"}},
		{"ok/long-word-anywhere", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 25, []string{"ABCDEFGHIJK", "LMNOPQRSTU", "VWXYZ"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.splitText(tc.txt, tc.w)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			for _, l := range got {
				if w := c.stringWidth(l); w > tc.w-2*cellMargin && len([]rune(l)) > 1 {
					t.Errorf("line %q is %.1f mm, wider than %.1f", l, w, tc.w-2*cellMargin)
				}
			}
		})
	}
}

// FuzzSplitText: no character but the spaces at a break is lost, and no
// line of more than one character is wider than the cell.
func FuzzSplitText(f *testing.F) {
	c := testCanvas(f)
	for _, s := range []string{"alpha beta", "中國文化與社會", "https://a.example/b-c/d", "x\n\ny", "  lead", "a\u00a0b"} {
		f.Add(s, 20.0)
	}
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w < 3 || w > 400 || len(s) > 2000 {
			return
		}
		lines := c.splitText(s, w)
		drop := func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}
		if got, want := strings.Map(drop, strings.Join(lines, "")), strings.Map(drop, string([]rune(s))); got != want {
			t.Errorf("%q split into %q: characters lost or added", s, lines)
		}
		for _, l := range lines {
			if l = strings.TrimRightFunc(l, unicode.IsSpace); len([]rune(l)) > 1 && c.stringWidth(l) > w-2*cellMargin+1e-9 {
				t.Errorf("%q: line %q wider than %.1f", s, l, w)
			}
		}
	})
}

func TestAppendFixed(t *testing.T) {
	for _, tc := range []struct {
		v     float64
		scale int64
		want  string
	}{
		{0, 100, "0"}, {1.5, 100, "1.5"}, {841.8897, 100, "841.89"}, {-12.345, 100, "-12.35"}, {0.004, 100, "0"},
		{0.35294, 1000, "0.353"}, {1, 1000, "1"}, {0.05, 100, "0.05"}, {-0.001, 100, "0"},
	} {
		if got := string(appendFixed(nil, tc.v, tc.scale)); got != tc.want {
			t.Errorf("appendFixed(%v, %d) = %q, want %q", tc.v, tc.scale, got, tc.want)
		}
	}
}
