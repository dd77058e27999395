package verifier

import "github.com/craudit/craudit/evidence/transcript"

// Profile is the kind of repository, as the transcript records it.
type Profile = transcript.Profile

// The repository profiles.
const (
	ProfileTUF      = transcript.ProfileTUF
	ProfileManifest = transcript.ProfileManifest
	ProfileUptane   = transcript.ProfileUptane
)
