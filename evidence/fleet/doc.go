// Package fleet holds the evidence devices report about themselves after
// each update attempt (ENISA step 7, record status) and the fleet status
// snapshot computed from them: the signed device report format, its
// verification against a device registry, the store (SQLite or PostgreSQL)
// and the Status document `craudit fleet status` writes and `bundle
// --fleet-status` pins.
package fleet
