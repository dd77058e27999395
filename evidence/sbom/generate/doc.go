// Package generate makes the release SBOM with syft as a library: it is the
// only package of craudit that imports syft. Each artefact becomes a
// component with the digests the bundle writer computed; the packages syft
// finds inside (apk, Go modules, ...) and the executable, archive or
// structured files no package owns become nested components, named by their
// path inside the archive (never syft's temporary extraction folder). The
// output is CycloneDX 1.6 JSON with the BSI TR-03183-2 fields it can know;
// fields it cannot know are left empty with a craudit:note saying why, so
// the SBOM check reports the gap instead of the SBOM inventing data.
//
// An opaque image (a raw binary under a name such as firmware.bin that no
// syft cataloguer selects, see IsOpaque) has nothing for syft to find: it
// is described from its digests and first bytes without running syft or
// building its licence scanner, and its bytes are never read again.
package generate
