package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/status/statustest"
	"github.com/etranscript/etranscript/store"
)

// stores are the databases every store test runs on: SQLite always, and
// PostgreSQL when ETRANSCRIPT_TEST_POSTGRES holds a DSN (.ci/run starts
// one, and sets ETRANSCRIPT_REQUIRE_POSTGRES so that they cannot be
// skipped); each test gets a database of its own.
func stores(t *testing.T) map[string]func(t *testing.T) *store.DB {
	out := map[string]func(t *testing.T) *store.DB{
		"sqlite": func(t *testing.T) *store.DB {
			db, err := store.Open(context.Background(), t.TempDir(), "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
	}
	if dsn := os.Getenv("ETRANSCRIPT_TEST_POSTGRES"); dsn != "" {
		out["postgres"] = func(t *testing.T) *store.DB { return freshPostgres(t, dsn) }
	} else if os.Getenv("ETRANSCRIPT_REQUIRE_POSTGRES") != "" {
		t.Error("ETRANSCRIPT_REQUIRE_POSTGRES is set but ETRANSCRIPT_TEST_POSTGRES is not")
	} else {
		t.Log("ETRANSCRIPT_TEST_POSTGRES is not set: PostgreSQL not tested")
	}
	return out
}

var dbSeq atomic.Int64

// freshPostgres creates an empty database on the server of dsn and opens
// the store on it.
func freshPostgres(t *testing.T, dsn string) *store.DB {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("etr_test_%d_%d", os.Getpid(), dbSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	i := strings.LastIndex(dsn, "/")
	q := ""
	if j := strings.Index(dsn[i:], "?"); j >= 0 {
		q = dsn[i+j:]
	}
	db, err := store.Open(context.Background(), "", dsn[:i+1]+name+q)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

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
