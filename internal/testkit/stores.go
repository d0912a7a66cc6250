package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/etranscript/etranscript/internal/envvar"
	"github.com/etranscript/etranscript/store"
)

// Stores are the databases every store test runs on: SQLite always, and
// PostgreSQL when ETRANSCRIPT_TEST_POSTGRES holds a DSN (.ci/run starts
// one, and sets ETRANSCRIPT_REQUIRE_POSTGRES so that they cannot be
// skipped); each call of a returned function makes an empty database.
func Stores(t testing.TB) map[string]func(t testing.TB) *store.DB {
	out := map[string]func(t testing.TB) *store.DB{
		"sqlite": func(t testing.TB) *store.DB {
			db, err := store.Open(context.Background(), t.TempDir(), "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
	}
	if dsn := envvar.TestDB.Get(); dsn != "" {
		out["postgres"] = func(t testing.TB) *store.DB { return freshPostgres(t, dsn) }
	} else if envvar.RequireDB.Get() != "" {
		t.Error("ETRANSCRIPT_REQUIRE_POSTGRES is set but ETRANSCRIPT_TEST_POSTGRES is not")
	} else {
		t.Log("ETRANSCRIPT_TEST_POSTGRES is not set: PostgreSQL not tested")
	}
	return out
}

var dbSeq atomic.Int64

// FreshPostgresDSN is the DSN of a new empty database on the test
// PostgreSQL server (dropped after the test), or "" when none is
// configured (an error when ETRANSCRIPT_REQUIRE_POSTGRES is set).
func FreshPostgresDSN(t testing.TB) string {
	dsn := envvar.TestDB.Get()
	if dsn == "" {
		if envvar.RequireDB.Get() != "" {
			t.Fatal("ETRANSCRIPT_REQUIRE_POSTGRES is set but ETRANSCRIPT_TEST_POSTGRES is not")
		}
		return ""
	}
	return freshDatabase(t, dsn)
}

// freshPostgres creates an empty database on the server of dsn and opens
// the store on it.
func freshPostgres(t testing.TB, dsn string) *store.DB {
	db, err := store.Open(context.Background(), "", freshDatabase(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// freshDatabase creates an empty database on the server of dsn and
// returns its DSN.
func freshDatabase(t testing.TB, dsn string) string {
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
	return dsn[:i+1] + name + q
}
