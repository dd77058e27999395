package verifiercheck

import (
	"testing"

	"github.com/craudit/craudit/evidence/transcript"
)

// TestDeclaredRunUptane: an Uptane run counts when both of its
// repositories (the Director alone in a partial verification) lie at or
// below a declared URL, on whole path segments; any other profile's
// repository must be a declared URL itself.
func TestDeclaredRunUptane(t *testing.T) {
	decl := []string{"https://updates.example/st100"}
	for _, tc := range []struct {
		profile         transcript.Profile
		director, image string
		want            bool
	}{
		{transcript.ProfileUptane, "https://updates.example/st100/uptane/director", "https://UPDATES.example:443/st100/uptane/image/", true},
		{transcript.ProfileUptane, "https://updates.example/st100", "https://updates.example/st100", true},
		{transcript.ProfileUptane, "https://updates.example/st100/uptane/director", "", true}, // partial: the Director alone
		{transcript.ProfileUptane, "https://other.example/st100/uptane/director", "", false},
		{transcript.ProfileUptane, "https://updates.example/st100/uptane/director", "https://evil.example/st100/uptane/image", false},
		{transcript.ProfileUptane, "https://updates.example/st1000/director", "https://updates.example/st100/image", false},
		{transcript.ProfileUptane, "http://updates.example/st100/director", "https://updates.example/st100/image", false},
		{transcript.ProfileTUF, "https://updates.example/st100/sub", "", false},
		{transcript.ProfileTUF, "https://updates.example/st100/", "", true},
	} {
		r := &transcript.Run{Profile: tc.profile, Repository: tc.director, ImageRepository: tc.image}
		if got := declaredRun(r, decl); got != tc.want {
			t.Errorf("%s %s + %s: %v, want %v", tc.profile, tc.director, tc.image, got, tc.want)
		}
	}
}

// TestUniqueSubjects: a step ID that recurs in one run (an Uptane run
// checks the transport of both repositories) gives distinct, stable
// finding subjects.
func TestUniqueSubjects(t *testing.T) {
	seen := map[string]int{}
	got := []string{unique(seen, "uptane:transport/scheme"), unique(seen, "uptane:transport/tls"), unique(seen, "uptane:transport/scheme"), unique(seen, "uptane:transport/scheme")}
	want := []string{"uptane:transport/scheme", "uptane:transport/tls", "uptane:transport/scheme#2", "uptane:transport/scheme#3"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %s, want %s", i, got[i], want[i])
		}
	}
}
