package bundle

import "path"

// DeclarationEvidencePath is where an evidence file named in answers.yaml
// (a path relative to the answers file's folder) is kept inside a bundle,
// with role RoleDeclEvidence. The bundler and the declaration checks both
// use it, so they cannot disagree.
func DeclarationEvidencePath(p string) string { return EvidenceDir + path.Clean(p) }
