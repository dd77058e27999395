// Package fleetcmd is `craudit fleet`: ingest signed device reports into
// the fleet store and print the fleet status (flags and wiring only).
package fleetcmd
