package pdf

import "testing"

func TestDictOf(t *testing.T) {
	tests := []struct {
		name, doc string
		id        uint32
		want      string // "" for an error
	}{
		{"ok/one", "%PDF\n2 0 obj\n<< /Type /Catalog >>\nendobj\n", 2, "<< /Type /Catalog >>"},
		{"ok/last-definition", "2 0 obj << /A 1 >> endobj\n2 0 obj\r<< /A 2 >>\rendobj\n", 2, "<< /A 2 >>"},
		{"ok/not-another-id", "2 0 obj\n<< /A 2 >>\nendobj\n12 0 obj\n<< /A 12 >>\nendobj\n", 2, "<< /A 2 >>"},
		{"ok/nested", "5 0 obj\n<< /EF << /F 6 0 R >> >>\nendobj\n", 5, "<< /EF << /F 6 0 R >> >>"},
		{"ok/endobj-in-a-string", "5 0 obj\n<< /T (endobj) >>\nendobj\n", 5, "<< /T (endobj) >>"},
		{"fail/missing", "2 0 obj\n<< >>\nendobj\n", 3, ""},
		{"fail/not-a-dictionary", "2 0 obj\n[1 2]\nendobj\n", 2, ""},
		{"fail/no-endobj", "2 0 obj\n<< /A 1 >>\n", 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dictOf([]byte(tc.doc), tc.id)
			if tc.want == "" {
				if err == nil {
					t.Errorf("got %q, want an error", d)
				}
				return
			}
			if err != nil || string(d) != tc.want {
				t.Errorf("got %q, %v; want %q", d, err, tc.want)
			}
		})
	}
}

func TestStartxref(t *testing.T) {
	tests := []struct {
		name, doc string
		want      int // -1 for an error
	}{
		{"ok/plain", "xref\nstartxref\n1234\n%%EOF\n", 1234},
		{"ok/last", "startxref\n1\n%%EOF\nstartxref\n99\n%%EOF", 99},
		{"fail/none", "%%EOF\n", -1},
		{"fail/not-at-the-end", "startxref\n1\n%%EOF\ntrailer", -1},
		{"fail/not-a-number", "startxref\nx\n%%EOF\n", -1},
		{"fail/negative", "startxref\n-5\n%%EOF\n", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := startxref([]byte(tc.doc))
			if tc.want < 0 {
				if err == nil {
					t.Errorf("got %d, want an error", n)
				}
				return
			}
			if err != nil || n != tc.want {
				t.Errorf("got %d, %v; want %d", n, err, tc.want)
			}
		})
	}
}
