package manifestcheck

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/manifest"
)

// Checks lists this area's checks.
func Checks() []checks.Check {
	return []checks.Check{
		checks.Func{I: bundleIntegrity, F: runBundleIntegrity},
		checks.Func{I: signature, F: runSignature},
		checks.Func{I: artefacts, F: runArtefacts},
		checks.Func{I: freshness, F: runFreshness},
		checks.Func{I: rollback, F: runRollback},
		checks.Func{I: updateType, F: runUpdateType},
	}
}

var bundleIntegrity = checks.Info{
	ID: "bundle/integrity", Version: 1, Step: 2, Basis: checks.BasisPractice,
	Title:       "Evidence bundle is complete and unchanged",
	MapsTo:      []string{"enisa/step/2", "enisa/rec/integrity-enforcement"},
	Description: "Every file of the bundle is listed in bundle.json with its size, SHA-256 and SHA-512, and bundle.json is signed by a key the manufacturer's root key vouches for. Any changed, missing or extra file fails.",
	Remediation: "Rebuild the bundle with `craudit bundle` from the original inputs; never edit a signed bundle.",
}

func runBundleIntegrity(_ context.Context, in *checks.Input) checks.Outcome {
	b := in.Bundle
	out := checks.Outcome{Evidence: in.Refs(bundle.SignerKey, bundle.VendorCert, bundle.VendorCertSig)}
	for _, p := range b.Problems {
		out.Findings = append(out.Findings, checks.Finding{ID: checks.FindingID(bundleIntegrity.ID, p.Path),
			Status: checks.Fail, Subject: p.Path, Message: p.Reason})
	}
	if len(out.Findings) > 0 {
		out.Status = checks.Fail
		out.Message = fmt.Sprintf("%d problem(s) with the bundle; first: %s", len(b.Problems), b.Problems[0])
		return out
	}
	out.Status = checks.Pass
	out.Message = fmt.Sprintf("%d files match the signed index; signer authenticated by the root key", len(b.Index.Items))
	if b.Cert != nil {
		out.Message += " through vendor certificate " + b.Cert.Serial
	}
	return out
}

var signature = checks.Info{
	ID: "manifest/signature", Version: 1, Step: 5, Basis: checks.BasisCRA,
	Title:       "Device manifest is signed by a vendor key certified by the root key",
	MapsTo:      []string{"enisa/step/5", "enisa/step/1", "enisa/rec/signature-verification", "enisa/rec/secure-signing-practices", "cra/annex-i/part-i/2/f", "cra/annex-i/part-ii/7", "etsi-en-304-621/req-updates-0"},
	Description: "The manifest's detached signature verifies with the vendor key, whose certificate is signed by the manufacturer's root key, valid at the reference time and scoped to the product — the chain a device walks before installing.",
	Remediation: "Sign the manifest with the certified vendor key (`craudit bundle --signing-key vendor.key --key-cert vendor.cert.json`) and renew the certificate with `craudit keys certify` if it expired.",
}

// verified is the device-side chain verification on the bundle's copy,
// done once per Input (checks.Input.VerifiedManifest).
func verified(in *checks.Input) (*manifest.Manifest, error) { return in.VerifiedManifest() }

func manifestRefs(in *checks.Input) []checks.EvidenceRef {
	return in.Refs(bundle.ManifestFile, bundle.ManifestSig, bundle.VendorCert, bundle.VendorCertSig)
}

func runSignature(_ context.Context, in *checks.Input) checks.Outcome {
	out := checks.Outcome{Evidence: manifestRefs(in)}
	if !in.Has(bundle.ManifestFile) && !in.Bundle.Bad(bundle.ManifestFile) {
		out.Status, out.Message = checks.Missing, "the bundle has no signed device manifest"
		return out
	}
	if _, err := verified(in); err != nil {
		out.Status, out.Message = checks.Fail, oneLine(err)
		return out
	}
	out.Status, out.Message = checks.Pass, "manifest signature and vendor certificate chain verify against the root key at "+in.RefTime.UTC().Format(time.RFC3339)
	return out
}

