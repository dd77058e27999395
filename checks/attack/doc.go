// Package attack tests an existing updater against hostile repositories.
//
// It serves repositories on loopback that a secure client must refuse
// (bad signatures, rollbacks, frozen or mixed metadata, substituted or
// endless files, slow servers, TLS downgrades ...) or accept (a valid update,
// a good root rotation, fast-forward recovery), runs the updater under test
// against each, and judges what it did by the rules of design.md ("Attack
// verdicts"): pass, vulnerable, functional failure or inconclusive.
//
// Two client protocols are driven:
//   - TUF: the tuf-conformance client-under-test protocol (init, refresh,
//     download), over plain HTTP on loopback as that suite does;
//   - manifest: craudit's manifest-client protocol (docs/manifest-client-protocol.md),
//     over HTTPS with a pinned CA.
//
// The catalogue is a plain literal list (Catalogue) with stable IDs; each
// scenario's builder (tufattack, manifestattack) makes its baseline and
// hostile repository states (a plan.Plan), the harness (Run) serves them and
// judges. Results are attackrun.Run values (the format of
// attack-results.json, evidence/attackrun), evidence for the ENISA step 3-5
// checks in checks/attackcheck. The library names no command of its own:
// callers pass the client command lines (Options.Client, RunClients).
//
// Every run names what it tested (Run.Updater): the SHA-256 of the client's
// executable, or of the script an interpreter runs, and of each
// Options.ClientConfigs file; a client built from craudit's own cmd/ packages
// (read from its Go build information) is a reference-client self-test
// (Run.SelfTest), never a product's evidence. With Options.Resolve the
// manifest repository is served under a declared name on loopback, as
// curl's --resolve reaches it. With Options.Layout (checks/attack/layout)
// the manifest profile serves and signs in a hand-rolled updater's own
// paths and field names and runs it with its own arguments; a valid update
// it does not take names the paths it asked for that were not served.
//
// Scenarios run Options.Parallel at once, each with its own loopback
// servers and folders; results stay in catalogue order.
package attack
