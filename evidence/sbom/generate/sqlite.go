package generate

// syft reads newer RPM databases through database/sql and expects the
// program to register a SQLite driver, as its own command does.
import _ "modernc.org/sqlite"
