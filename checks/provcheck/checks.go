package provcheck

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/provenance"
)

// Check IDs.
const (
	IDPresent   = "provenance/present"
	IDSignature = "provenance/signature"
	IDSubjects  = "provenance/subjects"
	IDBuilder   = "provenance/builder"
	IDMaterials = "provenance/materials"
)

// Catalogue entries these checks serve.
const (
	enisaStep1      = "enisa/step/1"
	enisaProvenance = "enisa/rec/provenance-and-traceability"
	enisaSigning    = "enisa/rec/secure-signing-practices"
	craComponents   = "cra/annex-i/part-ii/1"
	craProduction   = "cra/annex-vii/2/c"
)

// Checks returns the provenance checks, in a plain list.
func Checks() []checks.Check {
	return []checks.Check{
		checks.Func{I: checks.Info{
			ID: IDPresent, Version: 1, Title: "Build provenance exists for every artefact", Step: 1,
			MapsTo: []string{enisaStep1, enisaProvenance, craProduction}, Basis: checks.BasisPractice,
			Description: "Every update artefact must be the subject of SLSA provenance produced by the build system, so the release can be traced to the build that made it. craudit's own statement about the bundling step does not count: it says who packed the files, not who built them.",
			Remediation: "Have the build system emit SLSA provenance (for example slsa-github-generator or GitHub artifact attestations) and pass it to `craudit bundle --provenance FILE`.",
		}, F: runPresent},
		checks.Func{I: checks.Info{
			ID: IDSignature, Version: 1, Title: "Provenance signatures verify", Step: 1,
			MapsTo: []string{enisaStep1, enisaSigning, enisaProvenance}, Basis: checks.BasisPractice,
			Description: "Each provenance file must be signed by a party the bundle can authenticate: DSSE envelopes by the bundle's signer or the root key, Sigstore bundles against the Sigstore trusted root kept in the bundle (certificate chain, certificate transparency, transparency-log entry). The bundling step's statement must be signed by the bundle's signer. A signature that cannot be verified does not pass.",
			Remediation: "Import provenance signed by the build system; for Sigstore bundles also pass the trusted root with `craudit bundle --trusted-root FILE`. Rebuild the bundle if its own statement does not verify.",
		}, F: runSignature},
		checks.Func{I: checks.Info{
			ID: IDSubjects, Version: 1, Title: "Provenance subjects match the artefacts", Step: 1,
			MapsTo: []string{enisaStep1, enisaProvenance, craProduction}, Basis: checks.BasisPractice,
			Description: "A provenance statement is only evidence for the artefact whose digest it names. Every imported file must name at least one artefact of the bundle, no subject may carry an artefact's file name with a different digest, and the bundling step's statement must name exactly the bundle's artefacts with their SHA-256 and SHA-512 digests.",
			Remediation: "Import the provenance produced for these exact artefact bytes; if the artefact was rebuilt or changed after the build, rebuild it and regenerate its provenance.",
		}, F: runSubjects},
		checks.Func{I: checks.Info{
			ID: IDBuilder, Version: 1, Title: "Artefacts were built by an allowed builder", Step: 1,
			MapsTo: []string{enisaStep1, enisaProvenance, craProduction}, Basis: checks.BasisPractice,
			Description: "The builder named in each imported provenance statement must be on the policy's allow-list (allowed_builders; an entry ending in * allows every builder ID it prefixes), and its claim must come with a verified signature. Without an allow-list the check does not apply.",
			Remediation: "Build the release on an approved builder, or add the builder to allowed_builders in policy.yaml after review.",
		}, F: runBuilder},
		checks.Func{I: checks.Info{
			ID: IDMaterials, Version: 1, Title: "Build inputs are recorded", Step: 1,
			MapsTo: []string{enisaStep1, enisaProvenance, craComponents}, Basis: checks.BasisPractice,
			Description: "Provenance must list the build's inputs (SLSA materials or resolved dependencies), so the source and the dependencies of a release can be traced. The bundling step's resolved dependencies must be files of the bundle with the recorded SHA-256.",
			Remediation: "Configure the build system to record its materials (source repository and commit, dependencies) in the provenance it emits.",
		}, F: runMaterials},
	}
}

