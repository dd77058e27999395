// Package artefact is the common model of an on-device updater's own signed
// artefact (a RAUC bundle, a SWUpdate .swu archive, a Mender artefact): the
// inspection Report every format reader fills in (format, signature and
// signer chain, compatible / hardware / device type, version, images with
// their declared and computed hashes, and the problems found), the trust
// options a verification takes, and the typed errors. The readers live in
// the subpackages rauc, swupdate and mender; inspect detects the format and
// dispatches; cms verifies the CMS signatures RAUC and SWUpdate use;
// updaterconf reads the updaters' configuration files. Nothing here imports
// syft or osv-scanner, so every parser has a fast fuzz target.
package artefact
