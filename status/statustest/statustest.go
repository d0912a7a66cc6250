// Package statustest is the conformance test every status.Store passes:
// the in-memory fake and the SQL store on SQLite and PostgreSQL alike.
package statustest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/etranscript/etranscript/status"
)

// Run runs the conformance tests on stores made by open (each test gets a
// fresh, empty one).
func Run(t *testing.T, open func(t *testing.T) status.Store) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.test(t, open(t)) })
	}
}

var cases = []struct {
	name string
	test func(t *testing.T, s status.Store)
}{
	{"ok/allocate", allocate},
	{"ok/new-list-when-half-full", newListWhenHalfFull},
	{"ok/concurrent-allocations", concurrentAllocations},
	{"ok/status", setStatus},
	{"ok/documents", documents},
	{"ok/release", release},
}

var (
	ctx = context.Background()
	at  = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
)

// ids are n credential ids under prefix.
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("urn:uuid:%s-%06d", prefix, i)
	}
	return out
}

func allocate(t *testing.T, s status.Store) {
	seen := map[status.Slot]bool{}
	for b := 0; b < 3; b++ {
		slots, err := s.Allocate(ctx, fmt.Sprintf("batch-%d", b), ids(fmt.Sprint(b), 300))
		if err != nil {
			t.Fatal(err)
		}
		for _, sl := range slots {
			if sl.List != 1 || sl.Index < 0 || sl.Index >= status.ListSize || seen[sl] {
				t.Fatalf("bad or repeated slot %+v", sl)
			}
			seen[sl] = true
		}
	}
	e, err := s.Entry(ctx, "urn:uuid:1-000007")
	if err != nil || e.Batch != "batch-1" || e.List != 1 || e.Revoked() || e.Suspended() {
		t.Fatalf("entry %+v, %v", e, err)
	}
	if _, err := s.Entry(ctx, "urn:uuid:nope"); !errors.Is(err, status.ErrUnknownCredential) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := s.Allocate(ctx, "again", ids("0", 1)); err == nil {
		t.Fatal("an id got a second slot")
	}
}

func newListWhenHalfFull(t *testing.T, s status.Store) {
	n := 0
	for n+8192 <= status.ListSize/2 {
		if _, err := s.Allocate(ctx, "big", ids(fmt.Sprint("a", n), 8192)); err != nil {
			t.Fatal(err)
		}
		n += 8192
	}
	slots, err := s.Allocate(ctx, "big", ids("b", 10))
	if err != nil {
		t.Fatal(err)
	}
	if slots[0].List != 2 {
		t.Fatalf("after %d slots, list %d: expected a new list", n, slots[0].List)
	}
	if l, err := s.Lists(ctx); err != nil || len(l) != 2 || l[0] != 1 || l[1] != 2 {
		t.Fatalf("lists %v, %v", l, err)
	}
}

