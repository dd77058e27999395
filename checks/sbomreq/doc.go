// Package sbomreq judges an SBOM against the required fields of BSI
// TR-03183-2 v2.1.0 or the NTIA minimum elements (2021). It works on the
// neutral model that evidence/sbom decodes, judges every requirement on the
// document and on each component, and renders the result as text or JSON
// (the output of `craudit sbom check`; checks/sbomcheck turns it into
// findings).
//
// A gap is a result with status fail, never an error: Check fails only for
// an unknown standard (ErrUnknownStandard). Requirement IDs are catalogue
// IDs (bsi-tr-03183-2/<field>, ntia/<element>) and never change; the JSON
// report format (Schema) only grows.
package sbomreq