var artefacts = checks.Info{
	ID: "manifest/artefacts", Version: 1, Step: 5, Basis: checks.BasisCRA,
	Title:       "Manifest binds every artefact by size, SHA-256 and SHA-512",
	MapsTo:      []string{"enisa/step/4", "enisa/step/5", "enisa/rec/integrity-enforcement", "enisa/rec/signature-verification", "cra/annex-i/part-i/2/f"},
	Description: "Each update artefact in the bundle is named in the signed manifest with the size and hashes of its exact bytes, so a device can reject a tampered or truncated download.",
	Remediation: "Rebuild the bundle so the manifest is generated from the artefacts that ship.",
}

func runArtefacts(_ context.Context, in *checks.Input) checks.Outcome {
	out := checks.Outcome{Evidence: manifestRefs(in)}
	m, err := verified(in)
	if err != nil {
		out.Status, out.Message = checks.Missing, "no verified manifest to compare with: "+oneLine(err)
		return out
	}
	items := in.Bundle.Index.ByRole(bundle.RoleArtefact)
	if len(items) == 0 {
		out.Status, out.Message = checks.Fail, "the bundle holds no update artefact"
		return out
	}
	byName := map[string]manifest.Artefact{}
	for _, a := range m.Artefacts {
		byName[a.Name] = a
	}
	failed := 0
	for _, it := range items {
		name := strings.TrimPrefix(it.Path, bundle.ArtefactDir)
		f := checks.Finding{ID: checks.FindingID(artefacts.ID, name), Subject: it.Path, Status: checks.Pass}
		a, ok := byName[name]
		switch {
		case in.Bundle.Bad(it.Path):
			f.Status, f.Message = checks.Fail, "artefact failed bundle verification"
		case !ok:
			f.Status, f.Message = checks.Fail, "artefact is not named in the manifest"
		case a.Size != it.Size || a.SHA256 != it.SHA256 || a.SHA512 != it.SHA512:
			f.Status, f.Message = checks.Fail, "manifest size or hashes differ from the artefact's bytes"
		default:
			f.Message = fmt.Sprintf("%d bytes, sha256 %s", a.Size, a.SHA256)
		}
		delete(byName, name)
		if f.Status == checks.Fail {
			failed++
		}
		out.Findings = append(out.Findings, f)
		out.Evidence = append(out.Evidence, checks.EvidenceRef{Path: it.Path, SHA256: it.SHA256})
	}
	for name := range byName {
		failed++
		out.Findings = append(out.Findings, checks.Finding{ID: checks.FindingID(artefacts.ID, name), Subject: name,
			Status: checks.Fail, Message: "named in the manifest but absent from the bundle"})
	}
	if failed > 0 {
		out.Status, out.Message = checks.Fail, fmt.Sprintf("%d of %d artefacts not bound by the manifest", failed, len(out.Findings))
		return out
	}
	out.Status, out.Message = checks.Pass, fmt.Sprintf("%d artefact(s) bound by size, SHA-256 and SHA-512", len(items))
	return out
}

var freshness = checks.Info{
	ID: "manifest/freshness", Version: 1, Step: 3, Basis: checks.BasisPractice,
	Title:       "Manifest carries a validity window that is current",
	MapsTo:      []string{"enisa/step/3", "enisa/rec/metadata-freshness-validation", "cra/annex-i/part-i/2/f"},
	Description: "The manifest has a timestamp and an expiry, the timestamp is not in the future and the expiry has not passed at the reference time, so a replayed or frozen manifest is refused by devices.",
	Remediation: "Set `validity` in release.yaml and re-sign the manifest before it expires.",
}

