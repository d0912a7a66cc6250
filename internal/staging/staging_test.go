package staging

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	out := t.TempDir()
	d, err := New(out, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write("a.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	d.Close()
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != "a.json" {
		t.Fatalf("left %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a.json")); string(b) != "{}" {
		t.Fatalf("wrote %q", b)
	}
}
