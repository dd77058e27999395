// Package releases opens the release bundles the unit-level commands
// (`craudit uptane manifests`, `craudit fleet status`) compare units with:
// each bundle verified with the root key, then described as a release.
package releases