func runFreshness(_ context.Context, in *checks.Input) checks.Outcome {
	out := checks.Outcome{Evidence: manifestRefs(in)}
	m, err := verified(in)
	if err != nil {
		out.Status, out.Message = checks.Missing, "no verified manifest: "+oneLine(err)
		return out
	}
	if err := manifest.CheckFreshness(m, in.RefTime, 0); err != nil {
		out.Status, out.Message = checks.Fail, oneLine(err)
		return out
	}
	left := m.Expires.Sub(in.RefTime)
	out.Status = checks.Pass
	out.Message = fmt.Sprintf("valid from %s until %s (%d days left at the reference time)",
		m.Timestamp.Format(time.RFC3339), m.Expires.Format(time.RFC3339), int(left.Hours()/24))
	return out
}

var rollback = checks.Info{
	ID: "manifest/rollback-counter", Version: 1, Step: 5, Basis: checks.BasisPractice,
	Title:       "Manifest carries an anti-rollback counter",
	MapsTo:      []string{"enisa/step/5", "enisa/rec/version-control-and-anti-rollback", "etsi-en-304-621/req-updates-1", "cra/annex-i/part-i/2/f"},
	Description: "The signed manifest names a monotonic rollback counter and a version, so a device can refuse an older, validly signed release.",
	Remediation: "Set `rollback_counter` in release.yaml and raise it with every security release.",
}

func runRollback(_ context.Context, in *checks.Input) checks.Outcome {
	out := checks.Outcome{Evidence: manifestRefs(in)}
	m, err := verified(in)
	if err != nil {
		out.Status, out.Message = checks.Missing, "no verified manifest: "+oneLine(err)
		return out
	}
	if m.RollbackCounter == nil || m.Version == "" {
		out.Status, out.Message = checks.Fail, "manifest lacks a rollback counter or a version"
		return out
	}
	out.Status, out.Message = checks.Pass, fmt.Sprintf("version %s, rollback counter %d", m.Version, *m.RollbackCounter)
	return out
}

var updateType = checks.Info{
	ID: "manifest/update-type", Version: 1, Step: 2, Basis: checks.BasisCRA,
	Title:       "Release says whether it is a security update, with an advisory",
	MapsTo:      []string{"enisa/step/2", "enisa/rec/update-structuring", "enisa/rec/advisory-linkage", "cra/annex-i/part-ii/2", "cra/annex-i/part-ii/8"},
	Description: "The signed manifest states the update type (security, feature or mixed); a security or mixed update names its severity and links an advisory, as the CRA asks security updates to come with advisory messages. Annex I Part II (2) asks for security updates separately from functionality updates where technically feasible, so a mixed release passes only when release.yaml says why separating them was not feasible.",
	Remediation: "Set `update_type`, `severity` and `advisory_url` in release.yaml; ship security fixes in their own release, or for a mixed release explain in `separation_justification` why they could not be separated.",
}

func runUpdateType(_ context.Context, in *checks.Input) checks.Outcome {
	out := checks.Outcome{Evidence: manifestRefs(in)}
	m, err := verified(in)
	if err != nil {
		out.Status, out.Message = checks.Missing, "no verified manifest: "+oneLine(err)
		return out
	}
	switch m.UpdateType {
	case "feature":
		out.Status, out.Message = checks.Pass, "feature update (no security fix declared)"
	case "security", "mixed":
		if m.Severity == "" || m.AdvisoryURL == "" {
			out.Status, out.Message = checks.Fail, m.UpdateType+" update without severity or advisory URL"
			return out
		}
		out.Status, out.Message = checks.Pass, fmt.Sprintf("%s update, severity %s, advisory %s", m.UpdateType, m.Severity, m.AdvisoryURL)
		if m.UpdateType == "mixed" {
			why := ""
			if in.Release != nil {
				why = strings.TrimSpace(in.Release.SeparationJustification)
			}
			if why == "" {
				out.Status = checks.Fail
				out.Message = "mixed update (security fixes with functional changes) and release.yaml gives no separation_justification: Annex I Part II (2) asks for security updates separately from functionality updates where technically feasible"
				return out
			}
			out.Message += "; not separated because: " + strings.Join(strings.Fields(why), " ")
		}
	default:
		out.Status, out.Message = checks.Fail, fmt.Sprintf("update type %q is not security, feature or mixed", m.UpdateType)
	}
	return out
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
