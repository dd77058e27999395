package tufattack

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
)

// A consistent-snapshot repository serves each target under every hash its
// metadata lists, as a conformant repository does: a client may pick any.
func TestTargetsServedUnderEveryListedHash(t *testing.T) {
	e := plan.NewEnv(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	_, base, err := start(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	h256, h512 := sha256.Sum256(e.A), sha512.Sum512(e.A)
	names := []string{"targets/" + plan.TargetName, "targets/" + hex.EncodeToString(h256[:]) + "." + plan.TargetName,
		"targets/" + hex.EncodeToString(h512[:]) + "." + plan.TargetName}
	for _, n := range names {
		if string(base.Files[n]) != string(e.A) {
			t.Errorf("%s is not served with the target's bytes", n)
		}
	}
	// A swapped target replaces every one of those names.
	replaceTarget(base.Files, plan.TargetName, e.X)
	for _, n := range names {
		if string(base.Files[n]) != string(e.X) {
			t.Errorf("%s was not replaced", n)
		}
	}
	if len(base.Files["metadata/timestamp.json"]) == 0 || string(base.Files["metadata/timestamp.json"]) == string(e.X) {
		t.Error("replaceTarget touched metadata")
	}
}

func TestReplaceTargetLeavesOtherFiles(t *testing.T) {
	files := map[string][]byte{
		"targets/a/fw.bin":          []byte("1"),
		"targets/a/abcd01.fw.bin":   []byte("1"),
		"targets/a/notHex!.fw.bin":  []byte("keep"),
		"targets/b/abcd01.fw.bin":   []byte("keep"),
		"targets/a/abcd01.fw.bin.x": []byte("keep"),
		"targets/a/.fw.bin":         []byte("keep"),
	}
	replaceTarget(files, "a/fw.bin", []byte("2"))
	for k, v := range files {
		want := "keep"
		if k == "targets/a/fw.bin" || k == "targets/a/abcd01.fw.bin" {
			want = "2"
		}
		if string(v) != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
}
