package artefactcheck

import (
	"context"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/updaterconf"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/fixtures/minibundle"
)

func judge(t *testing.T, items []minibundle.Item) map[string]checks.Result {
	t.Helper()
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	r := checks.Run(context.Background(), Checks(), in, checks.RunOptions{})
	out := map[string]checks.Result{}
	for _, res := range r.Results {
		out[res.Check] = res
	}
	return out
}

const sum = "52d277bb1cad1eba7128abe4bdc7eb77f72e8e66583d97998508e4dc8f90cbc0"

func inspection(t *testing.T, mutate func(r *artefact.Report)) minibundle.Item {
	r := &artefact.Report{File: "update.raucb", Format: artefact.FormatRAUCPlain, Version: "1.0.1",
		Signature: artefact.Signature{Kind: "cms", Present: true, Valid: true, Trusted: true, Anchor: "ca",
			Chain: []artefact.Cert{{Subject: "CN=signer"}, {Subject: "CN=ca"}}},
		Images: []artefact.Image{{Name: "rootfs.img", Declared: sum, SHA256: sum, Size: 10}}}
	if mutate != nil {
		mutate(r)
	}
	r.Finish()
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return minibundle.Item{Path: bundle.ArtefactInspectionDir + "update.raucb.json", Role: bundle.RoleArtefactInspection, Body: b}
}

func config(t *testing.T, kind, text string) minibundle.Item {
	c, err := updaterconf.Parse(kind, "system.conf", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.JSON()
	return minibundle.Item{Path: bundle.UpdaterConfigDir + "system.conf.json", Role: bundle.RoleUpdaterConfig, Body: b}
}

const strictRAUC = "[system]\ncompatible=st100\nmax-bundle-download-size=104857600\n[keyring]\npath=/etc/rauc/ca.pem\ncheck-purpose=codesign\n[handlers]\npre-install=/usr/lib/rauc/no-downgrade\n"

func TestChecks(t *testing.T) {
	all := []string{IDSigned, IDSignerAnchor, IDImagesHashed, IDVersion, IDConfigKey, IDConfigPurpose, IDConfigRollbk, IDConfigLimits, IDConfigHTTPS}
	cases := []struct {
		name  string
		items func(t *testing.T) []minibundle.Item
		want  map[string]checks.Status
	}{
		{"no updater evidence", func(*testing.T) []minibundle.Item { return nil }, map[string]checks.Status{
			IDSigned: checks.NotApplicable, IDSignerAnchor: checks.NotApplicable, IDImagesHashed: checks.NotApplicable, IDVersion: checks.NotApplicable,
			IDConfigKey: checks.NotApplicable, IDConfigPurpose: checks.NotApplicable, IDConfigRollbk: checks.NotApplicable,
			IDConfigLimits: checks.NotApplicable, IDConfigHTTPS: checks.NotApplicable}},
		{"verified artefact, strict configuration", func(t *testing.T) []minibundle.Item {
			return []minibundle.Item{inspection(t, nil), config(t, "rauc", strictRAUC)}
		}, map[string]checks.Status{
			IDSigned: checks.Pass, IDSignerAnchor: checks.Pass, IDImagesHashed: checks.Pass,
			IDVersion:   checks.Missing, // release.yaml gives no previous_version: not evaluated, never a pass
			IDConfigKey: checks.Pass, IDConfigPurpose: checks.Pass, IDConfigRollbk: checks.Pass, IDConfigLimits: checks.Pass,
			IDConfigHTTPS: checks.NotApplicable}},
		{"unsigned artefact, no configuration", func(t *testing.T) []minibundle.Item {
			return []minibundle.Item{inspection(t, func(r *artefact.Report) { r.Signature = artefact.Signature{Kind: "none"} })}
		}, map[string]checks.Status{
			IDSigned: checks.Fail, IDSignerAnchor: checks.Fail, IDImagesHashed: checks.Pass, IDVersion: checks.Missing,
			IDConfigKey: checks.Missing, IDConfigPurpose: checks.Missing, IDConfigRollbk: checks.Missing, IDConfigLimits: checks.Missing, IDConfigHTTPS: checks.Missing}},
		{"no anchor declared, image tampered, bare configuration", func(t *testing.T) []minibundle.Item {
			return []minibundle.Item{inspection(t, func(r *artefact.Report) {
				r.Signature.Trusted, r.Signature.Anchor = false, ""
				r.Images[0].SHA256 = "00" + sum[2:]
			}), config(t, "rauc", "[system]\ncompatible=st100\n")}
		}, map[string]checks.Status{
			IDSigned: checks.Pass, IDSignerAnchor: checks.Missing, IDImagesHashed: checks.Fail, IDVersion: checks.Missing,
			IDConfigKey: checks.Fail, IDConfigPurpose: checks.Fail, IDConfigRollbk: checks.Fail, IDConfigLimits: checks.Missing, IDConfigHTTPS: checks.NotApplicable}},
		{"untrusted signer, mender over http", func(t *testing.T) []minibundle.Item {
			return []minibundle.Item{inspection(t, func(r *artefact.Report) {
				r.Signature.Trusted = false
				r.Add("signature-untrusted", "signer does not chain")
			}), config(t, "mender", `{"ServerURL": "http://updates.example", "ArtifactVerifyKey": "/etc/k.pem"}`)}
		}, map[string]checks.Status{
			IDSigned: checks.Pass, IDSignerAnchor: checks.Fail, IDImagesHashed: checks.Pass, IDVersion: checks.Missing,
			IDConfigKey: checks.Pass, IDConfigPurpose: checks.NotApplicable, IDConfigRollbk: checks.Fail, IDConfigLimits: checks.NotApplicable, IDConfigHTTPS: checks.Fail}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := judge(t, c.items(t))
			for _, id := range all {
				if got[id].Status != c.want[id] {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, c.want[id])
				}
			}
		})
	}
}

func TestCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
		ok   bool
	}{
		{"1.10.0", "1.9.2", 1, true}, {"1.0", "1.0.1", -1, true}, {"2.0.1", "2.0.1", 0, true},
		{"rel-2", "rel-10", -1, true}, {"1.0.0-rc1", "1.0.0-rc2", -1, true}, {"stable", "beta", 0, false},
	} {
		got, ok := Compare(c.a, c.b)
		if got != c.want || ok != c.ok {
			t.Errorf("Compare(%q, %q) = %d, %t; want %d, %t", c.a, c.b, got, ok, c.want, c.ok)
		}
	}
}
