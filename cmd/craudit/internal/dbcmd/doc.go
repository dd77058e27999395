// Package dbcmd is `craudit db` (status, import, update): flags to
// evidence/vuln/dbsync options, errors to exit codes.
package dbcmd
