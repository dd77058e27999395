// Package toolkit holds what the four updater profiles of
// checks/attack/toolattack share: the test PKI a scenario signs with (a CA
// the device trusts, the vendor's signing certificate, one from a CA it
// does not trust, an expired one), a builder's scratch folder and the
// runner of the build tools (rauc bundle, openssl, cpio, mender-artifact,
// ostree, gpg), and the device side's plumbing: the command line that runs
// a tool in a private mount namespace with the scenario's folders bound
// over fixed system paths, the system trust store holding only the test
// servers' CA, and writing a tool's configuration files.
package toolkit
