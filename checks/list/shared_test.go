package list

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/fixtures/minibundle"
)

// Decoders are handed the bundle's own verified bytes (bundle.ReadShared,
// no copy): after every check has run, each item's bytes must still hash
// to the signed index, or a decoder modified the evidence later checks read.
func TestChecksLeaveVerifiedBytesIntact(t *testing.T) {
	sbomDoc, err := os.ReadFile(filepath.Join("..", "..", "evidence", "sbom", "testdata", "bsi-cdx16.json"))
	if err != nil {
		t.Fatal(err)
	}
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{Items: []minibundle.Item{
		{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: sbomDoc},
	}})
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	if _, err := in.SBOM(); err != nil {
		t.Fatalf("the SBOM is not read: %v", err)
	}
	r := checks.Run(context.Background(), All(), in, checks.RunOptions{})
	if len(r.Results) == 0 {
		t.Fatal("no results")
	}
	for _, it := range b.Index.Items {
		data, err := b.Read(it.Path)
		if err != nil {
			continue // refused for a reason of its own; not kept
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != it.SHA256 {
			t.Errorf("%s: its verified bytes were modified while judging", it.Path)
		}
	}
}
