// Package artefactcmd is `craudit artefact verify|inspect`: flags to
// evidence/artefact options, the report to stdout, the verdict to an exit code.
package artefactcmd