func finding(id, subject string, st checks.Status, format string, a ...any) checks.Finding {
	return checks.Finding{ID: checks.FindingID(id, subject), Status: st, Subject: subject, Message: fmt.Sprintf(format, a...)}
}

func runPresent(_ context.Context, in *checks.Input) checks.Outcome {
	e, err := gather(in)
	if err != nil {
		return checks.Errorf(err.Error())
	}
	if len(e.Artefacts) == 0 {
		return checks.Outcome{Status: checks.NotApplicable, Message: "the bundle has no artefacts"}
	}
	out := checks.Outcome{Evidence: in.Refs(e.paths()...)}
	for _, a := range e.Artefacts {
		var build, step []string
		for _, f := range e.Files {
			if f.Res == nil {
				continue
			}
			for _, ar := range f.Res.Attestations {
				if !slices.Contains(ar.Matched, a.Name) || ar.Statement == nil || !ar.Statement.IsSLSA() {
					continue
				}
				if f.Step {
					step = append(step, f.Path)
				} else {
					build = append(build, fmt.Sprintf("%s (builder %s)", f.Path, ar.BuilderID))
				}
			}
		}
		switch {
		case len(build) > 0:
			out.Findings = append(out.Findings, finding(IDPresent, a.Name, checks.Pass, "build provenance: %s", strings.Join(slices.Compact(build), ", ")))
		case len(step) > 0:
			out.Findings = append(out.Findings, finding(IDPresent, a.Name, checks.Fail, "only craudit's bundling step is attested; no provenance from the build system names this artefact"))
		default:
			out.Findings = append(out.Findings, finding(IDPresent, a.Name, checks.Fail, "no provenance names this artefact"))
		}
	}
	out.Status = worst(out.Findings)
	if out.Status == checks.Fail && len(e.imported()) == 0 {
		out.Status = checks.Missing
	}
	switch out.Status {
	case checks.Pass:
		out.Message = fmt.Sprintf("all %d artefact(s) have build provenance", len(e.Artefacts))
	case checks.Missing:
		out.Message = "no build provenance was imported into the bundle"
	default:
		out.Message = fmt.Sprintf("%d of %d artefact(s) lack build provenance", count(out.Findings, checks.Fail), len(e.Artefacts))
	}
	return out
}

func runSignature(_ context.Context, in *checks.Input) checks.Outcome {
	e, err := gather(in)
	if err != nil {
		return checks.Errorf(err.Error())
	}
	out := checks.Outcome{Evidence: in.Refs(e.paths()...)}
	if !slices.ContainsFunc(e.Files, func(f file) bool { return f.Step }) {
		out.Findings = append(out.Findings, finding(IDSignature, provenance.StepFile, checks.Missing, "the bundle has no statement of its bundling step"))
	}
	for _, f := range e.Files {
		if f.Err != nil {
			out.Findings = append(out.Findings, finding(IDSignature, f.Path, checks.Fail, "%v", f.Err))
			continue
		}
		p := f.Res.Prop(provenance.PropSignature)
		st := checks.Fail
		if p.State == provenance.Verified {
			st = checks.Pass
		}
		msg := e.signatureNote(p, f)
		if f.Step && st == checks.Fail && in.Bundle.Signer == nil {
			msg += "; the bundle's signer is not authenticated"
		}
		out.Findings = append(out.Findings, finding(IDSignature, f.Path, st, "%s: %s", p.State, msg))
	}
	if len(e.Files) == 0 {
		return checks.Outcome{Status: checks.Missing, Message: "the bundle holds no provenance", Findings: out.Findings}
	}
	out.Status = worst(out.Findings)
	if out.Status == checks.Pass {
		out.Message = fmt.Sprintf("%d provenance file(s) verified", len(e.Files))
	} else {
		out.Message = fmt.Sprintf("%d of %d provenance file(s) not verified", len(out.Findings)-count(out.Findings, checks.Pass), len(out.Findings))
	}
	return out
}

