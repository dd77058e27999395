// Package tufattack builds the TUF profile's hostile repositories for the
// attack harness (checks/attack): for each scenario, a Builder that signs a
// valid baseline repository and the attacked one with go-tuf's metadata API
// (fresh keys per run), and says what a secure client must install.
//
// The scenario list itself (IDs, titles, ENISA steps, expectations) is the
// plain literal catalogue in checks/attack; this package only makes the
// repositories it names.
package tufattack
