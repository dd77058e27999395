// Package inspect detects an updater artefact's format from its first bytes
// (squashfs: RAUC bundle; cpio newc or crc: SWUpdate; a tar whose first
// member is "version": Mender) and runs that format's verification.
package inspect
