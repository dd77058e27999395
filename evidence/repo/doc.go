// Package repo lays a release bundle out as a live update repository and
// serves it: the ENISA manifest-profile layout (manifest.json and its
// signature, the vendor certificate, artefacts/) and, optionally, a TUF
// repository (metadata/, targets/) signed with one key per top-level role.
// Serve publishes any directory over HTTPS on loopback with a CA it makes,
// so a device-side client (the reference verifier, an attack scenario's
// updater) talks TLS to it exactly as in the field.
package repo
