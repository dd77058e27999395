package artefactcheck

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/bundle"
)

// Check IDs.
const (
	IDSigned        = "artefact/signed"
	IDSignerAnchor  = "artefact/signer-anchor"
	IDImagesHashed  = "artefact/images-hashed"
	IDVersion       = "artefact/version"
	IDConfigKey     = "updater-config/verify-key"
	IDConfigPurpose = "updater-config/cert-purpose"
	IDConfigRollbk  = "updater-config/anti-rollback"
	IDConfigLimits  = "updater-config/download-limits"
	IDConfigHTTPS   = "updater-config/https-only"
)

const (
	enisaStep1     = "enisa/step/1"
	enisaStep4     = "enisa/step/4"
	enisaStep5     = "enisa/step/5"
	enisaSigning   = "enisa/rec/secure-signing-practices"
	enisaSigVerify = "enisa/rec/signature-verification"
	enisaIntegrity = "enisa/rec/integrity-enforcement"
	enisaRollback  = "enisa/rec/version-control-and-anti-rollback"
	enisaTransport = "enisa/rec/strong-transport-security"
	enisaSource    = "enisa/rec/trusted-update-source"
	craIntegrity   = "cra/annex-i/part-i/2/f"
	craUpdates     = "cra/annex-i/part-i/2/c"
)

// Checks returns the updater-artefact and updater-configuration checks.
func Checks() []checks.Check {
	return append([]checks.Check{
		checks.Func{I: checks.Info{
			ID: IDSigned, Version: 1, Title: "Updater artefacts are signed", Step: 1,
			MapsTo: []string{enisaStep1, enisaSigning, craIntegrity}, Basis: checks.BasisPractice,
			Description: "Every RAUC bundle, SWUpdate archive and Mender artefact of the release must carry a signature that verifies over its signed bytes (RAUC: the squashfs image or the inline manifest; SWUpdate: sw-description; Mender: the manifest). The inspection is made at bundle time and recorded in artefact-inspection/.",
			Remediation: "Sign the artefact with the updater's own tool (rauc bundle --cert --key; openssl cms -sign for sw-description; mender-artifact write -k) and bundle it again.",
		}, F: runSigned},
		checks.Func{I: checks.Info{
			ID: IDSignerAnchor, Version: 1, Title: "Artefact signers chain to the declared trust anchor", Step: 5,
			MapsTo: []string{enisaStep5, enisaSigVerify, enisaSource, craIntegrity}, Basis: checks.BasisPractice,
			Description: "The signature of every updater artefact must verify against the trust anchor product.yaml declares in updates.artefact_trust (a CA for CMS signatures, a public key for Mender and SWUpdate RSA mode), with the certificate valid at bundle time and allowed for signing (S/MIME purpose, as RAUC and SWUpdate check by default). Without a declared anchor the signer is not authenticated.",
			Remediation: "Declare the anchor the devices are provisioned with in product.yaml (updates.artefact_trust.ca or .key) and sign with a certificate or key under it.",
		}, F: runAnchor},
		checks.Func{I: checks.Info{
			ID: IDImagesHashed, Version: 1, Title: "Every image of an updater artefact is hashed", Step: 5,
			MapsTo: []string{enisaStep5, enisaIntegrity, craIntegrity}, Basis: checks.BasisPractice,
			Description: "Every image, file and script an artefact installs must have a SHA-256 in the signed metadata that equals the image's bytes (RAUC manifest sha256, and for verity bundles the payload against its dm-verity root hash; SWUpdate sw-description sha256; Mender manifest).",
			Remediation: "Give every image its sha256 in the signed metadata (SWUpdate: sha256 in each images/files/scripts entry) and rebuild the artefact from the intended images.",
		}, F: runImages},
		checks.Func{I: checks.Info{
			ID: IDVersion, Version: 1, Title: "Updater artefact version is not lower than the previous release's", Step: 5,
			MapsTo: []string{enisaStep5, enisaRollback, craUpdates}, Basis: checks.BasisPractice,
			Description: "The version an updater artefact declares (RAUC [update] version, SWUpdate software.version, Mender rootfs-image.version or artifact name) must not be lower than release.yaml's previous_version, so a device that refuses downgrades installs it. Without previous_version the check is not evaluated and says so.",
			Remediation: "Set the artefact's version above the previous release's, and give release.yaml previous_version.",
		}, F: runVersion},
	}, configChecks()...)
}

