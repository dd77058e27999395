// Package layout reads an attack layout file (docs/attack-layouts.md): how
// a hand-rolled updater's repository and manifest differ from craudit's
// manifest profile, so that `craudit attack --profile manifest --layout
// FILE` tests the updater as it is.
//
// A layout maps the repository paths (manifest, its signature, the vendor
// certificate and its signature, the signer's key, the artefacts), the
// manifest's field names and time format, and the client's command line
// and install folder. The scenario builders (checks/attack/manifestattack)
// marshal each manifest in the layout before signing it and serve every
// file at the layout's path; the harness runs the client with the layout's
// arguments. The zero layout (Default) is craudit's own: a manifest made
// under it is byte-identical to evidence/manifest's.
//
// The reader is strict: an unknown key, a value of the wrong kind, a path
// that leaves the repository, two fields with one name or a placeholder the
// harness does not know is an error naming the file, the line and the key.
package layout
