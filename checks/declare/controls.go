package declare

import "github.com/craudit/craudit/checks"

// partIWhereApplicable is the CRA's own qualifier on Annex I Part I (2).
const partIWhereApplicable = "Annex I Part I (2) applies each point on the basis of the risk assessment and where applicable"

// Control is one declaration-based control.
type Control struct {
	// Slug names the control: its check ID is declare/<slug>, and
	// answers.yaml answers it under that ID.
	Slug  string
	Title string
	// Question is what the manufacturer is asked to declare, in plain words.
	Question string
	Step     int
	MapsTo   []string
	Basis    checks.Basis
	// NotApplicableWhen is the CRA's own condition under which the
	// requirement may not apply; empty means not_applicable is refused.
	NotApplicableWhen string
}

// ID is the control's check ID.
func (c Control) ID() string { return "declare/" + c.Slug }

// Controls returns every declaration control in a stable order (the order
// answers.yaml templates list them in).
func Controls() []Control {
	return []Control{
		// Step 1: build and sign.
		{
			Slug:     "build-environment",
			Title:    "Trusted, controlled build environment",
			Question: "Are releases built only in a controlled environment (CI) from reviewed source and pinned dependencies, with build logs kept?",
			Step:     1,
			MapsTo:   []string{"enisa/step/1", "enisa/rec/provenance-and-traceability", "cra/annex-vii/2/c"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "key-storage",
			Title:    "Signing keys protected and managed",
			Question: "Are the root and vendor signing keys kept in an HSM or equivalent, with access restricted to named people, separate key roles, and a procedure to rotate or revoke them?",
			Step:     1,
			MapsTo:   []string{"enisa/step/1", "enisa/rec/key-protection-and-management", "cra/annex-i/part-ii/7", "cra/annex-vii/2/b"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "dependency-monitoring",
			Title:    "Components monitored for new vulnerabilities during support",
			Question: "Are the SBOM's components checked for newly published vulnerabilities regularly for the whole support period, and who acts on a match?",
			Step:     1,
			MapsTo:   []string{"enisa/rec/dependency-check", "cra/annex-i/part-ii/1", "cra/annex-i/part-ii/2"},
			Basis:    checks.BasisCRA,
		},
		// Step 2: publish.
		{
			Slug:     "release-approval",
			Title:    "Controlled release workflow",
			Question: "Is every release validated before publication and approved by someone other than its author, with signing only after that approval?",
			Step:     2,
			MapsTo:   []string{"enisa/step/2", "enisa/rec/secure-signing-practices", "cra/annex-vii/2/c"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:              "security-update-separation",
			Title:             "Security fixes shipped apart from feature changes",
			Question:          "Can a security fix be released on its own, without feature changes, and is that what you do?",
			Step:              2,
			MapsTo:            []string{"enisa/rec/update-structuring", "cra/annex-i/part-ii/2"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: "Annex I Part II (2) asks for separate security updates only where technically feasible",
		},
		{
			Slug:              "free-security-updates",
			Title:             "Security updates without delay and free of charge",
			Question:          "Are security updates made available without delay and free of charge, each with an advisory telling users what to do?",
			Step:              2,
			MapsTo:            []string{"enisa/rec/advisory-linkage", "cra/annex-i/part-ii/8"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: "Annex I Part II (8) lets a manufacturer and a business user agree otherwise for a tailor-made product",
		},
		{
			Slug:     "update-availability",
			Title:    "Security updates kept available",
			Question: "Does each security update stay available for at least ten years after its release, or for the rest of the support period if longer?",
			Step:     2,
			MapsTo:   []string{"cra/art-13/9"},
			Basis:    checks.BasisCRA,
		},
		{
			Slug:     "vulnerability-disclosure",
			Title:    "Fixed vulnerabilities disclosed with advisories",
			Question: "Once a fix ships, do you publish what was fixed: description, affected versions, impact, severity and how to remediate?",
			Step:     2,
			MapsTo:   []string{"enisa/rec/advisory-linkage", "cra/annex-i/part-ii/4"},
			Basis:    checks.BasisCRA,
		},
		{
			Slug:     "safe-update-testing",
			Title:    "Update behaviour tested before release",
			Question: "Is each release tested on real or representative devices for a clean install, an interrupted install, and recovery or rollback after a failure?",
			Step:     2,
			MapsTo:   []string{"enisa/step/2", "enisa/rec/safe-update-behaviour-testing", "cra/annex-i/part-ii/3", "cra/annex-vii/6"},
			Basis:    checks.BasisPractice,
		},
		// Steps 3 and 4: check for updates, retrieve.
		{
			Slug:     "device-transport",
			Title:    "Device uses an authenticated source over TLS only",
			Question: "Does the device contact only your authorised update endpoint, authenticate it (for example a pinned CA), and refuse any fallback to plain HTTP?",
			Step:     3,
			MapsTo:   []string{"enisa/step/3", "enisa/rec/trusted-update-source", "enisa/rec/strong-transport-security", "cra/annex-i/part-ii/7"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:              "automatic-updates",
			Title:             "Automatic security updates by default, with opt-out, notification and postponement",
			Question:          "Are security updates installed automatically, within an appropriate time, as the default setting, and do users have all three of: a clear and easy way to opt out, a notification when updates are available, and a way to postpone them temporarily?",
			Step:              3,
			MapsTo:            []string{"enisa/step/3", "enisa/rec/automated-retrieval-support", "cra/annex-i/part-i/2/c", "cra/annex-i/part-ii/7", "cra/annex-ii/8/e"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: "Annex I Part I (2)(c) asks for automatic security updates only where applicable (for example not for products meant for integration into other products)",
		},
		{
			Slug:     "untrusted-distribution",
			Title:    "Mirrors and CDNs treated as untrusted",
			Question: "Is an update accepted only because its signature verifies on the device, never because of where it was downloaded from (CDN, mirror, proxy)?",
			Step:     4,
			MapsTo:   []string{"enisa/step/4", "enisa/rec/separation-of-trust-domains", "enisa/domain/distribution"},
			Basis:    checks.BasisPractice,
		},
		// Step 5: verify.
		{
			Slug:     "device-verification",
			Title:    "Device verifies before it installs",
			Question: "Does the device check, in order and aborting on any failure, the signature chain to its root key, the artefact's hash and size, that the update applies to it, that the metadata has not expired, and the rollback counter?",
			Step:     5,
			MapsTo: []string{"enisa/step/5", "enisa/rec/signature-verification", "enisa/rec/integrity-enforcement", "enisa/rec/applicability-validation",
				"enisa/rec/metadata-freshness-validation", "etsi-en-304-621/req-updates-0", "cra/annex-i/part-i/2/f"},
			// cra: verifying the signature and hash before installing is
			// how the integrity of programs (Annex I Part I (2)(f)) is kept,
			// the same property manifest/signature and verifier/signature test.
			Basis: checks.BasisCRA,
		},
		{
			Slug:     "anti-rollback-state",
			Title:    "Rollback counter kept in protected storage",
			Question: "Is the device's rollback counter stored where software cannot lower it, and raised only after the new version booted and passed its health checks?",
			Step:     5,
			MapsTo:   []string{"enisa/rec/version-control-and-anti-rollback", "etsi-en-304-621/req-updates-1", "etsi-en-304-621/req-updates-2"},
			Basis:    checks.BasisPractice,
		},
		// Step 6: install.
		{
			Slug:     "installation-privileges",
			Title:    "Installation runs in an authorised, least-privilege context",
			Question: "Can only the trusted updater start an installation, and does it run with no more privilege than it needs?",
			Step:     6,
			MapsTo:   []string{"enisa/step/6", "enisa/rec/authorised-installation-context", "stride/e", "cra/annex-i/part-i/2/d"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "atomic-install",
			Title:    "Atomic installation",
			Question: "Does an installation either complete fully or leave the previous version running (for example A/B slots with an atomic switch), including on power loss?",
			Step:     6,
			MapsTo:   []string{"enisa/step/6", "enisa/rec/atomic-update-behaviour", "etsi-en-304-621/req-updates-3", "cra/annex-i/part-i/2/h"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "recovery-rollback",
			Title:    "Recovery to a known-good version",
			Question: "When a new version fails to boot or fails its health checks, does the device return to the last known-good version by itself?",
			Step:     6,
			MapsTo:   []string{"enisa/step/6", "enisa/rec/recovery-and-rollback", "cra/annex-i/part-i/2/h"},
			Basis:    checks.BasisPractice,
		},
		// Step 7: record status.
		{
			Slug:     "update-logging",
			Title:    "Update outcomes recorded",
			Question: "Does the device record every update attempt with its time and outcome (success, failure, rollback, partial)?",
			Step:     7,
			MapsTo:   []string{"enisa/step/7", "enisa/rec/update-status-recording", "cra/annex-i/part-i/2/l"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "secure-logging",
			Title:    "Update logs protected",
			Question: "Are update logs protected against tampering and against reading or deletion by unauthorised users or processes?",
			Step:     7,
			MapsTo:   []string{"enisa/step/7", "enisa/rec/secure-logging", "stride/r", "cra/annex-i/part-i/2/l"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "failure-reporting",
			Title:    "Verification failures detected and reported",
			Question: "Are failed signature, hash or metadata checks reported to you (or the operator) so an attack or broken release is noticed?",
			Step:     7,
			MapsTo:   []string{"enisa/step/7", "enisa/rec/integrity-failure-reporting", "cra/annex-i/part-i/2/f"},
			Basis:    checks.BasisPractice,
		},
		{
			Slug:     "key-recovery",
			Title:    "Signing keys can be replaced after compromise",
			Question: "If the vendor signing key is compromised, can you certify a new one with the offline root key and ship it, and is there a separate process for a root key compromise?",
			Step:     7,
			MapsTo:   []string{"enisa/rec/trust-anchor-and-key-recovery", "enisa/rec/key-protection-and-management", "cra/annex-i/part-ii/7"},
			Basis:    checks.BasisPractice,
		},
		// Vulnerability handling and documentation (no single step).
		{
			Slug:     "security-testing",
			Title:    "Regular security testing and review",
			Question: "Is the product's security tested and reviewed regularly (for example penetration tests, fuzzing, code review), with reports kept?",
			MapsTo:   []string{"cra/annex-i/part-ii/3", "cra/annex-vii/6"},
			Basis:    checks.BasisCRA,
		},
		{
			Slug:     "cvd-process",
			Title:    "Coordinated vulnerability disclosure in practice",
			Question: "Is your coordinated vulnerability disclosure policy enforced: reports are received, acknowledged, triaged and fixed by named people within stated times?",
			MapsTo:   []string{"cra/annex-i/part-ii/5", "cra/annex-i/part-ii/6", "cra/annex-vii/2/b"},
			Basis:    checks.BasisCRA,
		},
		{
			Slug:     "incident-reporting",
			Title:    "Reporting exploited vulnerabilities and severe incidents",
			Question: "Can you send an early warning within 24 hours, a notification within 72 hours and a final report on time for an actively exploited vulnerability or a severe incident, and inform affected users?",
			MapsTo:   []string{"cra/art-14/2/a", "cra/art-14/2/b", "cra/art-14/2/c", "cra/art-14/4/a", "cra/art-14/4/b", "cra/art-14/4/c", "cra/art-14/8"},
			Basis:    checks.BasisCRA,
		},
		{
			Slug:     "documentation-retention",
			Title:    "Technical documentation kept for ten years",
			Question: "Are the technical documentation and the EU declaration of conformity kept available to authorities for ten years after placing on the market, or for the support period if longer?",
			MapsTo:   []string{"cra/art-13/13", "cra/annex-vii/8"},
			Basis:    checks.BasisCRA,
		},
		// Product properties of Annex I Part I that the update channel does
		// not show; each applies on the basis of the risk assessment.
		{
			Slug:              "secure-defaults",
			Title:             "Secure by default, with a reset",
			Question:          "Does the product ship with a secure default configuration (no default passwords, unneeded services off) and can users reset it to its original state?",
			MapsTo:            []string{"cra/annex-i/part-i/2/b", "cra/annex-ii/8/a"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: partIWhereApplicable,
		},
		{
			Slug:              "data-protection",
			Title:             "Data confidentiality and minimisation",
			Question:          "Is data the product stores or sends encrypted at rest and in transit, and does it process only the data its purpose needs?",
			MapsTo:            []string{"cra/annex-i/part-i/2/e", "cra/annex-i/part-i/2/g"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: partIWhereApplicable,
		},
		{
			Slug:              "attack-surface",
			Title:             "Limited attack surface and exploitation mitigation",
			Question:          "Are external interfaces limited to what is needed, exploitation mitigations (for example memory protections, sandboxing) enabled, and the product's impact on other networks limited?",
			MapsTo:            []string{"cra/annex-i/part-i/2/j", "cra/annex-i/part-i/2/k", "cra/annex-i/part-i/2/i"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: partIWhereApplicable,
		},
		{
			Slug:              "data-removal",
			Title:             "Secure removal and transfer of user data",
			Question:          "Can users erase all their data and settings securely and permanently, and move their data securely to another product where that is possible?",
			MapsTo:            []string{"cra/annex-i/part-i/2/m", "cra/annex-ii/8/d"},
			Basis:             checks.BasisCRA,
			NotApplicableWhen: partIWhereApplicable,
		},
		{
			Slug:     "risk-assessment",
			Title:    "Cybersecurity risk assessment",
			Question: "Is there a written cybersecurity risk assessment of the product that says how each Annex I Part I requirement applies, kept up to date?",
			MapsTo:   []string{"cra/annex-vii/3", "cra/annex-i/part-i/1", "cra/annex-i/part-i/2"},
			Basis:    checks.BasisCRA,
		},
	}
}
