// Package toolattack attacks the on-device update frameworks manufacturers
// ship as they are: RAUC, SWUpdate, Mender and OSTree (attack profiles
// rauc, swupdate, mender, ostree).
//
// For every scenario a builder makes the repository in the tool's own
// format with the real tools (rauc bundle, openssl cms and cpio,
// mender-artifact, ostree and gpg), signed with a test CA and keys made for
// that scenario alone, so scenarios share no state and can run in parallel.
// A driver (plan.Driver) provisions the tool on the device side: RAUC with a
// system.conf, a keyring and file-backed raw slots behind its own `rauc
// service` on a private D-Bus session bus; SWUpdate with `-k CA.pem`, a
// configuration whose download section trusts the test CA and a raw handler
// writing to a regular file; Mender standalone (`mender install URL`) with
// ArtifactVerifyKey and the single-file update module; OSTree with a
// repository whose remote has gpg-verify and the vendor key imported. The
// harness judges by what reached the install target.
//
// Where a tool reads fixed system paths (libcurl's CA directory for RAUC,
// /etc/mender for Mender, the device paths an artefact names), the driver
// runs it in a private mount namespace (unshare -m) with the scenario's own
// folders bound over those paths; nothing outside the scenario's folder is
// written. A tool that is not installed, or a machine where the namespace
// cannot be made, is reported as such (Check), never as a pass.
package toolattack