func runSubjects(_ context.Context, in *checks.Input) checks.Outcome {
	e, err := gather(in)
	if err != nil {
		return checks.Errorf(err.Error())
	}
	out := checks.Outcome{Evidence: in.Refs(e.paths()...)}
	if len(e.Files) == 0 {
		return checks.Outcome{Status: checks.Missing, Message: "the bundle holds no provenance"}
	}
	for _, f := range e.Files {
		if f.Err != nil {
			out.Findings = append(out.Findings, finding(IDSubjects, f.Path, checks.Fail, "%v", f.Err))
			continue
		}
		if f.Step {
			out.Findings = append(out.Findings, stepSubjects(f, e.Artefacts))
			continue
		}
		out.Findings = append(out.Findings, importedSubjects(f, e.Artefacts))
	}
	out.Status = worst(out.Findings)
	if out.Status == checks.Pass {
		out.Message = "every provenance file names artefacts of the bundle with matching digests"
	} else {
		out.Message = fmt.Sprintf("%d provenance file(s) do not match the artefacts", count(out.Findings, checks.Fail))
	}
	return out
}

// stepSubjects: the bundling step names exactly the artefacts, with both digests.
func stepSubjects(f file, arts []provenance.Artefact) checks.Finding {
	var problems []string
	for _, ar := range f.Res.Attestations {
		for _, s := range ar.Subjects {
			i := slices.IndexFunc(arts, func(a provenance.Artefact) bool { return a.Name == s.Name })
			if i < 0 {
				problems = append(problems, fmt.Sprintf("subject %s is not an artefact of the bundle", s.Name))
				continue
			}
			a := arts[i]
			if s.Digest["sha256"] != a.SHA256 || s.Digest["sha512"] != a.SHA512 {
				problems = append(problems, fmt.Sprintf("subject %s has digests other than the bundle's", s.Name))
			}
		}
		for _, a := range arts {
			if !slices.ContainsFunc(ar.Subjects, func(s provenance.Subject) bool { return s.Name == a.Name }) {
				problems = append(problems, fmt.Sprintf("artefact %s is not a subject", a.Name))
			}
		}
	}
	if len(problems) > 0 {
		return finding(IDSubjects, f.Path, checks.Fail, "%s", strings.Join(problems, "; "))
	}
	return finding(IDSubjects, f.Path, checks.Pass, "names the bundle's %d artefact(s) with SHA-256 and SHA-512", len(arts))
}

// importedSubjects: the file names at least one artefact, and no subject
// carries an artefact's file name with other bytes.
func importedSubjects(f file, arts []provenance.Artefact) checks.Finding {
	var matched, clash []string
	for _, ar := range f.Res.Attestations {
		matched = append(matched, ar.Matched...)
		for _, s := range ar.Subjects {
			for _, a := range arts {
				if path.Base(s.Name) != path.Base(a.Name) {
					continue
				}
				if !provenance.DigestsMatch(s.Digest, map[string]string{"sha256": a.SHA256, "sha512": a.SHA512}) {
					clash = append(clash, fmt.Sprintf("subject %q has the name of %s but another digest", s.Name, a.Name))
				}
			}
		}
	}
	slices.Sort(matched)
	matched = slices.Compact(matched)
	switch {
	case len(clash) > 0:
		return finding(IDSubjects, f.Path, checks.Fail, "%s", strings.Join(slices.Compact(clash), "; "))
	case len(matched) == 0:
		return finding(IDSubjects, f.Path, checks.Fail, "names none of the bundle's artefacts (no subject digest matches)")
	}
	return finding(IDSubjects, f.Path, checks.Pass, "subject digests match %s", strings.Join(matched, ", "))
}

