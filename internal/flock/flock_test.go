package flock

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestLock(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lock")
	release, err := Lock(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(p); !errors.Is(err, ErrLocked) {
		t.Fatalf("fail/held: %v", err)
	}
	release()
	again, err := Lock(p)
	if err != nil {
		t.Fatalf("ok/released: %v", err)
	}
	again()
}
