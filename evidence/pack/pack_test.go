package pack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/fixtures/thermostat"
)

// created is deliberately not on a whole second and not UTC: Bundle stamps
// UTC seconds.
var created = time.Date(2026, 6, 1, 14, 30, 15, 999_000_000, time.FixedZone("CEST", 2*3600))

// inputs is a release folder with every input `craudit bundle` takes.
type inputs struct {
	dir                string
	root, vendor       *keys.PrivateKey
	product, release   string
	answers, cert      string
	artefacts          []string
	vex, prov, sbom    string
	trustedRoot        string
	transcript, attack string
	calls              *calls
}

// calls records what the producers were given.
type calls struct {
	sbomArts  []Artefact
	scanSBOM  []byte
	scanDB    string
	materials []string
	imported  string
	notScan   string
}

func newInputs(t *testing.T) *inputs {
	t.Helper()
	dir := t.TempDir()
	root, _ := keys.FromSeed(keys.ECDSAP256, []byte("pack-test-root"))
	vendor, _ := keys.FromSeed(keys.ECDSAP256, []byte("pack-test-vendor"))
	in := &inputs{dir: dir, root: root, vendor: vendor, calls: &calls{},
		product: put(t, dir, "product.yaml", thermostat.ProductYAML()),
		release: put(t, dir, "release.yaml", thermostat.ReleaseYAML(thermostat.Releases[1])),
		answers: put(t, dir, "answers.yaml", thermostat.AnswersYAML()),
		artefacts: []string{put(t, dir, "fw/firmware.tar", bytes.Repeat([]byte("firmware "), 5000)),
			put(t, dir, "fw/bootloader.bin", []byte("\x7fboot"))},
		vex:         put(t, dir, "fw.openvex.json", []byte(`{"@context":"https://openvex.dev/ns/v0.2.0"}`)),
		prov:        put(t, dir, "fw.intoto.jsonl", []byte(`{"payloadType":"application/vnd.in-toto+json"}`+"\n")),
		sbom:        put(t, dir, "vendor.spdx.json", []byte(`{"spdxVersion":"SPDX-2.3"}`)),
		trustedRoot: put(t, dir, "trusted_root.json", []byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`)),
		transcript:  put(t, dir, "transcript.json", []byte(`{"schema":"transcript"}`)),
		attack:      put(t, dir, "attack.json", []byte(`{"schema":"attack"}`)),
	}
	for p, body := range thermostat.EvidenceFiles {
		put(t, dir, p, []byte(body))
	}
	cert, sig, err := keys.Certify(root, vendor.Public(), keys.CertifyOptions{Scope: []string{thermostat.ProductID},
		NotBefore: created.AddDate(0, -1, 0), NotAfter: created.AddDate(1, 0, 0), Serial: "01"})
	if err != nil {
		t.Fatal(err)
	}
	in.cert = put(t, dir, "vendor.cert.json", cert)
	put(t, dir, "vendor.cert.json.sig", sig)
	return in
}

func put(t *testing.T, dir, rel string, body []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// producers are small real producers: their output is derived from their
// inputs, so the test sees what reached them.
func (in *inputs) producers() Producers {
	c := in.calls
	return Producers{
		SBOM: func(_ context.Context, arts []Artefact, p *product.Product, r *product.Release, at time.Time) ([]byte, error) {
			c.sbomArts = arts
			var names []string
			for _, a := range arts {
				names = append(names, a.Name)
			}
			return json.Marshal(map[string]any{"bomFormat": "CycloneDX", "subject": p.Product.ID + "@" + r.Version, "artefacts": names, "at": at})
		},
		ImportSBOM: func(data []byte, name string) ([]byte, error) {
			c.imported = name
			return []byte(`{"bomFormat":"CycloneDX","from":"` + name + `"}`), nil
		},
		Scan: func(_ context.Context, sbom []byte, db string) ([]byte, error) {
			c.scanSBOM, c.scanDB = sbom, db
			return []byte(`{"scanned":true}`), nil
		},
		NotScanned: func(reason string) ([]byte, error) {
			c.notScan = reason
			return json.Marshal(map[string]string{"not_scanned": reason})
		},
		Provenance: func(arts []Artefact, materials []bundle.Item, signer *keys.PrivateKey, at time.Time) ([]byte, error) {
			for _, m := range materials {
				c.materials = append(c.materials, m.Path)
			}
			return []byte(`{"statement":"bundling"}` + "\n"), nil
		},
		CheckImportedProvenance: func(data []byte, name, root string) error {
			if !bytes.HasPrefix(data, []byte(`{"payloadType"`)) {
				return errors.New("not a DSSE envelope")
			}
			return nil
		},
	}
}

// options are the inputs of a full run writing to out.
func (in *inputs) options(out string) Options {
	return Options{
		Product: in.product, Release: in.release, Answers: in.answers, Artefacts: in.artefacts,
		SigningKey: in.vendor, KeyCert: in.cert, VEX: []string{in.vex}, Provenance: []string{in.prov},
		TrustedRoot: in.trustedRoot, OSVDB: filepath.Join(in.dir, "osv-db"), Transcript: in.transcript,
		AttackResults: in.attack, Out: out, Created: created, Tool: bundle.Tool{Name: "craudit", Version: "test"},
		Make: in.producers(),
	}
}

func TestBundleWritesTheBundle(t *testing.T) {
	in := newInputs(t)
	out := filepath.Join(t.TempDir(), "bundle")
	idx, err := Bundle(context.Background(), in.options(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // path -> role
		"artefacts/firmware.tar":               bundle.RoleArtefact,
		"artefacts/bootloader.bin":             bundle.RoleArtefact,
		bundle.ManifestFile:                    bundle.RoleManifest,
		bundle.ManifestSig:                     bundle.RoleSignature,
		bundle.SignerKey:                       bundle.RoleSignerKey,
		bundle.VendorCert:                      bundle.RoleCertificate,
		bundle.VendorCertSig:                   bundle.RoleSignature,
		bundle.ProductFile:                     bundle.RoleProduct,
		bundle.ReleaseFile:                     bundle.RoleRelease,
		bundle.AnswersFile:                     bundle.RoleAnswers,
		bundle.SBOMFile:                        bundle.RoleSBOM,
		bundle.VulnsFile:                       bundle.RoleVulns,
		"vex/fw.openvex.json":                  bundle.RoleVEX,
		"provenance/fw.intoto.jsonl":           bundle.RoleProvenance,
		"provenance/craudit.intoto.jsonl":      bundle.RoleProvenance,
		bundle.SigstoreRoot:                    bundle.RoleSigstoreRoot,
		bundle.TranscriptFile:                  bundle.RoleTranscript,
		bundle.AttackFile:                      bundle.RoleAttackResults,
		"evidence/evidence/ab-slot-test.log":   bundle.RoleDeclEvidence,
		"evidence/evidence/risk-assessment.md": bundle.RoleDeclEvidence,
	}
	got := map[string]string{}
	for _, it := range idx.Items {
		got[it.Path] = it.Role
	}
	for p, role := range want {
		if got[p] != role {
			t.Errorf("%s: role %q, want %q", p, got[p], role)
		}
	}
	if n := len(idx.ByRole(bundle.RoleDeclEvidence)); n != len(thermostat.EvidenceFiles) {
		t.Errorf("%d declaration evidence files, want %d", n, len(thermostat.EvidenceFiles))
	}
	for p, mt := range map[string]string{"artefacts/firmware.tar": "application/x-tar", bundle.SBOMFile: "application/vnd.cyclonedx+json",
		"evidence/evidence/ab-slot-test.log": "text/plain", "artefacts/bootloader.bin": "application/octet-stream"} {
		if it, _ := idx.Item(p); it.MediaType != mt {
			t.Errorf("%s: media type %q, want %q", p, it.MediaType, mt)
		}
	}
	if !idx.Created.Equal(created.UTC().Truncate(time.Second)) || idx.Created.Location() != time.UTC {
		t.Errorf("created %v, want UTC seconds of %v", idx.Created, created)
	}
	if idx.Product.ID != thermostat.ProductID || idx.Release.Version != "1.0.1" || idx.Tool.Version != "test" {
		t.Errorf("index subject %+v %+v %+v", idx.Product, idx.Release, idx.Tool)
	}

	// The bundle verifies, and its files are the inputs' exact bytes.
	b, err := bundle.Open(out, bundle.VerifyOptions{Root: in.root.Public(), At: created})
	if err != nil {
		t.Fatal(err)
	}
	if !b.OK() {
		t.Fatalf("the new bundle does not verify: %v", b.Problems)
	}
	for p, src := range map[string]string{"artefacts/firmware.tar": in.artefacts[0], bundle.ProductFile: in.product,
		bundle.AnswersFile: in.answers, "vex/fw.openvex.json": in.vex, bundle.AttackFile: in.attack} {
		data, err := b.Read(p)
		orig, _ := os.ReadFile(src)
		if err != nil || !bytes.Equal(data, orig) {
			t.Errorf("%s is not the exact bytes of %s: %v", p, src, err)
		}
	}

	// The manifest binds every artefact and carries the release's fields.
	mb, _ := b.Read(bundle.ManifestFile)
	var m manifest.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Artefacts) != 2 || m.Version != "1.0.1" || m.RollbackCounter == nil || *m.RollbackCounter != 2 ||
		!m.Timestamp.Equal(idx.Created) || !m.Expires.Equal(idx.Created.Add(90*24*time.Hour)) {
		t.Fatalf("manifest %+v", m)
	}
	for _, a := range m.Artefacts {
		it, ok := idx.Item(bundle.ArtefactDir + a.Name)
		if !ok || a.Size != it.Size || a.SHA256 != it.SHA256 || a.SHA512 != it.SHA512 {
			t.Errorf("manifest artefact %+v, index item %+v", a, it)
		}
	}

	// What the producers were given.
	c := in.calls
	if len(c.sbomArts) != 2 || c.sbomArts[0].Name != "firmware.tar" || !strings.HasPrefix(c.sbomArts[0].Path, filepath.Dir(out)) {
		t.Errorf("the SBOM producer got %+v", c.sbomArts)
	}
	sbom, _ := b.Read(bundle.SBOMFile)
	if !bytes.Equal(c.scanSBOM, sbom) || c.scanDB != filepath.Join(in.dir, "osv-db") {
		t.Errorf("the scanner got another SBOM or database: %q", c.scanDB)
	}
	wantMaterials := []string{bundle.AnswersFile, bundle.ProductFile, bundle.ReleaseFile, bundle.SBOMFile, bundle.VulnsFile}
	if !slices.Equal(c.materials, wantMaterials) {
		t.Errorf("provenance materials %v, want %v", c.materials, wantMaterials)
	}
}

// TestBundleVariants: optional inputs and producers change what is written.
func TestBundleVariants(t *testing.T) {
	tests := []struct {
		name   string
		change func(in *inputs, o *Options)
		has    []string
		hasNot []string
		check  func(t *testing.T, in *inputs, b *bundle.Bundle)
	}{
		{"minimal", func(in *inputs, o *Options) {
			o.Answers, o.VEX, o.Provenance, o.TrustedRoot, o.OSVDB, o.Transcript, o.AttackResults = "", nil, nil, "", "", "", ""
			o.Make.Provenance = nil
		}, []string{bundle.SBOMFile, bundle.VulnsFile, bundle.ManifestFile},
			[]string{bundle.AnswersFile, bundle.SigstoreRoot, bundle.TranscriptFile, "provenance/craudit.intoto.jsonl"},
			func(t *testing.T, in *inputs, b *bundle.Bundle) {
				v, _ := b.Read(bundle.VulnsFile)
				if in.calls.scanSBOM != nil || !strings.Contains(in.calls.notScan, "--osv-db") || !bytes.Contains(v, []byte("not_scanned")) {
					t.Errorf("without --osv-db vulns.json must say why there was no scan: %s", v)
				}
			}},
		{"architecture description", func(in *inputs, o *Options) {
			put(t, in.dir, "product.yaml", thermostat.DemoProductYAML())
			put(t, in.dir, thermostat.ArchitectureFile, thermostat.ArchitectureMD())
		}, []string{bundle.ArchitectureFile}, nil,
			func(t *testing.T, in *inputs, b *bundle.Bundle) {
				got, _ := b.Read(bundle.ArchitectureFile)
				if !bytes.Equal(got, thermostat.ArchitectureMD()) || !b.Has(bundle.ArchitectureFile) {
					t.Errorf("the architecture description is not pinned as given: %q", got)
				}
				for _, it := range b.Index.Items {
					if it.Path == bundle.ArchitectureFile && it.Role != bundle.RoleArchitecture {
						t.Errorf("role %q, want %q", it.Role, bundle.RoleArchitecture)
					}
				}
			}},
		{"no scan and no NotScanned producer", func(in *inputs, o *Options) { o.OSVDB, o.Make.NotScanned = "", nil },
			nil, []string{bundle.VulnsFile}, nil},
		{"imported SBOM", func(in *inputs, o *Options) { o.SBOM = in.sbom },
			[]string{"imported/vendor.spdx.json", bundle.SBOMFile}, nil,
			func(t *testing.T, in *inputs, b *bundle.Bundle) {
				imp, _ := b.Read("imported/vendor.spdx.json")
				orig, _ := os.ReadFile(in.sbom)
				sbom, _ := b.Read(bundle.SBOMFile)
				if in.calls.sbomArts != nil || in.calls.imported != "vendor.spdx.json" || !bytes.Equal(imp, orig) || !bytes.Contains(sbom, []byte(`"from":"vendor.spdx.json"`)) {
					t.Error("an imported SBOM must be kept as given and converted, with no SBOM generated")
				}
			}},
		{"trusted root without provenance", func(in *inputs, o *Options) { o.Provenance = nil },
			nil, []string{bundle.SigstoreRoot, "provenance/fw.intoto.jsonl"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := newInputs(t)
			out := filepath.Join(t.TempDir(), "bundle")
			o := in.options(out)
			tc.change(in, &o)
			if _, err := Bundle(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			b, err := bundle.Open(out, bundle.VerifyOptions{Root: in.root.Public(), At: created})
			if err != nil {
				t.Fatal(err)
			}
			if !b.OK() {
				t.Fatalf("the bundle does not verify: %v", b.Problems)
			}
			for _, p := range tc.has {
				if _, ok := b.Index.Item(p); !ok {
					t.Errorf("%s missing", p)
				}
			}
			for _, p := range tc.hasNot {
				if _, ok := b.Index.Item(p); ok {
					t.Errorf("%s written", p)
				}
			}
			if tc.check != nil {
				tc.check(t, in, b)
			}
		})
	}
}

// TestBundleRefuses: bad input is refused with an error naming the file
// (an *InputError: `craudit bundle` exits 2 and prints it as one line), and
// nothing is left at the destination or beside it.
func TestBundleRefuses(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		change   func(t *testing.T, in *inputs, o *Options)
		wantPath func(in *inputs, o *Options) string // the *InputError's path; "" when not an input error
		wantText string
	}{
		{"no signing key", func(_ *testing.T, _ *inputs, o *Options) { o.SigningKey = nil }, nil, "signing key"},
		{"missing product", func(_ *testing.T, in *inputs, _ *Options) { os.Remove(in.product) }, func(in *inputs, _ *Options) string { return in.product }, ""},
		{"malformed product", func(t *testing.T, in *inputs, _ *Options) {
			put(t, in.dir, "product.yaml", []byte("manufacturer: [1, 2"))
		},
			func(in *inputs, _ *Options) string { return in.product }, ""},
		{"malformed release", func(t *testing.T, in *inputs, _ *Options) {
			put(t, in.dir, "release.yaml", []byte("version: {a: b}\n"))
		},
			func(in *inputs, _ *Options) string { return in.release }, ""},
		{"malformed answers", func(t *testing.T, in *inputs, _ *Options) {
			put(t, in.dir, "answers.yaml", []byte("declarations: 7\n"))
		},
			func(in *inputs, _ *Options) string { return in.answers }, ""},
		{"declaration evidence missing", func(_ *testing.T, in *inputs, _ *Options) {
			os.Remove(filepath.Join(in.dir, "evidence", "ab-slot-test.log"))
		},
			func(in *inputs, _ *Options) string { return in.answers }, "evidence/ab-slot-test.log"},
		{"certificate of another key", func(_ *testing.T, in *inputs, o *Options) {
			o.SigningKey, _ = keys.FromSeed(keys.ECDSAP256, []byte("someone else"))
		}, func(in *inputs, _ *Options) string { return in.cert }, "different key"},
		{"certificate signature missing", func(_ *testing.T, in *inputs, _ *Options) { os.Remove(in.cert + ".sig") },
			func(in *inputs, _ *Options) string { return in.cert + ".sig" }, ""},
		{"no artefact", func(_ *testing.T, _ *inputs, o *Options) { o.Artefacts = nil }, nil, "--artefact"},
		{"artefact missing", func(_ *testing.T, in *inputs, _ *Options) { os.Remove(in.artefacts[1]) },
			func(in *inputs, _ *Options) string { return in.artefacts[1] }, ""},
		{"artefact is a directory", func(_ *testing.T, in *inputs, o *Options) { o.Artefacts = append(o.Artefacts, in.dir) },
			func(in *inputs, _ *Options) string { return in.dir }, "regular file"},
		{"artefact is a symlink", func(t *testing.T, in *inputs, o *Options) {
			l := filepath.Join(in.dir, "link.bin")
			if err := os.Symlink(in.artefacts[0], l); err != nil {
				t.Fatal(err)
			}
			o.Artefacts = append(o.Artefacts, l)
		}, func(in *inputs, _ *Options) string { return filepath.Join(in.dir, "link.bin") }, "regular file"},
		{"two artefacts with one name", func(t *testing.T, in *inputs, o *Options) {
			o.Artefacts = append(o.Artefacts, put(t, in.dir, "other/firmware.tar", []byte("x")))
		}, func(in *inputs, _ *Options) string { return filepath.Join(in.dir, "other/firmware.tar") }, "same name"},
		{"SBOM to import missing", func(_ *testing.T, in *inputs, o *Options) { o.SBOM = filepath.Join(in.dir, "none.json") },
			func(in *inputs, _ *Options) string { return filepath.Join(in.dir, "none.json") }, ""},
		{"SBOM import fails", func(_ *testing.T, in *inputs, o *Options) {
			o.SBOM = in.sbom
			o.Make.ImportSBOM = func([]byte, string) ([]byte, error) { return nil, boom }
		}, func(in *inputs, _ *Options) string { return in.sbom }, "boom"},
		{"SBOM import unavailable", func(_ *testing.T, in *inputs, o *Options) { o.SBOM, o.Make.ImportSBOM = in.sbom, nil }, nil, "not available"},
		{"SBOM generation unavailable", func(_ *testing.T, _ *inputs, o *Options) { o.Make.SBOM = nil }, nil, "not available"},
		{"SBOM generation fails", func(_ *testing.T, _ *inputs, o *Options) {
			o.Make.SBOM = func(context.Context, []Artefact, *product.Product, *product.Release, time.Time) ([]byte, error) {
				return nil, boom
			}
		}, nil, "generating the SBOM: boom"},
		{"scan fails", func(_ *testing.T, _ *inputs, o *Options) {
			o.Make.Scan = func(context.Context, []byte, string) ([]byte, error) { return nil, boom }
		}, func(_ *inputs, o *Options) string { return o.OSVDB }, "boom"},
		{"scanning unavailable", func(_ *testing.T, _ *inputs, o *Options) { o.Make.Scan = nil }, nil, "not available"},
		{"VEX missing", func(_ *testing.T, in *inputs, _ *Options) { os.Remove(in.vex) }, func(in *inputs, _ *Options) string { return in.vex }, ""},
		{"imported provenance invalid", func(t *testing.T, in *inputs, _ *Options) { put(t, in.dir, "fw.intoto.jsonl", []byte("garbage")) },
			func(in *inputs, _ *Options) string { return in.prov }, "DSSE"},
		{"trusted root missing", func(_ *testing.T, in *inputs, _ *Options) { os.Remove(in.trustedRoot) },
			func(in *inputs, _ *Options) string { return in.trustedRoot }, ""},
		{"architecture description missing", func(t *testing.T, in *inputs, _ *Options) {
			put(t, in.dir, "product.yaml", thermostat.DemoProductYAML())
		},
			func(in *inputs, _ *Options) string { return in.product }, "architecture_description " + thermostat.ArchitectureFile},
		{"architecture description outside the folder", func(t *testing.T, in *inputs, _ *Options) {
			put(t, in.dir, "product.yaml", append(thermostat.ProductYAML(), "architecture_description: ../outside.md\n"...))
		}, func(in *inputs, _ *Options) string { return in.product }, "inside product.yaml's folder"},
		{"transcript missing", func(_ *testing.T, in *inputs, _ *Options) { os.Remove(in.transcript) },
			func(in *inputs, _ *Options) string { return in.transcript }, ""},
		{"step provenance fails", func(_ *testing.T, _ *inputs, o *Options) {
			o.Make.Provenance = func([]Artefact, []bundle.Item, *keys.PrivateKey, time.Time) ([]byte, error) { return nil, boom }
		}, nil, "provenance of the bundling step: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := newInputs(t)
			out := filepath.Join(t.TempDir(), "bundle")
			o := in.options(out)
			tc.change(t, in, &o)
			_, err := Bundle(context.Background(), o)
			if err == nil {
				t.Fatal("accepted")
			}
			var ie *InputError
			if tc.wantPath != nil {
				if !errors.As(err, &ie) || ie.Path != tc.wantPath(in, &o) {
					t.Errorf("error %v (%T), want an *InputError for %s", err, err, tc.wantPath(in, &o))
				}
				if !strings.HasPrefix(err.Error(), tc.wantPath(in, &o)+": ") {
					t.Errorf("error does not start with the file: %v", err)
				}
			} else if errors.As(err, &ie) {
				t.Errorf("error %v is not about an input file", err)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("error %q does not say %q", err, tc.wantText)
			}
			if ie != nil && strings.Count(err.Error(), ie.Path+": ") != 1 {
				t.Errorf("error names %s more than once: %v", ie.Path, err)
			}
			if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
				t.Errorf("a refused bundle left %d entries at the destination", len(left))
			}
		})
	}
}

func TestBundleInterrupted(t *testing.T) {
	in := newInputs(t)
	out := filepath.Join(t.TempDir(), "bundle")
	ctx, cancel := context.WithCancel(context.Background())
	o := in.options(out)
	o.Make.Scan = func(context.Context, []byte, string) ([]byte, error) { cancel(); return []byte(`{}`), nil }
	_, err := Bundle(ctx, o)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("an interrupted run: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
		t.Fatalf("an interrupted run left %d entries", len(left))
	}
}

// TestBundleForce: an existing bundle is replaced only with Force, and a
// failed run with Force leaves the previous bundle as it was.
func TestBundleForce(t *testing.T) {
	in := newInputs(t)
	out := filepath.Join(t.TempDir(), "bundle")
	if _, err := Bundle(context.Background(), in.options(out)); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(out, bundle.IndexFile))
	put(t, out, "marker", []byte("previous"))

	o := in.options(out)
	o.Created = created.Add(time.Hour)
	if _, err := Bundle(context.Background(), o); err == nil {
		t.Fatal("an existing bundle was replaced without Force")
	}
	if _, err := os.Stat(filepath.Join(out, "marker")); err != nil {
		t.Fatal("a refused run changed the existing bundle")
	}

	o.Force = true
	o.Make.Scan = func(context.Context, []byte, string) ([]byte, error) { return nil, errors.New("boom") }
	if _, err := Bundle(context.Background(), o); err == nil {
		t.Fatal("a failing run succeeded")
	}
	if now, _ := os.ReadFile(filepath.Join(out, bundle.IndexFile)); !bytes.Equal(now, first) {
		t.Fatal("a failed run with Force changed the previous bundle")
	}
	if _, err := os.Stat(filepath.Join(out, "marker")); err != nil {
		t.Fatal("a failed run with Force removed the previous bundle's files")
	}

	o.Make.Scan = in.producers().Scan
	idx, err := Bundle(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !idx.Created.Equal(created.Add(time.Hour).UTC().Truncate(time.Second)) {
		t.Fatalf("not the new bundle: created %v", idx.Created)
	}
	if _, err := os.Stat(filepath.Join(out, "marker")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the replaced bundle kept a file of the previous one")
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 1 {
		t.Fatalf("%d entries beside the bundle, want only the bundle", len(left))
	}
}

func TestMediaType(t *testing.T) {
	for name, want := range map[string]string{
		"sbom.cdx.json": "application/vnd.cyclonedx+json", "a.json": "application/json", "p.intoto.jsonl": "application/jsonl",
		"a.yml": "application/yaml", "fw.tar": "application/x-tar", "fw.tgz": "application/gzip", "fw.zip": "application/zip",
		"log.log": "text/plain", "k.pub": "application/x-pem-file", "r.pdf": "application/pdf", "fw.bin": "application/octet-stream",
		"noext": "application/octet-stream",
	} {
		if got := mediaType(name); got != want {
			t.Errorf("mediaType(%q) = %q, want %q", name, got, want)
		}
	}
}

// Start hears of the artefacts before the first is copied, and only when
// the SBOM is to be generated.
func TestStartBeforeCopy(t *testing.T) {
	for _, imported := range []bool{false, true} {
		in := newInputs(t)
		out := filepath.Join(t.TempDir(), "bundle")
		o := in.options(out)
		if imported {
			o.SBOM = in.sbom
		}
		var started []string
		o.Make.Start = func(arts []string) {
			if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
				t.Errorf("Start called after the bundle folder was made: %v", ents)
			}
			started = append(started, arts...)
		}
		if _, err := Bundle(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		switch {
		case imported && started != nil:
			t.Errorf("Start called although the SBOM is imported: %v", started)
		case !imported && !slices.Equal(started, in.artefacts):
			t.Errorf("Start got %v, want %v", started, in.artefacts)
		}
	}
}
