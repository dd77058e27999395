package uptaneattack

import (
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/attack/plan"
)

// Entry is one Uptane scenario as checks/attack's catalogue lists it (as
// attack/uptane-NAME): Control is one of the catalogue's control names,
// Accept says a secure Primary installs the update (else it refuses).
type Entry struct {
	Name, Title, Control, Mirrors string
	Step                          int
	Accept, Hang                  bool
	Build                         plan.Builder
}

// Catalogue is the Uptane profile's scenarios, in order: a Director and an
// Image repository served side by side to a Primary provisioned as Unit.
// Mirrors names the clause of the Uptane Standard 2.1 (section 5.4.4, the
// Primary's full verification) each follows.
func Catalogue() []Entry {
	const std = "Uptane Standard 2.1 "
	d, i := DirectorPrefix, ImagePrefix
	return []Entry{
		{Name: "valid-update", Title: "The Director assigns the valid update to the main controller; the Image repository lists it", Step: 5, Control: "update", Accept: true,
			Mirrors: std + "5.4.4.2 full verification (steps 1-10)", Build: ValidUpdate},
		{Name: "director-freeze-timestamp", Title: "The Director's timestamp has expired", Step: 3, Control: "freshness",
			Mirrors: std + "5.4.4.4 (timestamp expiry; freeze attack)", Build: DirectorFreeze(metadata.TIMESTAMP)},
		{Name: "director-freeze-targets", Title: "The Director's targets metadata has expired", Step: 3, Control: "freshness",
			Mirrors: std + "5.4.4.6 step 5 (targets expiry; freeze attack)", Build: DirectorFreeze(metadata.TARGETS)},
		{Name: "director-replay", Title: "The Director's older, still valid metadata is replayed, assigning an older release", Step: 3, Control: "rollback",
			Mirrors: std + "5.4.4.4 and 5.4.4.6 step 4 (versions must not decrease; replay attack)", Build: DirectorReplay},
		{Name: "director-rollback-targets", Title: "A new Director snapshot lists an older targets version", Step: 3, Control: "rollback",
			Mirrors: std + "5.4.4.6 step 4 (targets version must not decrease; rollback attack)", Build: DirectorRollbackTargets},
		{Name: "director-other-vehicle", Title: "Director targets made for another unit (both its ECU serials)", Step: 5, Control: "applicability",
			Mirrors: std + "5.4.4.2 step 5 / 5.4.4.6 (every ECU the Director names is one of this vehicle's)", Build: ForECU(Other, OtherWiFi)},
		{Name: "director-other-ecu-serial", Title: "The Director assigns an image to an ECU serial this unit does not have", Step: 5, Control: "applicability",
			Mirrors: std + "5.4.4.2 step 5 (ECU identifiers; image for another ECU)", Build: ForECU(Other)},
		{Name: "director-wrong-hardware-id", Title: "The Director assigns the Wi-Fi module's image to the main controller's serial", Step: 5, Control: "applicability",
			Mirrors: std + "5.4.4.2 step 10 and 5.4.4.1 (hardware identifier must be the ECU's)", Build: ForECU(ECU{Serial: Main.Serial, HardwareID: WiFi.HardwareID})},
		{Name: "director-delegations", Title: "The Director's targets delegate to a role listing the attacker's image", Step: 5, Control: "delegation",
			Mirrors: std + "5.4.4.6 step 6 (the Director's targets have no delegations)", Build: DirectorDelegations},
		{Name: "director-repeated-ecu", Title: "Two Director targets name the main controller", Step: 5, Control: "metadata-consistency",
			Mirrors: std + "5.4.4.6 step 7 (each ECU identifier at most once)", Build: DirectorRepeatedECU},
		{Name: "director-untrusted-key", Title: "The Director's targets are signed by a key its root does not list", Step: 5, Control: "signature",
			Mirrors: std + "5.4.4.6 step 3 (signatures by the Director root's targets keys)", Build: DirectorUntrustedKey},
		{Name: "director-bad-signature", Title: "The Director's targets carry a signature that does not verify", Step: 5, Control: "signature",
			Mirrors: std + "5.4.4.6 step 3 (arbitrary software attack)", Build: DirectorBadSignature},
		{Name: "director-below-threshold", Title: "The Director's targets carry one signature where its root requires two", Step: 5, Control: "signature-threshold",
			Mirrors: std + "5.4.4.6 step 3 (threshold of signatures)", Build: DirectorBelowThreshold},
		{Name: "director-root-rotation", Title: "The Director's root rotates its root and targets keys, signed by old and new root keys", Step: 3, Control: "key-rotation", Accept: true,
			Mirrors: std + "5.4.4.3 (root chain: thresholds of the old and the new root)", Build: DirectorRootRotation},
		{Name: "mix-and-match-hashes", Title: "The Director names the attacker's image (same length, other hashes) under the name the Image repository lists the update", Step: 5, Control: "metadata-consistency",
			Mirrors: std + "5.4.4.2 step 10.2.1 (Director and Image hashes are the same; mix-and-match attack)", Build: MixAndMatch("hashes")},
		{Name: "mix-and-match-length", Title: "The Director names a longer image than the Image repository lists", Step: 5, Control: "metadata-consistency",
			Mirrors: std + "5.4.4.2 step 10.2.1 (Director and Image lengths are the same)", Build: MixAndMatch("length")},
		{Name: "image-missing", Title: "The Director assigns an image the Image repository does not list", Step: 5, Control: "metadata-consistency",
			Mirrors: std + "5.4.4.2 step 10.1 (the image is found in the Image repository; compromised Director)", Build: ImageMissing},
		{Name: "custom-release-counter-mismatch", Title: "Director and Image list the same image with different release counters", Step: 5, Control: "metadata-consistency",
			Mirrors: std + "5.4.4.2 step 10.2.2 (\"SHALL match\" custom metadata)", Build: CounterMismatch},
		{Name: "image-hardware-id-mismatch", Title: "The Image repository lists the assigned image for the Wi-Fi module's hardware only", Step: 5, Control: "applicability",
			Mirrors: std + "5.4.4.2 step 10.2.2 (hardware identifier matches)", Build: ImageHardwareMismatch},
		{Name: "release-counter-rollback", Title: "Both repositories, validly signed and newer, assign an older release with a lower release counter", Step: 5, Control: "rollback",
			Mirrors: std + "5.4.4.2 step 10.2.3 (release counter must not decrease)", Build: CounterRollback},
		{Name: "image-untrusted-key", Title: "A compromised Director assigns the attacker's image; the Image targets listing it are signed by an unknown key", Step: 5, Control: "signature",
			Mirrors: std + "5.4.4.6 step 3 on the Image repository (compromised Director online key)", Build: ImageUntrustedKey},
		{Name: "image-freeze-timestamp", Title: "The Image repository's timestamp has expired", Step: 3, Control: "freshness",
			Mirrors: std + "5.4.4.4 on the Image repository (freeze attack)", Build: ImageFreeze(metadata.TIMESTAMP)},
		{Name: "image-freeze-targets", Title: "The Image repository's targets metadata has expired", Step: 3, Control: "freshness",
			Mirrors: std + "5.4.4.6 step 5 on the Image repository (freeze attack)", Build: ImageFreeze(metadata.TARGETS)},
		{Name: "image-rollback-timestamp", Title: "The Image repository's older timestamp, snapshot and targets are replayed", Step: 3, Control: "rollback",
			Mirrors: std + "5.4.4.4 on the Image repository (timestamp version must not decrease)", Build: ImageRollbackTimestamp},
		{Name: "image-fast-forward-recovery", Title: "After the Image root rotates a fast-forwarded timestamp key, the Primary recovers and installs", Step: 3, Control: "key-rotation", Accept: true,
			Mirrors: std + "5.4.4.3 and TUF 5.3.11 on the Image repository (fast-forward attack recovery)", Build: ImageFastForward},
		{Name: "image-substituted", Title: "Both repositories list the update; the served image is the attacker's, of the same length", Step: 5, Control: "integrity",
			Mirrors: std + "5.4.4.2 (image hashes checked before install; arbitrary software attack)", Build: ImageSubstituted},
		{Name: "director-slow-retrieval", Title: "The Director's targets metadata is dripped a byte at a time", Step: 3, Control: "slow-retrieval", Hang: true,
			Mirrors: std + "5.4.4.6 step 1 and the slow retrieval attack (Director)", Build: Misbehave(d, metadata.TARGETS, plan.Slow)},
		{Name: "director-endless-data", Title: "The Director's targets metadata is an endless stream", Step: 3, Control: "endless-data", Hang: true,
			Mirrors: std + "5.4.4.6 step 1 (download up to a bounded number of bytes; Director)", Build: Misbehave(d, metadata.TARGETS, plan.Endless)},
		{Name: "image-slow-retrieval", Title: "The image is dripped a byte at a time", Step: 4, Control: "slow-retrieval", Hang: true,
			Mirrors: std + "5.4.4.2 and the slow retrieval attack (Image repository)", Build: Misbehave(i, "image", plan.Slow)},
		{Name: "image-endless-data", Title: "The Image repository's targets metadata is an endless stream", Step: 3, Control: "endless-data", Hang: true,
			Mirrors: std + "5.4.4.6 step 1 (bounded download; Image repository)", Build: Misbehave(i, metadata.TARGETS, plan.Endless)},
		{Name: "image-endless-image", Title: "The image is an endless stream", Step: 4, Control: "endless-data", Hang: true,
			Mirrors: std + "5.4.4.2 (length from the signed metadata; endless data attack)", Build: Misbehave(i, "image", plan.Endless)},
	}
}

// Intro heads the Uptane profile in docs/attack-scenarios.md.
const Intro = "The client is an Uptane Primary speaking the uptane-client protocol (docs/uptane.md) over plain http: " +
	"a Director (`director/`) and an Image repository (`image/`), each a TUF 1.0 repository with its own keys, " +
	"served side by side. The Primary is provisioned as a thermostat of two ECUs, the main controller " +
	"(`st100-main-0001`, hardware ID `st100-rev-b`) and the Wi-Fi module (`st100-wifi-0001`, `st100-wifi-a`), " +
	"with both initial roots; its baseline is release counter 2 on the main controller. Director targets carry " +
	"`ecu_serial`, `hardware_id` and `release_counter`, Image targets `hardware_ids` and `release_counter`. " +
	"Mirrors names the clause of the Uptane Standard 2.1 a secure Primary follows."
