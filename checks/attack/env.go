package attack

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"time"
)

// env is what scenario builders share in one run.
type env struct {
	ref time.Time
	// a is the baseline release's file, b the valid update, x the
	// attacker's; b and x have the same length.
	a, b, x []byte
}

// contentSize makes targets large enough that a slow drip of them outlasts
// any reasonable deadline.
const contentSize = 8 << 10

func newEnv(ref time.Time) *env {
	return &env{ref: ref, a: filler("release 1.0.0 (baseline)"), b: filler("release 1.0.1 (valid update)"), x: filler("ATTACKER PAYLOAD 6.6.6")}
}

// filler is deterministic content of contentSize bytes.
func filler(label string) []byte {
	out := make([]byte, 0, contentSize)
	for i := 0; len(out) < contentSize; i++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", label, i)))
		out = append(out, fmt.Sprintf("%s block %d %x\n", label, i, h[:8])...)
	}
	return out[:contentSize]
}

// Catalogue lists every scenario, TUF first, in a stable order.
func Catalogue() []Scenario {
	return slices.Concat(tufScenarios(), manifestScenarios())
}

func withProfile(p Profile, s []Scenario) []Scenario {
	for i := range s {
		s[i].Profile = p
	}
	return s
}