func runBuilder(_ context.Context, in *checks.Input) checks.Outcome {
	allow := in.Policy.AllowedBuilders
	if len(allow) == 0 {
		return checks.Outcome{Status: checks.NotApplicable, Message: "no allow-list of builders is configured (policy allowed_builders)"}
	}
	e, err := gather(in)
	if err != nil {
		return checks.Errorf(err.Error())
	}
	out := checks.Outcome{Evidence: in.Refs(e.paths()...)}
	for _, f := range e.imported() {
		if f.Err != nil {
			out.Findings = append(out.Findings, finding(IDBuilder, f.Path, checks.Fail, "%v", f.Err))
			continue
		}
		for _, ar := range f.Res.Attestations {
			if ar.Statement == nil || !ar.Statement.IsSLSA() {
				continue
			}
			subject := f.Path
			if ar.Line > 0 {
				subject = fmt.Sprintf("%s:%d", f.Path, ar.Line)
			}
			sig := ar.Prop(provenance.PropSignature).State
			switch {
			case ar.BuilderID == "":
				out.Findings = append(out.Findings, finding(IDBuilder, subject, checks.Fail, "names no builder"))
			case !allowed(ar.BuilderID, allow):
				out.Findings = append(out.Findings, finding(IDBuilder, subject, checks.Fail, "builder %s is not on the allow-list", ar.BuilderID))
			case sig != provenance.Verified:
				out.Findings = append(out.Findings, finding(IDBuilder, subject, checks.Fail, "builder %s is allowed, but the claim is not authenticated (signature %s)", ar.BuilderID, sig))
			default:
				out.Findings = append(out.Findings, finding(IDBuilder, subject, checks.Pass, "builder %s is allowed", ar.BuilderID))
			}
		}
	}
	if len(out.Findings) == 0 {
		return checks.Outcome{Status: checks.Missing, Message: "no imported SLSA provenance names a builder"}
	}
	out.Status = worst(out.Findings)
	if out.Status == checks.Pass {
		out.Message = "every builder is on the allow-list"
	} else {
		out.Message = fmt.Sprintf("%d attestation(s) from builders not allowed or not authenticated", count(out.Findings, checks.Fail))
	}
	return out
}

func runMaterials(_ context.Context, in *checks.Input) checks.Outcome {
	e, err := gather(in)
	if err != nil {
		return checks.Errorf(err.Error())
	}
	out := checks.Outcome{Evidence: in.Refs(e.paths()...)}
	if len(e.Files) == 0 {
		return checks.Outcome{Status: checks.Missing, Message: "the bundle holds no provenance"}
	}
	for _, f := range e.Files {
		if f.Err != nil {
			out.Findings = append(out.Findings, finding(IDMaterials, f.Path, checks.Fail, "%v", f.Err))
			continue
		}
		for _, ar := range f.Res.Attestations {
			if ar.Statement == nil || !ar.Statement.IsSLSA() {
				continue
			}
			subject := f.Path
			if ar.Line > 0 && len(f.Res.Attestations) > 1 {
				subject = fmt.Sprintf("%s:%d", f.Path, ar.Line)
			}
			out.Findings = append(out.Findings, judgeMaterials(in, f, ar, subject))
		}
	}
	if len(out.Findings) == 0 {
		return checks.Outcome{Status: checks.Missing, Message: "no SLSA provenance in the bundle"}
	}
	out.Status = worst(out.Findings)
	if out.Status == checks.Pass {
		out.Message = "every provenance statement records its inputs"
	} else {
		out.Message = fmt.Sprintf("%d statement(s) without usable inputs", count(out.Findings, checks.Fail))
	}
	return out
}

func judgeMaterials(in *checks.Input, f file, ar provenance.AttestationResult, subject string) checks.Finding {
	if len(ar.Materials) == 0 {
		return finding(IDMaterials, subject, checks.Fail, "records no materials or resolved dependencies")
	}
	if f.Step {
		// The bundling step's inputs are files of the bundle: bind them.
		var bad []string
		for _, m := range ar.Materials {
			it, ok := in.Bundle.Index.Item(m.URI)
			if !ok || it.SHA256 != m.Digest["sha256"] {
				bad = append(bad, m.URI)
			}
		}
		if len(bad) > 0 {
			return finding(IDMaterials, subject, checks.Fail, "inputs not in the bundle with the recorded SHA-256: %s", strings.Join(bad, ", "))
		}
		return finding(IDMaterials, subject, checks.Pass, "%d input file(s), each in the bundle with the recorded digest", len(ar.Materials))
	}
	withDigest := 0
	for _, m := range ar.Materials {
		if len(m.Digest) > 0 {
			withDigest++
		}
	}
	if withDigest == 0 {
		return finding(IDMaterials, subject, checks.Fail, "%d material(s), none pinned by a digest", len(ar.Materials))
	}
	first := ar.Materials[0].URI
	if first == "" {
		first = ar.Materials[0].Name
	}
	return finding(IDMaterials, subject, checks.Pass, "%d material(s), %d pinned by a digest (e.g. %s)", len(ar.Materials), withDigest, first)
}
