package attack

import (
	"slices"

	"github.com/craudit/craudit/checks/attack/manifestattack"
	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/tufattack"
	"github.com/craudit/craudit/evidence/attackrun"
)

// Catalogue lists every scenario, profile by profile in the order of the
// profiles list, in a stable order.
func Catalogue() []Scenario {
	var out []Scenario
	for _, p := range profiles {
		out = slices.Concat(out, p.Scenarios())
	}
	return out
}

func withProfile(p Profile, s []Scenario) []Scenario {
	for i := range s {
		s[i].Profile = p
	}
	return s
}

// tufScenarios is the TUF profile's catalogue. Mirrors names the attack of
// the TUF specification and the python-tuf / tuf-conformance test it follows.
func tufScenarios() []Scenario {
	return withProfile(ProfileTUF, []Scenario{
		{ID: "attack/tuf-valid-update", Title: "A valid update is installed", Step: 5, Control: CtlUpdate, Expect: attackrun.Accept,
			Mirrors: "baseline update (tuf-conformance init, refresh and download)", build: tufattack.ValidUpdate},
		{ID: "attack/tuf-arbitrary-software-bad-signature", Title: "Targets metadata listing the attacker's file with a broken signature", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "TUF arbitrary software attack: signature that does not verify (spec 5.6.3)", build: tufattack.BadSignature},
		{ID: "attack/tuf-arbitrary-software-untrusted-key", Title: "Targets metadata signed by a key the root does not trust", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "TUF arbitrary software attack: signer not among the role's keys (spec 5.6.3)", build: tufattack.UntrustedKey},
		{ID: "attack/tuf-arbitrary-software-below-threshold", Title: "Targets metadata signed by one key where the root requires two", Step: 5, Control: CtlThreshold, Expect: attackrun.Reject,
			Mirrors: "TUF vulnerability to key compromise: fewer keys than the threshold (spec 5.6.3)", build: tufattack.BelowThreshold},
		{ID: "attack/tuf-arbitrary-software-duplicate-keys", Title: "One key listed under two key IDs, its signature counted twice", Step: 5, Control: CtlThreshold, Expect: attackrun.Reject,
			Mirrors: "TUF threshold: one key counted twice under two key IDs (python-tuf and go-tuf count distinct keys)", build: tufattack.DuplicateKeys},
		{ID: "attack/tuf-rollback-timestamp", Title: "An older, validly signed timestamp is replayed", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "TUF rollback attack (tuf-conformance test_new_timestamp_version_rollback; spec 5.4.3)", build: tufattack.RollbackTimestamp},
		{ID: "attack/tuf-rollback-snapshot", Title: "A new timestamp points at an older snapshot", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "TUF rollback attack on the snapshot (spec 5.4.3: snapshot version in the timestamp must not decrease)", build: tufattack.RollbackSnapshot},
		{ID: "attack/tuf-rollback-targets", Title: "A new snapshot lists an older targets version", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "TUF rollback attack on targets (spec 5.5.5)", build: tufattack.RollbackTargets},
		{ID: "attack/tuf-fast-forward-recovery", Title: "After a timestamp key rotation the client recovers from a fast-forwarded version", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Accept,
			Mirrors: "TUF fast-forward attack recovery after key rotation (spec 5.3.11)", build: tufattack.FastForward},
		{ID: "attack/tuf-freeze-timestamp", Title: "The timestamp has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack (spec 5.4.4)", build: tufattack.Freeze(tufattack.Timestamp)},
		{ID: "attack/tuf-freeze-snapshot", Title: "The snapshot has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack (spec 5.5.6)", build: tufattack.Freeze(tufattack.Snapshot)},
		{ID: "attack/tuf-freeze-targets", Title: "The targets metadata has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack (spec 5.6.5)", build: tufattack.Freeze(tufattack.Targets)},
		{ID: "attack/tuf-freeze-root", Title: "A new root is served that has already expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack on root (spec 5.3.10)", build: tufattack.Freeze(tufattack.Root)},
		{ID: "attack/tuf-freeze-local-root", Title: "The client's trusted root expired and no newer root is offered", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack on the trusted root (spec 5.3.10)", build: tufattack.FreezeLocalRoot},
		{ID: "attack/tuf-mix-and-match-snapshot-hash", Title: "The snapshot served differs from the one the timestamp hashes", Step: 3, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: snapshot hash (spec 5.5.2)", build: tufattack.MixSnapshot(false)},
		{ID: "attack/tuf-mix-and-match-snapshot-version", Title: "The snapshot served has another version than the timestamp names", Step: 3, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: snapshot version (spec 5.5.4)", build: tufattack.MixSnapshot(true)},
		{ID: "attack/tuf-mix-and-match-targets-hash", Title: "The targets metadata served differs from the one the snapshot hashes", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: targets hash (spec 5.6.2)", build: tufattack.MixTargets(false)},
		{ID: "attack/tuf-mix-and-match-targets-version", Title: "The targets metadata served has another version than the snapshot names", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: targets version (spec 5.6.4)", build: tufattack.MixTargets(true)},
		{ID: "attack/tuf-target-substituted", Title: "The target file is replaced by one of the same length", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF arbitrary software attack on the target file (spec 5.7)", build: tufattack.TargetSwap("substituted")},
		{ID: "attack/tuf-target-longer", Title: "The target file is served with extra bytes appended", Step: 4, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF endless data attack: more bytes than the signed length (spec 5.7)", build: tufattack.TargetSwap("longer")},
		{ID: "attack/tuf-target-shorter", Title: "The target file is served truncated", Step: 4, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF target integrity: fewer bytes than the signed length (spec 5.7)", build: tufattack.TargetSwap("shorter")},
		{ID: "attack/tuf-target-unknown-hash-algorithm", Title: "The target is listed only with a hash algorithm nobody implements", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF target integrity: an unverifiable hash must not pass (go-tuf and python-tuf refuse unknown algorithms)", build: tufattack.UnknownHash},
		{ID: "attack/tuf-endless-data-root", Title: "The next root version is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on root (bounded root size)", build: tufattack.Endless(tufattack.Root)},
		{ID: "attack/tuf-endless-data-timestamp", Title: "timestamp.json is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on timestamp (bounded timestamp size)", build: tufattack.Endless(tufattack.Timestamp)},
		{ID: "attack/tuf-endless-data-snapshot", Title: "The snapshot is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on snapshot (length from the timestamp)", build: tufattack.Endless(tufattack.Snapshot)},
		{ID: "attack/tuf-endless-data-targets", Title: "The targets metadata is an endless stream", Step: 5, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on targets (length from the snapshot)", build: tufattack.Endless(tufattack.Targets)},
		{ID: "attack/tuf-endless-data-target", Title: "The target file is an endless stream", Step: 4, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on a target (length from signed metadata)", build: tufattack.Endless(tufattack.Target)},
		{ID: "attack/tuf-slow-retrieval-timestamp", Title: "timestamp.json is dripped a byte at a time", Step: 3, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF slow retrieval attack", build: tufattack.Slow(tufattack.Timestamp)},
		{ID: "attack/tuf-slow-retrieval-target", Title: "The target file is dripped a byte at a time", Step: 4, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF slow retrieval attack", build: tufattack.Slow(tufattack.Target)},
		{ID: "attack/tuf-root-rotation", Title: "Root rotates its own and the targets key, signed by old and new root keys", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Accept,
			Mirrors: "TUF root rotation (spec 5.3.4-5.3.5: thresholds of the old and the new root)", build: tufattack.Rotation("good")},
		{ID: "attack/tuf-root-rotation-old-threshold-missing", Title: "A new root signed by its new keys only", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Reject,
			Mirrors: "TUF root rotation: previous root's threshold not reached (spec 5.3.4)", build: tufattack.Rotation("old")},
		{ID: "attack/tuf-root-rotation-new-threshold-missing", Title: "A new root signed by the old root key only", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Reject,
			Mirrors: "TUF root rotation: new root's own threshold not reached (spec 5.3.5)", build: tufattack.Rotation("new")},
		{ID: "attack/tuf-delegation-path-traversal", Title: "A delegated role named ../../escape: the update installs, nothing lands outside the client's folders", Step: 5, Control: CtlDelegation, Expect: attackrun.Accept,
			Mirrors: "path traversal through a delegated role name (file names from untrusted metadata)", build: tufattack.Traversal},
		{ID: "attack/tuf-delegation-terminating", Title: "A role after a terminating delegation lists the attacker's file", Step: 5, Control: CtlDelegation, Expect: attackrun.Reject,
			Mirrors: "TUF delegation: a terminating delegation ends the search (spec 5.6.7)", build: tufattack.Terminating},
	})
}

// manifestScenarios is the manifest profile's catalogue (ENISA root key ->
// vendor certificate -> signed manifest -> artefacts, over HTTPS).
func manifestScenarios() []Scenario {
	return withProfile(ProfileManifest, []Scenario{
		{ID: "attack/manifest-valid-update", Title: "A valid, newer release is installed", Step: 5, Control: CtlUpdate, Expect: attackrun.Accept,
			Mirrors: "baseline (tuf-conformance download)", build: manifestattack.Valid},
		{ID: "attack/manifest-bad-signature", Title: "The manifest lists the attacker's file under the vendor's old signature", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack (invalid signature)", build: manifestattack.BadSignature},
		{ID: "attack/manifest-untrusted-signing-key", Title: "The manifest is signed by a key other than the certified vendor key", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack (untrusted key)", build: manifestattack.UntrustedKey},
		{ID: "attack/manifest-vendor-key-not-certified", Title: "The vendor certificate is issued by a key other than the device's root key", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack (chain to an untrusted root)", build: manifestattack.Uncertified},
		{ID: "attack/manifest-vendor-cert-expired", Title: "The vendor certificate has expired", Step: 5, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "key compromise after revocation by expiry", build: manifestattack.Cert("expired")},
		{ID: "attack/manifest-vendor-cert-out-of-scope", Title: "The vendor certificate does not cover this product", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "TUF delegation scoping (a key signs only what it is delegated)", build: manifestattack.Cert("scope")},
		{ID: "attack/manifest-wrong-product", Title: "A validly signed manifest for another product", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: "Uptane director: image for another ECU", build: manifestattack.Applicability("product")},
		{ID: "attack/manifest-wrong-hardware", Title: "A validly signed manifest for other hardware", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: "Uptane director: image for another hardware ID", build: manifestattack.Applicability("hardware")},
		{ID: "attack/manifest-downgrade-signed", Title: "A validly signed older version (with a higher counter)", Step: 5, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "rollback attack (version)", build: manifestattack.Version("0.9.0", 5)},
		{ID: "attack/manifest-rollback-counter", Title: "A newer version whose rollback counter went down", Step: 5, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "rollback attack (monotonic counter)", build: manifestattack.Version("1.0.2", 0)},
		{ID: "attack/manifest-expired", Title: "The manifest has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "indefinite freeze attack", build: manifestattack.Expired},
		{ID: "attack/manifest-artefact-substituted", Title: "The artefact is replaced by one of the same length", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack on the payload (hash mismatch)", build: manifestattack.Substituted},
		{ID: "attack/manifest-tls-downgrade-http", Title: "manifest.json redirects to plain http", Step: 3, Control: CtlTransport, Expect: attackrun.Reject,
			Mirrors: "ENISA strong transport security (no insecure fallback)", build: manifestattack.Redirect("plain")},
		{ID: "attack/manifest-redirect-mirror-tampered", Title: "The artefact redirects to an https mirror serving a tampered file", Step: 4, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "ENISA separation of trust domains (mirror untrusted)", build: manifestattack.Redirect("mirror")},
		{ID: "attack/manifest-tls-untrusted-ca", Title: "The repository presents a certificate from a CA the device does not pin", Step: 3, Control: CtlTransport, Expect: attackrun.Reject,
			Mirrors: "ENISA trusted update source (DNS hijack, fake service)", build: manifestattack.Impostor},
		{ID: "attack/manifest-endless-data-manifest", Title: "manifest.json is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "endless data attack", build: manifestattack.Special("manifest.json", plan.Endless)},
		{ID: "attack/manifest-endless-data-artefact", Title: "The artefact is an endless stream", Step: 4, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "endless data attack", build: manifestattack.Special(manifestattack.ArtefactPath, plan.Endless)},
		{ID: "attack/manifest-slow-retrieval", Title: "The artefact is dripped a byte at a time", Step: 4, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "slow retrieval attack", build: manifestattack.Special(manifestattack.ArtefactPath, plan.Slow)},
	})
}
