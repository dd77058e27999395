package attack

import (
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/uptaneattack"
	"github.com/craudit/craudit/evidence/attackrun"
)

// ProfileUptane drives an Uptane Primary (the uptane-client protocol).
const ProfileUptane = attackrun.ProfileUptane

// uptaneScenarios is the Uptane profile's catalogue: a Director and an
// Image repository served side by side to a Primary provisioned as a unit
// of two ECUs. Mirrors names the clause of the Uptane Standard 2.1 (section
// 5.4.4, the Primary's full verification) each follows.
func uptaneScenarios() []Scenario {
	const std = "Uptane Standard 2.1 "
	d, i := uptaneattack.DirectorPrefix, uptaneattack.ImagePrefix
	return withProfile(ProfileUptane, []Scenario{
		{ID: "attack/uptane-valid-update", Title: "The Director assigns the valid update to the main controller; the Image repository lists it", Step: 5, Control: CtlUpdate, Expect: attackrun.Accept,
			Mirrors: std + "5.4.4.2 full verification (steps 1-10)", build: uptaneattack.ValidUpdate},
		{ID: "attack/uptane-director-freeze-timestamp", Title: "The Director's timestamp has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.4 (timestamp expiry; freeze attack)", build: uptaneattack.DirectorFreeze(metadata.TIMESTAMP)},
		{ID: "attack/uptane-director-freeze-targets", Title: "The Director's targets metadata has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 5 (targets expiry; freeze attack)", build: uptaneattack.DirectorFreeze(metadata.TARGETS)},
		{ID: "attack/uptane-director-replay", Title: "The Director's older, still valid metadata is replayed, assigning an older release", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.4 and 5.4.4.6 step 4 (versions must not decrease; replay attack)", build: uptaneattack.DirectorReplay},
		{ID: "attack/uptane-director-rollback-targets", Title: "A new Director snapshot lists an older targets version", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 4 (targets version must not decrease; rollback attack)", build: uptaneattack.DirectorRollbackTargets},
		{ID: "attack/uptane-director-other-vehicle", Title: "Director targets made for another unit (both its ECU serials)", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 5 / 5.4.4.6 (every ECU the Director names is one of this vehicle's)", build: uptaneattack.ForECU(uptaneattack.Other, uptaneattack.OtherWiFi)},
		{ID: "attack/uptane-director-other-ecu-serial", Title: "The Director assigns an image to an ECU serial this unit does not have", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 5 (ECU identifiers; image for another ECU)", build: uptaneattack.ForECU(uptaneattack.Other)},
		{ID: "attack/uptane-director-wrong-hardware-id", Title: "The Director assigns the Wi-Fi module's image to the main controller's serial", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10 and 5.4.4.1 (hardware identifier must be the ECU's)", build: uptaneattack.ForECU(uptaneattack.ECU{Serial: uptaneattack.Main.Serial, HardwareID: uptaneattack.WiFi.HardwareID})},
		{ID: "attack/uptane-director-delegations", Title: "The Director's targets delegate to a role listing the attacker's image", Step: 5, Control: CtlDelegation, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 6 (the Director's targets have no delegations)", build: uptaneattack.DirectorDelegations},
		{ID: "attack/uptane-director-repeated-ecu", Title: "Two Director targets name the main controller", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 7 (each ECU identifier at most once)", build: uptaneattack.DirectorRepeatedECU},
		{ID: "attack/uptane-director-untrusted-key", Title: "The Director's targets are signed by a key its root does not list", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 3 (signatures by the Director root's targets keys)", build: uptaneattack.DirectorUntrustedKey},
		{ID: "attack/uptane-director-bad-signature", Title: "The Director's targets carry a signature that does not verify", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 3 (arbitrary software attack)", build: uptaneattack.DirectorBadSignature},
		{ID: "attack/uptane-director-below-threshold", Title: "The Director's targets carry one signature where its root requires two", Step: 5, Control: CtlThreshold, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 3 (threshold of signatures)", build: uptaneattack.DirectorBelowThreshold},
		{ID: "attack/uptane-director-root-rotation", Title: "The Director's root rotates its root and targets keys, signed by old and new root keys", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Accept,
			Mirrors: std + "5.4.4.3 (root chain: thresholds of the old and the new root)", build: uptaneattack.DirectorRootRotation},
		{ID: "attack/uptane-mix-and-match-hashes", Title: "The Director names the attacker's image (same length, other hashes) under the name the Image repository lists the update", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10.2.1 (Director and Image hashes are the same; mix-and-match attack)", build: uptaneattack.MixAndMatch("hashes")},
		{ID: "attack/uptane-mix-and-match-length", Title: "The Director names a longer image than the Image repository lists", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10.2.1 (Director and Image lengths are the same)", build: uptaneattack.MixAndMatch("length")},
		{ID: "attack/uptane-image-missing", Title: "The Director assigns an image the Image repository does not list", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10.1 (the image is found in the Image repository; compromised Director)", build: uptaneattack.ImageMissing},
		{ID: "attack/uptane-custom-release-counter-mismatch", Title: "Director and Image list the same image with different release counters", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10.2.2 (\"SHALL match\" custom metadata)", build: uptaneattack.CounterMismatch},
		{ID: "attack/uptane-image-hardware-id-mismatch", Title: "The Image repository lists the assigned image for the Wi-Fi module's hardware only", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10.2.2 (hardware identifier matches)", build: uptaneattack.ImageHardwareMismatch},
		{ID: "attack/uptane-release-counter-rollback", Title: "Both repositories, validly signed and newer, assign an older release with a lower release counter", Step: 5, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 step 10.2.3 (release counter must not decrease)", build: uptaneattack.CounterRollback},
		{ID: "attack/uptane-image-untrusted-key", Title: "A compromised Director assigns the attacker's image; the Image targets listing it are signed by an unknown key", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 3 on the Image repository (compromised Director online key)", build: uptaneattack.ImageUntrustedKey},
		{ID: "attack/uptane-image-freeze-timestamp", Title: "The Image repository's timestamp has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.4 on the Image repository (freeze attack)", build: uptaneattack.ImageFreeze(metadata.TIMESTAMP)},
		{ID: "attack/uptane-image-freeze-targets", Title: "The Image repository's targets metadata has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.6 step 5 on the Image repository (freeze attack)", build: uptaneattack.ImageFreeze(metadata.TARGETS)},
		{ID: "attack/uptane-image-rollback-timestamp", Title: "The Image repository's older timestamp, snapshot and targets are replayed", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.4 on the Image repository (timestamp version must not decrease)", build: uptaneattack.ImageRollbackTimestamp},
		{ID: "attack/uptane-image-fast-forward-recovery", Title: "After the Image root rotates a fast-forwarded timestamp key, the Primary recovers and installs", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Accept,
			Mirrors: std + "5.4.4.3 and TUF 5.3.11 on the Image repository (fast-forward attack recovery)", build: uptaneattack.ImageFastForward},
		{ID: "attack/uptane-image-substituted", Title: "Both repositories list the update; the served image is the attacker's, of the same length", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: std + "5.4.4.2 (image hashes checked before install; arbitrary software attack)", build: uptaneattack.ImageSubstituted},
		{ID: "attack/uptane-director-slow-retrieval", Title: "The Director's targets metadata is dripped a byte at a time", Step: 3, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: std + "5.4.4.6 step 1 and the slow retrieval attack (Director)", build: uptaneattack.Misbehave(d, metadata.TARGETS, plan.Slow)},
		{ID: "attack/uptane-director-endless-data", Title: "The Director's targets metadata is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: std + "5.4.4.6 step 1 (download up to a bounded number of bytes; Director)", build: uptaneattack.Misbehave(d, metadata.TARGETS, plan.Endless)},
		{ID: "attack/uptane-image-slow-retrieval", Title: "The image is dripped a byte at a time", Step: 4, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: std + "5.4.4.2 and the slow retrieval attack (Image repository)", build: uptaneattack.Misbehave(i, "image", plan.Slow)},
		{ID: "attack/uptane-image-endless-data", Title: "The Image repository's targets metadata is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: std + "5.4.4.6 step 1 (bounded download; Image repository)", build: uptaneattack.Misbehave(i, metadata.TARGETS, plan.Endless)},
		{ID: "attack/uptane-image-endless-image", Title: "The image is an endless stream", Step: 4, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: std + "5.4.4.2 (length from the signed metadata; endless data attack)", build: uptaneattack.Misbehave(i, "image", plan.Endless)},
	})
}

// uptaneIntro heads the Uptane profile in docs/attack-scenarios.md.
const uptaneIntro = "The client is an Uptane Primary speaking the uptane-client protocol (docs/uptane.md) over plain http: " +
	"a Director (`director/`) and an Image repository (`image/`), each a TUF 1.0 repository with its own keys, " +
	"served side by side. The Primary is provisioned as a thermostat of two ECUs, the main controller " +
	"(`st100-main-0001`, hardware ID `st100-rev-b`) and the Wi-Fi module (`st100-wifi-0001`, `st100-wifi-a`), " +
	"with both initial roots; its baseline is release counter 2 on the main controller. Director targets carry " +
	"`ecu_serial`, `hardware_id` and `release_counter`, Image targets `hardware_ids` and `release_counter`. " +
	"Mirrors names the clause of the Uptane Standard 2.1 a secure Primary follows."