// release: the slots of a refused batch's ids are free again (a full
// list takes as many again), only that batch's; the ids have none.
func release(t *testing.T, s status.Store) {
	// The first list is filled to half but 255 slots, the refused and
	// kept batches' share.
	for n := 0; n < status.ListSize/2-255; n += 8192 {
		k := min(8192, status.ListSize/2-255-n)
		if _, err := s.Allocate(ctx, "full", ids(fmt.Sprint("f", n), k)); err != nil {
			t.Fatal(err)
		}
	}
	refused, kept := ids("r", 250), ids("k", 5)
	if _, err := s.Allocate(ctx, "refused", refused); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Allocate(ctx, "kept", kept); err != nil {
		t.Fatal(err)
	}
	// The list is half full now; released, the refused batch's 250 make
	// room for 245 more in it.
	if err := s.Release(ctx, "refused", append(refused, kept[0], "urn:uuid:nope")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Entry(ctx, refused[249]); !errors.Is(err, status.ErrUnknownCredential) {
		t.Errorf("a released id: %v", err)
	}
	if e, err := s.Entry(ctx, kept[0]); err != nil || e.Batch != "kept" {
		t.Errorf("another batch's id, named in the release: %+v, %v", e, err)
	}
	slots, err := s.Allocate(ctx, "after", ids("a", 245))
	if err != nil {
		t.Fatal(err)
	}
	if slots[0].List != 1 {
		t.Errorf("after the release, list %d: expected room in the first", slots[0].List)
	}
}

func concurrentAllocations(t *testing.T, s status.Store) {
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 5; k++ {
				if _, err := s.Allocate(ctx, "c", ids(fmt.Sprint(w, "-", k), 50)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for w := 0; w < 4; w++ {
		for k := 0; k < 5; k++ {
			for _, id := range ids(fmt.Sprint(w, "-", k), 50) {
				e, err := s.Entry(ctx, id)
				if err != nil || seen[e.Index] {
					t.Fatalf("%s: %+v %v", id, e, err)
				}
				seen[e.Index] = true
			}
		}
	}
}

func setStatus(t *testing.T, s status.Store) {
	slots, err := s.Allocate(ctx, "b", ids("s", 3))
	if err != nil {
		t.Fatal(err)
	}
	_, v0, err := s.Bits(ctx, 1, status.Revocation)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, "urn:uuid:s-000000", status.Revocation, true, "issued in error", at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, "urn:uuid:s-000001", status.Suspension, true, "under review", at); err != nil {
		t.Fatal(err)
	}
	rev, v1, _ := s.Bits(ctx, 1, status.Revocation)
	sus, _, _ := s.Bits(ctx, 1, status.Suspension)
	if v1 <= v0 {
		t.Errorf("version %d after changes, %d before", v1, v0)
	}
	for i, want := range []struct{ rev, sus bool }{{true, false}, {false, true}, {false, false}} {
		r, _ := status.Get(rev, slots[i].Index)
		u, _ := status.Get(sus, slots[i].Index)
		if r != want.rev || u != want.sus {
			t.Errorf("credential %d: revoked %v suspended %v, want %+v", i, r, u, want)
		}
	}
	if n := count(rev) + count(sus); n != 2 {
		t.Errorf("%d bits set, want 2", n)
	}
	e, _ := s.Entry(ctx, "urn:uuid:s-000000")
	if !e.Revoked() || e.RevocationReason != "issued in error" || !e.RevokedAt.Equal(at) {
		t.Errorf("revoked entry %+v", e)
	}
	if _, err := s.SetStatus(ctx, "urn:uuid:s-000000", status.Revocation, false, "", at); !errors.Is(err, status.ErrNotRevocable) {
		t.Errorf("lifting a revocation: %v", err)
	}
	if _, err := s.SetStatus(ctx, "urn:uuid:s-000001", status.Suspension, false, "", at); err != nil {
		t.Fatal(err)
	}
	sus, _, _ = s.Bits(ctx, 1, status.Suspension)
	if count(sus) != 0 {
		t.Error("the suspension was not lifted")
	}
	r, err := s.Revoked(ctx, "")
	if err != nil || len(r) != 1 || r[0].ID != "urn:uuid:s-000000" {
		t.Errorf("revoked: %+v %v", r, err)
	}
	if r, _ := s.Revoked(ctx, "urn:uuid:s-000002"); len(r) != 0 {
		t.Errorf("revoked(one valid id): %+v", r)
	}
	if _, err := s.SetStatus(ctx, "urn:uuid:nope", status.Revocation, true, "", at); !errors.Is(err, status.ErrUnknownCredential) {
		t.Errorf("unknown id: %v", err)
	}
	if _, _, err := s.Bits(ctx, 9, status.Revocation); !errors.Is(err, status.ErrNoList) {
		t.Errorf("unknown list: %v", err)
	}
}

func documents(t *testing.T, s status.Store) {
	if _, _, err := s.Document(ctx, "status/1/revocation"); !errors.Is(err, status.ErrNoDocument) {
		t.Fatalf("missing document: %v", err)
	}
	put := func(doc string, v int64) {
		if err := s.PutDocument(ctx, "status/1/revocation", []byte(doc), v, at); err != nil {
			t.Fatal(err)
		}
	}
	get := func() string {
		d, when, err := s.Document(ctx, "status/1/revocation")
		if err != nil || !when.Equal(at) {
			t.Fatalf("document: %v at %v", err, when)
		}
		return string(d)
	}
	put("v2", 2)
	put("v1", 1) // a slower publisher of older data
	if d := get(); d != "v2" {
		t.Errorf("an older version replaced a newer one: %s", d)
	}
	put("v2 re-signed", 2)
	if d := get(); d != "v2 re-signed" {
		t.Errorf("same version not replaced: %s", d)
	}
}

func count(bits []byte) int {
	n := 0
	for i := 0; i < len(bits)*8; i++ {
		if on, _ := status.Get(bits, i); on {
			n++
		}
	}
	return n
}
