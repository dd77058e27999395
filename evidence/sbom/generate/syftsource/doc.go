// Package syftsource opens syft's source of one artefact and closes it
// without leaving folders behind in the system's temp dir.
//
// syft tries every archive as a container image first (docker-archive,
// oci-archive). stereoscope's OCI provider extracts the archive into a
// folder of its own (stereoscope-NNN under the temp dir) before it finds
// there is no image, and nothing removes that folder: every bundle of a tar
// artefact left a copy of it behind (8 MB for the demo image; 699 of them
// had piled up in /tmp after a day of tests). stereoscope can remove its
// folders only all at once (stereoscope.Cleanup), so Open counts the
// sources open in this process and the last close removes them, never
// under a source still in use.
package syftsource
