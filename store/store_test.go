package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/internal/testkit"
	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/status/statustest"
	"github.com/etranscript/etranscript/store"
)

func stores(t *testing.T) map[string]func(t testing.TB) *store.DB { return testkit.Stores(t) }

func TestStatusStore(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			statustest.Run(t, func(t *testing.T) status.Store { return open(t) })
		})
	}
}

func TestMigrations(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			if db.Dialect() != name {
				t.Fatalf("dialect %s", db.Dialect())
			}
		})
	}
	// Reopening an up-to-date SQLite database applies nothing and keeps data.
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Allocate(ctx, "b", []string{"urn:uuid:x"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Entry(ctx, "urn:uuid:x"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, store.DefaultFile)); err != nil || fi.Size() == 0 {
		t.Fatal("no database file", err)
	}
}

func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct{ dir, dsn string }{
		"fail/postgres-down": {"", "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2"},
		"fail/sqlite-dir":    {"/proc/self/etranscript", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := store.Open(ctx, c.dir, c.dsn)
			if err == nil || !strings.Contains(err.Error(), "unavailable") {
				t.Fatalf("got %v, want ErrUnavailable", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the password is in the error: %v", err)
			}
		})
	}
	if _, err := store.Open(ctx, "", "mysql://x"); err == nil {
		t.Error("an unknown DSN was accepted")
	}
}

// withJob is a store with the queued job id, and the time it was made.
func withJob(t *testing.T, open func(testing.TB) *store.DB, id string) (*store.DB, context.Context, time.Time) {
	db := open(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	if _, _, err := db.CreateJob(ctx, &delivery.JobRecord{ID: id, Input: "00", Chain: "mocknet", State: delivery.JobQueued, Created: now, Updated: now}); err != nil {
		t.Fatal(err)
	}
	return db, ctx, now
}

// TestAddDeliveries: deliveries are added in one transaction; a second
// holder delivery of a credential is ignored and not counted.
func TestAddDeliveries(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db, ctx, now := withJob(t, open, "b")
			d := func(id, cred, kind string) *delivery.Delivery {
				return &delivery.Delivery{ID: id, Batch: "b", Credential: cred, Kind: kind, Email: "a@example.edu", State: delivery.DeliveryPending, NextAttempt: now, Created: now}
			}
			n, err := db.AddDeliveries(ctx, []*delivery.Delivery{d("1", "c1", delivery.KindHolder), d("2", "c2", delivery.KindHolder), d("3", "c1", delivery.KindHolder), d("4", "c1", delivery.KindThirdParty)})
			if err != nil || n != 3 {
				t.Fatalf("added %d, %v; want 3", n, err)
			}
			ds, err := db.Deliveries(ctx, "b")
			if err != nil || len(ds) != 3 {
				t.Fatalf("%d deliveries, %v", len(ds), err)
			}
		})
	}
}

// TestDeliveriesInChunks: deliveries and links written a hundred rows a
// statement, over several statements, come back as written; a duplicate
// holder delivery is skipped and not counted; of two outcomes of one
// delivery saved at once, the last is kept.
func TestDeliveriesInChunks(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db, ctx, now := withJob(t, open, "b")
			const n = 250
			var xs []*delivery.Delivery
			for i := range n + 5 {
				cred := fmt.Sprintf("c%d", i%n) // the last five are duplicates
				xs = append(xs, &delivery.Delivery{ID: fmt.Sprintf("d%03d", i), Batch: "b", Credential: cred, Kind: delivery.KindHolder,
					Email: "a@example.edu", Name: "Ｎａｍｅ", NameLocal: "梁詠詩", State: delivery.DeliveryPending, NextAttempt: now, Created: now})
			}
			if added, err := db.AddDeliveries(ctx, xs); err != nil || added != n {
				t.Fatalf("added %d, %v; want %d", added, err, n)
			}
			xs = xs[:n]
			var links []*delivery.Link
			for i, x := range xs {
				x.State, x.Attempts, x.MessageID, x.Share = delivery.DeliverySent, i%3+1, fmt.Sprintf("<m%d@example.edu>", i), fmt.Sprintf("s%d", i)
				if i%2 == 0 {
					sent := now.Add(time.Duration(i) * time.Second)
					x.SentAt = &sent
				}
				links = append(links, &delivery.Link{Hash: fmt.Sprintf("h%d", i), Delivery: x.ID, Expires: now.Add(time.Hour), Created: now})
			}
			stale := *xs[7] // an earlier outcome of one delivery, saved before its last
			stale.State, stale.Attempts = delivery.DeliveryPending, 9
			if err := db.SaveDeliveries(ctx, append([]*delivery.Delivery{&stale}, xs...), links); err != nil {
				t.Fatal(err)
			}
			ds, err := db.Deliveries(ctx, "b")
			if err != nil || len(ds) != n {
				t.Fatalf("%d deliveries, %v", len(ds), err)
			}
			for _, got := range ds {
				var i int
				fmt.Sscanf(got.ID, "d%03d", &i)
				want := xs[i]
				if got.State != want.State || got.Attempts != want.Attempts || got.MessageID != want.MessageID || got.Share != want.Share ||
					got.NameLocal != want.NameLocal || (got.SentAt == nil) != (want.SentAt == nil) || (got.SentAt != nil && !got.SentAt.Equal(*want.SentAt)) {
					t.Errorf("delivery %s: got %+v, want %+v", got.ID, got, want)
				}
			}
			for _, l := range []string{"h0", "h149", "h249"} {
				if got, err := db.Link(ctx, l); err != nil || got.Delivery == "" {
					t.Errorf("link %s: %+v, %v", l, got, err)
				}
			}
		})
	}
}

// TestAllocateInChunks: a batch's status slots, written a hundred rows a
// statement, are each credential's, distinct, as Allocate returned them.
func TestAllocateInChunks(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			var ids []string
			for i := range 250 {
				ids = append(ids, fmt.Sprintf("urn:uuid:c%03d", i))
			}
			slots, err := db.Allocate(ctx, "b", ids)
			if err != nil || len(slots) != len(ids) {
				t.Fatalf("%d slots, %v", len(slots), err)
			}
			seen := map[status.Slot]bool{}
			for i, id := range ids {
				e, err := db.Entry(ctx, id)
				if err != nil || e.List != slots[i].List || e.Index != slots[i].Index || e.Batch != "b" {
					t.Fatalf("%s: %+v, %v; want %+v", id, e, err, slots[i])
				}
				if seen[slots[i]] {
					t.Fatalf("slot %+v given twice", slots[i])
				}
				seen[slots[i]] = true
			}
		})
	}
}
