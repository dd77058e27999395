package pack

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/artefacttest"
	"github.com/craudit/craudit/evidence/artefact/updaterconf"
	"github.com/craudit/craudit/evidence/bundle"
)

func TestBundleRecordsUpdaterEvidence(t *testing.T) {
	in := newInputs(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	m, err := artefacttest.Mender(k, "1.0.1", false)
	if err != nil {
		t.Fatal(err)
	}
	art := put(t, in.dir, "fw/update.mender", m)
	put(t, in.dir, "keys/mender.pub", artefacttest.PublicPEM(k))
	prod, _ := os.ReadFile(in.product)
	prod = []byte(strings.Replace(string(prod), "\nupdates:\n", "\nupdates:\n  artefact_trust:\n    key: keys/mender.pub\n", 1))
	if err := os.WriteFile(in.product, prod, 0o644); err != nil {
		t.Fatal(err)
	}
	conf := put(t, in.dir, "mender.conf", []byte(`{"ServerURL": "https://updates.example", "ArtifactVerifyKey": "/etc/mender/k.pem"}`))
	o := in.options(filepath.Join(t.TempDir(), "bundle"))
	o.Artefacts = append(o.Artefacts, art)
	o.UpdaterConfigs = []string{"mender:" + conf}
	if _, err := Bundle(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(o.Out, bundle.VerifyOptions{Root: in.root.Public(), At: created})
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]string{}
	for _, it := range b.Index.Items {
		items[it.Path] = it.Role
	}
	for p, role := range map[string]string{
		"artefact-inspection/update.mender.json": bundle.RoleArtefactInspection,
		"keys/artefact-trust/mender.pub":         bundle.RoleArtefactTrust,
		"updater-config/mender.conf":             bundle.RoleUpdaterConfigFile,
		"updater-config/mender.conf.json":        bundle.RoleUpdaterConfig,
	} {
		if items[p] != role {
			t.Errorf("%s: role %q, want %q", p, items[p], role)
		}
	}
	if _, ok := items["artefact-inspection/firmware.tar.json"]; ok {
		t.Error("a plain tar was inspected as an updater artefact")
	}
	data, err := b.Read("artefact-inspection/update.mender.json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := artefact.Decode(data)
	if err != nil || !rep.Verified || rep.File != "update.mender" || rep.Signature.Anchor != "key" || rep.Version != "1.0.1" {
		t.Fatalf("inspection: %v %+v", err, rep)
	}
	cd, _ := b.Read("updater-config/mender.conf.json")
	if c, err := updaterconf.Decode(cd); err != nil || c.Tool != "mender" || len(c.VerifyKey) != 1 {
		t.Fatalf("config record: %v %+v", err, c)
	}
}

func TestBundleRefusesABadUpdaterConfig(t *testing.T) {
	in := newInputs(t)
	conf := put(t, in.dir, "system.conf", []byte("compatible=x\n"))
	o := in.options(filepath.Join(t.TempDir(), "bundle"))
	o.UpdaterConfigs = []string{"rauc:" + conf}
	_, err := Bundle(context.Background(), o)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "system.conf") {
		t.Fatalf("want an InputError naming system.conf, got %v", err)
	}
	if _, err := os.Stat(o.Out); !os.IsNotExist(err) {
		t.Fatal("a bundle was left behind")
	}
}
