// Package tufattack builds the TUF profile's hostile repositories for the
// attack harness (checks/attack): for each scenario, a Builder that signs a
// valid baseline repository and the attacked one with go-tuf's metadata API
// (fresh keys per run), and says what a secure client must install.
//
// Its fixture (Fix: one repository's keys and root history; Files: the
// signed repository as served, under metadata/ or flat) also builds the
// Uptane profile's Director and Image repositories (checks/attack/uptaneattack).
//
// The scenario list itself (IDs, titles, ENISA steps, expectations) is the
// plain literal catalogue in checks/attack; this package only makes the
// repositories it names.
package tufattack