func inspections(in *checks.Input) ([]checks.Decoded[*artefact.Report], *checks.Outcome) {
	ds, err := in.ArtefactInspections()
	if err != nil {
		o := checks.StatusOf(err)
		return nil, &checks.Outcome{Status: o, Message: err.Error()}
	}
	if len(ds) == 0 {
		return nil, &checks.Outcome{Status: checks.NotApplicable, Message: "the bundle has no RAUC bundle, SWUpdate archive or Mender artefact"}
	}
	return ds, nil
}

// judgeEach runs f over every inspection; the outcome is the worst finding.
func judgeEach(in *checks.Input, id string, f func(r *artefact.Report) (checks.Status, string)) checks.Outcome {
	ds, out := inspections(in)
	if out != nil {
		return *out
	}
	var paths []string
	res := checks.Outcome{Status: checks.Pass}
	var bad []string
	for _, d := range ds {
		paths = append(paths, d.Path, bundle.ArtefactDir+d.Value.File)
		st, msg := f(d.Value)
		subject := d.Value.File
		res.Findings = append(res.Findings, checks.Finding{ID: checks.FindingID(id, subject), Status: st, Subject: subject, Message: msg})
		if st.Rank() < res.Status.Rank() {
			res.Status = st
		}
		if st != checks.Pass {
			bad = append(bad, subject+": "+msg)
		}
	}
	res.Evidence = in.Refs(paths...)
	if len(bad) == 0 {
		res.Message = fmt.Sprintf("%d updater artefact(s): %s", len(ds), res.Findings[0].Message)
		if len(ds) > 1 {
			res.Message = fmt.Sprintf("all %d updater artefacts pass", len(ds))
		}
	} else {
		res.Message = strings.Join(bad, "; ")
	}
	return res
}

func problems(r *artefact.Report, prefix ...string) []string {
	var out []string
	for _, p := range r.Problems {
		for _, pre := range prefix {
			if strings.HasPrefix(p.Code, pre) {
				out = append(out, p.Message)
				break
			}
		}
	}
	return out
}

func runSigned(_ context.Context, in *checks.Input) checks.Outcome {
	return judgeEach(in, IDSigned, func(r *artefact.Report) (checks.Status, string) {
		s := r.Signature
		switch {
		case !s.Present:
			return checks.Fail, fmt.Sprintf("%s artefact carries no signature", r.Format)
		case s.Valid:
			return checks.Pass, fmt.Sprintf("%s signature (%s) verifies over the signed bytes", r.Format, s.Kind)
		case s.Anchor == "" && (s.Kind == "rsa-pkcs1v15" || s.Kind == "ecdsa-p256" || s.Kind == "unknown"):
			// A raw signature can only be checked with the key.
			return checks.Missing, fmt.Sprintf("%s signature (%s) present but not checkable without a public key: declare updates.artefact_trust.key", r.Format, s.Kind)
		}
		msg := strings.Join(problems(r, "signature", "format", "anchor"), "; ")
		if msg == "" {
			msg = "the signature does not verify"
		}
		return checks.Fail, msg
	})
}

