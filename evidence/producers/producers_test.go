package producers

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/pack"
	"github.com/craudit/craudit/evidence/product"
)

func TestEveryProducerIsSet(t *testing.T) {
	for name, p := range map[string]pack.Producers{
		"Default":  Default(Tool{Name: "craudit", Version: "1.2.3"}),
		"Prepared": Prepared(context.Background(), Tool{Name: "craudit", Version: "1.2.3"}),
	} {
		if p.SBOM == nil || p.ImportSBOM == nil || p.Scan == nil || p.NotScanned == nil || p.Provenance == nil || p.CheckImportedProvenance == nil {
			t.Errorf("%s leaves a producer unset: %+v", name, p)
		}
	}
}

func TestStepProvenanceNamesTheTool(t *testing.T) {
	signer, err := keys.FromSeed(keys.Ed25519, []byte("producers-test"))
	if err != nil {
		t.Fatal(err)
	}
	p := Default(Tool{Name: "craudit", Version: "1.2.3"})
	arts := []pack.Artefact{{Name: "fw.tar", Item: bundle.Item{Path: "artefacts/fw.tar", SHA256: strings.Repeat("a1", 32), SHA512: strings.Repeat("b2", 64)}}}
	line, err := p.Provenance(arts, []bundle.Item{{Path: "release.yaml", SHA256: strings.Repeat("c3", 32)}}, signer, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Payload string `json:"payload"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(line), &env); err != nil {
		t.Fatal(err)
	}
	stmt, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"https://craudit.dev/builder/craudit@1.2.3"`, `"artefacts/fw.tar"`, `"release.yaml"`} {
		if !bytes.Contains(stmt, []byte(want)) {
			t.Errorf("statement lacks %s:\n%s", want, stmt)
		}
	}
}

func TestImportAndNotScanned(t *testing.T) {
	p := Default(Tool{Name: "craudit", Version: "1.2.3"})
	if _, err := p.ImportSBOM([]byte("not an SBOM"), "x.json"); err == nil {
		t.Error("garbage imported as an SBOM")
	}
	out, err := p.ImportSBOM([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: t"]},"packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1"}]}`), "x.spdx.json")
	if err != nil || !bytes.Contains(out, []byte(`"specVersion": "1.6"`)) {
		t.Errorf("SPDX not converted to CycloneDX 1.6: %v\n%s", err, out)
	}
	b, err := p.NotScanned("no --osv-db given")
	if err != nil || !bytes.Contains(b, []byte("no --osv-db given")) {
		t.Errorf("NotScanned: %v %s", err, b)
	}
	if err := p.CheckImportedProvenance([]byte("{"), "x.jsonl", ""); err == nil {
		t.Error("unparsable provenance accepted")
	}
}

func TestReleasePURL(t *testing.T) {
	var p product.Product
	r := &product.Release{Version: "1.0.1"}
	if got := releasePURL(&p, r); got != "" {
		t.Errorf("no purl: %q", got)
	}
	p.Product.PURL = "pkg:generic/acme/thermostat"
	if got := releasePURL(&p, r); got != "pkg:generic/acme/thermostat@1.0.1" {
		t.Errorf("purl %q", got)
	}
}
