// Package store is the issuer's persistence: SQLite in the data directory
// by default (pure Go, modernc.org/sqlite), PostgreSQL when given a
// postgres:// DSN (pgx), behind the same SQL and the same versioned
// schema migrations.
//
// DB implements the storage interfaces the other packages define where
// they use them (status.Store, ...); their in-memory fakes live beside
// those interfaces.
package store