func runAnchor(_ context.Context, in *checks.Input) checks.Outcome {
	return judgeEach(in, IDSignerAnchor, func(r *artefact.Report) (checks.Status, string) {
		s := r.Signature
		switch {
		case !s.Present:
			return checks.Fail, "unsigned: no signer to authenticate"
		case s.Trusted:
			signer := "the given key"
			if len(s.Chain) > 0 {
				signer = fmt.Sprintf("%s, chained to %s", s.Chain[0].Subject, s.Chain[len(s.Chain)-1].Subject)
			}
			return checks.Pass, "signed by " + signer
		case s.Anchor == "":
			return checks.Missing, "product.yaml declares no updates.artefact_trust anchor, so the signer is not authenticated: add the CA (ca:) or public key (key:) the devices trust"
		}
		msg := strings.Join(problems(r, "signature", "anchor", "purpose", "format"), "; ")
		if msg == "" {
			msg = "the signer does not chain to the declared anchor"
		}
		return checks.Fail, msg
	})
}

func runImages(_ context.Context, in *checks.Input) checks.Outcome {
	return judgeEach(in, IDImagesHashed, func(r *artefact.Report) (checks.Status, string) {
		if ps := problems(r, "image", "verity", "hash-mismatch", "missing", "unlisted", "data", "payload", "format", "cpio", "no-images", "manifest", "sw-description"); len(ps) > 0 {
			return checks.Fail, strings.Join(ps, "; ")
		}
		if len(r.Images) == 0 {
			return checks.Fail, "no image was found"
		}
		for _, im := range r.Images {
			if !im.Verified {
				return checks.Fail, "image " + im.Name + " is not verified"
			}
		}
		msg := fmt.Sprintf("%d image(s), each matching its signed SHA-256", len(r.Images))
		if r.Format == artefact.FormatRAUCVerity {
			msg += "; payload matches its dm-verity root hash"
		}
		return checks.Pass, msg
	})
}

func runVersion(_ context.Context, in *checks.Input) checks.Outcome {
	if in.Release == nil || in.Release.PreviousVersion == "" {
		if _, out := inspections(in); out != nil {
			return *out
		}
		return checks.Outcome{Status: checks.Missing, Message: "not evaluated: release.yaml gives no previous_version to compare the artefacts' versions with"}
	}
	prev := in.Release.PreviousVersion
	return judgeEach(in, IDVersion, func(r *artefact.Report) (checks.Status, string) {
		if r.Version == "" {
			return checks.Fail, "the artefact declares no version"
		}
		c, ok := Compare(r.Version, prev)
		switch {
		case !ok:
			return checks.Missing, fmt.Sprintf("not evaluated: version %q and previous %q are not comparable", r.Version, prev)
		case c < 0:
			return checks.Fail, fmt.Sprintf("version %s is lower than the previous release's %s: a device that refuses downgrades will not install it", r.Version, prev)
		}
		return checks.Pass, fmt.Sprintf("version %s is not lower than the previous %s", r.Version, prev)
	})
}

// Compare orders two versions by their numeric and alphabetic runs
// ("1.10.0" > "1.9.2", "rel-2" > "rel-1"); ok is false when neither holds
// a digit (artifact names such as "release-candidate").
func Compare(a, b string) (int, bool) {
	ta, tb := tokens(a), tokens(b)
	if !hasDigit(a) || !hasDigit(b) {
		return 0, false
	}
	for i := 0; i < len(ta) || i < len(tb); i++ {
		var x, y string
		if i < len(ta) {
			x = ta[i]
		}
		if i < len(tb) {
			y = tb[i]
		}
		if x == y {
			continue
		}
		nx, ex := strconv.ParseUint(x, 10, 64)
		ny, ey := strconv.ParseUint(y, 10, 64)
		switch {
		case ex == nil && ey == nil:
			if nx < ny {
				return -1, true
			}
			return 1, true
		case x == "":
			return -1, true
		case y == "":
			return 1, true
		case x < y:
			return -1, true
		}
		return 1, true
	}
	return 0, true
}

func tokens(s string) []string {
	var out []string
	var cur []rune
	digit := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			if !digit {
				flush()
			}
			digit = true
			cur = append(cur, r)
		case unicode.IsLetter(r):
			if digit {
				flush()
			}
			digit = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }
