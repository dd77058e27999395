// Package store is the fleet store: device reports verified against the
// device registry and kept in SQLite (embedded, the default) or PostgreSQL
// (at scale), one schema with versioned migrations; the ingest pipeline
// (decode, verify, replay check, batched inserts, rejections counted by
// reason) and the status queries that make a fleet.Status.
package store
