package generate

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Digests of zero bytes: a component carrying one describes no content.
const (
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	emptySHA512 = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
)

type tarEntry struct {
	name, data, link string
	mode             int64
}

func tarOf(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Typeflag: tar.TypeReg, Size: int64(len(e.data))}
		if e.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(e.data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func generateBOM(t testing.TB, name string, data []byte, o Options) (*cdx.BOM, string) {
	t.Helper()
	in := writeArtefact(t, t.TempDir(), name, data)
	out, err := Generate(context.Background(), []Input{in}, o)
	if err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := json.Unmarshal(out, &bom); err != nil {
		t.Fatal(err)
	}
	return &bom, string(out)
}

func everyComponent(bom *cdx.BOM) []cdx.Component {
	var out []cdx.Component
	if bom.Components != nil {
		walk(*bom.Components, func(c cdx.Component) { out = append(out, c) })
	}
	return out
}

func props(c cdx.Component, name string) []string {
	var out []string
	if c.Properties != nil {
		for _, p := range *c.Properties {
			if p.Name == name {
				out = append(out, p.Value)
			}
		}
	}
	return out
}

// noEmptyContent fails for every component that carries the digest of
// zero bytes (a symlink or other non-file taken for an empty file).
func noEmptyContent(t *testing.T, bom *cdx.BOM) {
	t.Helper()
	for _, c := range everyComponent(bom) {
		if c.Hashes == nil {
			continue
		}
		for _, h := range *c.Hashes {
			if h.Value == emptySHA256 || h.Value == emptySHA512 {
				t.Errorf("component %s carries the digest of empty content", c.Name)
			}
		}
	}
}

// TestSymlinksAreLinks: symlinks in an image (absolute, relative, dangling)
// are listed as links on the artefact, never as file components.
func TestSymlinksAreLinks(t *testing.T) {
	img := tarOf(t, []tarEntry{
		{name: "bin/busybox", data: "\x7fELF synthetic busybox", mode: 0o755},
		{name: "bin/sh", link: "/bin/busybox", mode: 0o777},
		{name: "bin/ls", link: "busybox", mode: 0o777},
		{name: "bin/dangling", link: "/nowhere", mode: 0o777},
	})
	bom, _ := generateBOM(t, "fw.tar", img, demoOptions())
	noEmptyContent(t, bom)
	var names, links []string
	for _, c := range everyComponent(bom) {
		names = append(names, c.Name)
		links = append(links, props(c, PropSymlink)...)
	}
	for _, n := range names {
		if n == "/bin/sh" || n == "/bin/ls" || n == "/bin/dangling" {
			t.Errorf("symlink %s is a component", n)
		}
	}
	if got := strings.Join(links, ", "); got != "/bin/dangling -> /nowhere, /bin/ls -> busybox, /bin/sh -> /bin/busybox" {
		t.Errorf("links recorded: %s", got)
	}
}

// TestLinkOnlyPackage: a package whose only content is a link (Alpine's
// busybox-binsh: /bin/sh) carries the link and says it has no file.
func TestLinkOnlyPackage(t *testing.T) {
	db := "P:busybox-binsh\nV:1.36.1-r15\nA:x86_64\nT:busybox ash /bin/sh\nL:GPL-2.0-only\no:busybox\n" +
		"m:Sören Tempel <soeren+alpine@soeren-tempel.net>\nF:bin\nR:sh\na:0:0:777\nZ:Q1pcfTfDNEbNKQc2s1tia7da05M8Q=\n\n"
	img := tarOf(t, []tarEntry{
		{name: "etc/os-release", data: "ID=alpine\nVERSION_ID=3.19.1\n", mode: 0o644},
		{name: "lib/apk/db/installed", data: db, mode: 0o644},
		{name: "bin/busybox", data: "\x7fELF", mode: 0o755},
		{name: "bin/sh", link: "/bin/busybox", mode: 0o777},
	})
	bom, _ := generateBOM(t, "fw.tar", img, demoOptions())
	noEmptyContent(t, bom)
	for _, c := range everyComponent(bom) {
		if c.Name != "busybox-binsh" {
			continue
		}
		if got := props(c, PropSymlink); len(got) != 1 || got[0] != "/bin/sh -> /bin/busybox" {
			t.Errorf("links %v", got)
		}
		if !strings.Contains(strings.Join(props(c, PropNote), " "), "only symbolic links") {
			t.Errorf("notes %v", props(c, PropNote))
		}
		return
	}
	t.Fatal("busybox-binsh not catalogued")
}

// TestThirdPartyFilesNotTheVendors: an installed npm package's files belong
// to that package (its licence and author), not to the manufacturer; an
// archive inside the image says its contents are not catalogued.
func TestThirdPartyFilesNotTheVendors(t *testing.T) {
	img := tarOf(t, []tarEntry{
		{name: "opt/app/node_modules/ws/package.json", mode: 0o644,
			data: `{"name":"ws","version":"7.4.6","license":"MIT","author":"Einar Otto Stangvik <einaros@gmail.com>"}`},
		{name: "opt/app/node_modules/ws/index.js", data: "#!/usr/bin/env node\n", mode: 0o755},
		{name: "opt/app/bin/appd", data: "\x7fELF the vendor's daemon", mode: 0o755},
		{name: "opt/app/vendor.tgz", data: "\x1f\x8b\x08\x00 not really gzip", mode: 0o644},
	})
	o := demoOptions()
	bom, _ := generateBOM(t, "fw.tar", img, o)
	seen := map[string]cdx.Component{}
	for _, c := range everyComponent(bom) {
		seen[c.Name] = c
	}
	ws, ok := seen["ws"]
	if !ok || ws.PackageURL != "pkg:npm/ws@7.4.6" {
		t.Fatalf("npm package not catalogued: %+v", ws)
	}
	if ws.Supplier == nil || ws.Supplier.Name != "Einar Otto Stangvik" {
		t.Errorf("ws supplier %+v", ws.Supplier)
	}
	for _, name := range []string{"/opt/app/node_modules/ws/index.js", "/opt/app/node_modules/ws/package.json"} {
		c, ok := seen[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if c.Manufacturer != nil {
			t.Errorf("%s claims the manufacturer %s", name, c.Manufacturer.Name)
		}
		if c.Licenses == nil || strings.Contains(licenceText(*c.Licenses), o.VendorLicence) || !strings.Contains(licenceText(*c.Licenses), "MIT") {
			t.Errorf("%s licences %s", name, licenceText(*c.Licenses))
		}
	}
	if d := seen["/opt/app/bin/appd"]; d.Manufacturer == nil || !strings.Contains(licenceText(*d.Licenses), o.VendorLicence) {
		t.Errorf("the vendor's own daemon lost its manufacturer and licence: %+v", d)
	}
	if notes := strings.Join(props(seen["/opt/app/vendor.tgz"], PropNote), " "); !strings.Contains(notes, "not catalogued") {
		t.Errorf("nested archive: notes %q", notes)
	}
}

func licenceText(ls cdx.Licenses) string {
	var out []string
	for _, l := range ls {
		ack := ""
		if l.Acknowledgement != nil {
			ack = string(*l.Acknowledgement)
		}
		switch {
		case l.Expression != "":
			out = append(out, l.Expression+"/"+ack)
		case l.License != nil:
			out = append(out, l.License.ID+l.License.Name+"/"+string(l.License.Acknowledgement))
		}
	}
	return strings.Join(out, " ")
}

// TestLicenceAcknowledgement: a package's licence is listed as declared
// (its metadata) and concluded (distributed under); the vendor's own
// files' licence is concluded.
func TestLicenceAcknowledgement(t *testing.T) {
	bom, _ := generateBOM(t, "fw.tar", tarOf(t, []tarEntry{
		{name: "opt/app/node_modules/ws/package.json", mode: 0o644, data: `{"name":"ws","version":"7.4.6","license":"MIT"}`},
		{name: "opt/app/bin/appd", data: "\x7fELF", mode: 0o755},
	}), demoOptions())
	for _, c := range everyComponent(bom) {
		switch c.Name {
		case "ws":
			if got := licenceText(*c.Licenses); got != "MIT/declared MIT/concluded" {
				t.Errorf("ws licences %s", got)
			}
		case "/opt/app/bin/appd":
			if got := licenceText(*c.Licenses); got != "LicenseRef-ThermoDemo-Proprietary/concluded" {
				t.Errorf("vendor file licences %s", got)
			}
		}
	}
}

// TestDebMaintainerIsSupplier builds a real .deb with dpkg-deb: its
// Maintainer is the package's author and supplier, and no note says none
// is named.
func TestDebMaintainerIsSupplier(t *testing.T) {
	dpkgDeb, err := exec.LookPath("dpkg-deb")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dpkg-deb is missing (Debian package dpkg), and CI=true forbids skipping")
		}
		t.Skip("dpkg-deb is missing (Debian package dpkg); skipping")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "pkg")
	for p, data := range map[string]string{
		"DEBIAN/control": "Package: thermo-tools\nVersion: 1.2.3-1\nArchitecture: all\n" +
			"Maintainer: Jane Packager <jane@example.org>\nDescription: test package\n",
		"usr/bin/thermo-tool": "#!/bin/sh\necho hi\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	deb := filepath.Join(dir, "thermo-tools_1.2.3-1_all.deb")
	if out, err := exec.Command(dpkgDeb, "--root-owner-group", "--build", root, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v: %s", err, out)
	}
	f, err := os.Open(deb)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	f.Close()
	bom, _ := generateBOM(t, filepath.Base(deb), data, demoOptions())
	found := false
	for _, c := range everyComponent(bom) {
		if c.Name != "thermo-tools" {
			continue
		}
		found = true
		if c.Supplier == nil || c.Supplier.Name != "Jane Packager" || c.Authors == nil || (*c.Authors)[0].Email != "jane@example.org" {
			t.Errorf("supplier %+v authors %+v", c.Supplier, c.Authors)
		}
		for _, n := range props(c, PropNote) {
			if strings.HasPrefix(n, "creator:") {
				t.Errorf("note %q though the maintainer is named", n)
			}
		}
	}
	if !found {
		t.Fatal("the .deb's package was not catalogued")
	}
}

// TestDistributionReference: with a download URL, each artefact carries
// its SHA-512 in externalReferences[type=distribution] as well as in hashes.
func TestDistributionReference(t *testing.T) {
	o := demoOptions()
	o.DistributionURL = "https://updates.example/st100/artefacts/"
	data := tarOf(t, []tarEntry{{name: "opt/app/bin/appd", data: "\x7fELF", mode: 0o755}})
	in := writeArtefact(t, t.TempDir(), "fw 1.tar", data)
	out, err := Generate(context.Background(), []Input{in}, o)
	if err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := json.Unmarshal(out, &bom); err != nil {
		t.Fatal(err)
	}
	top := (*bom.Components)[0]
	if top.ExternalReferences == nil || len(*top.ExternalReferences) != 1 {
		t.Fatalf("external references %+v", top.ExternalReferences)
	}
	r := (*top.ExternalReferences)[0]
	if r.Type != cdx.ERTypeDistribution || r.URL != "https://updates.example/st100/artefacts/fw%201.tar" ||
		r.Hashes == nil || (*r.Hashes)[0].Algorithm != cdx.HashAlgoSHA512 || (*r.Hashes)[0].Value != in.SHA512 {
		t.Errorf("distribution reference %+v", r)
	}
	if !strings.Contains(string(out), `"alg": "SHA-512"`) || top.Hashes == nil || len(*top.Hashes) != 2 {
		t.Errorf("hashes %+v", top.Hashes)
	}
	// A file inside the artefact: its deployable form is the member of the
	// artefact, named by the artefact's URL and its path as fragment, with
	// the file's own SHA-512 (also kept in hashes).
	var appd *cdx.Component
	for _, c := range everyComponent(&bom) {
		if c.Name == "/opt/app/bin/appd" {
			appd = &c
		}
	}
	if appd == nil || appd.ExternalReferences == nil || len(*appd.ExternalReferences) != 1 || appd.Hashes == nil {
		t.Fatalf("file component %+v", appd)
	}
	fr, fileSHA512 := (*appd.ExternalReferences)[0], (*appd.Hashes)[1].Value
	if fr.Type != cdx.ERTypeDistribution || fr.URL != "https://updates.example/st100/artefacts/fw%201.tar#/opt/app/bin/appd" ||
		fr.Hashes == nil || (*fr.Hashes)[0].Value != fileSHA512 || fileSHA512 == in.SHA512 {
		t.Errorf("file distribution reference %+v (file SHA-512 %s)", fr, fileSHA512)
	}
	// Without a download URL no reference is made up.
	bom2, _ := generateBOM(t, "fw.tar", data, demoOptions())
	for _, c := range everyComponent(bom2) {
		if c.ExternalReferences != nil {
			t.Errorf("%s: reference %+v without a distribution URL", c.Name, *c.ExternalReferences)
		}
	}
}

// TestTaggedFilesNotTheVendors: a file no package installed that states
// its own licence in SPDX file tags is a component with that licence and
// the copyright holder as author, never the manufacturer's, whatever its
// kind; an untagged text file stays out, the vendor's daemon stays the
// vendor's.
func TestTaggedFilesNotTheVendors(t *testing.T) {
	o := demoOptions()
	bom, _ := generateBOM(t, "fw.tar", tarOf(t, []tarEntry{
		{name: "opt/app/www/gauge.js", mode: 0o644,
			data: "/*!\n * SPDX-FileCopyrightText: 2024 Gauge Authors <authors@gauge.example.org>\n * SPDX-License-Identifier: MIT\n */\nexport const x = 1;\n"},
		{name: "opt/app/lib/dual.sh", mode: 0o755, data: "#!/bin/sh\n# SPDX-License-Identifier: GPL-2.0-only OR MIT\n# SPDX-FileCopyrightText: 2020 Some Project\n"},
		{name: "opt/app/README", mode: 0o644, data: "plain text, no tags\n"},
		{name: "opt/app/bin/appd", data: "\x7fELF the vendor's daemon", mode: 0o755},
	}), o)
	seen := map[string]cdx.Component{}
	for _, c := range everyComponent(bom) {
		seen[c.Name] = c
	}
	for _, tc := range []struct {
		name, licences, author, note string
	}{
		{"/opt/app/www/gauge.js", "MIT/declared MIT/concluded", "authors@gauge.example.org", "SPDX-License-Identifier"},
		{"/opt/app/lib/dual.sh", "GPL-2.0-only OR MIT/concluded", "", "names no holder with an e-mail"},
	} {
		c, ok := seen[tc.name]
		if !ok {
			t.Errorf("%s is not a component", tc.name)
			continue
		}
		if c.Manufacturer != nil || c.Supplier != nil {
			t.Errorf("%s: manufacturer %+v supplier %+v", tc.name, c.Manufacturer, c.Supplier)
		}
		if c.Licenses == nil || licenceText(*c.Licenses) != tc.licences {
			t.Errorf("%s: licences %v, want %s", tc.name, c.Licenses, tc.licences)
		}
		author := ""
		if c.Authors != nil {
			author = (*c.Authors)[0].Email
		}
		if author != tc.author {
			t.Errorf("%s: author %q, want %q", tc.name, author, tc.author)
		}
		if n := strings.Join(props(c, PropNote), " "); !strings.Contains(n, tc.note) {
			t.Errorf("%s: notes %q lack %q", tc.name, n, tc.note)
		}
	}
	if _, ok := seen["/opt/app/README"]; ok {
		t.Error("an untagged text file became a component")
	}
	if d := seen["/opt/app/bin/appd"]; d.Manufacturer == nil || !strings.Contains(licenceText(*d.Licenses), o.VendorLicence) {
		t.Errorf("the vendor's own daemon lost its manufacturer and licence: %+v", d)
	}
	// The artefact's licence is the AND of its parts': the third party's
	// licences are in it.
	top := (*bom.Components)[0]
	if got := licenceText(*top.Licenses); !strings.Contains(got, "MIT") || !strings.Contains(got, "(GPL-2.0-only OR MIT)") {
		t.Errorf("artefact licence %s", got)
	}
}

// TestRealRootfsSymlinks: the base layer of a real Alpine 3.20 image (in
// osv-scalibr's test data, which the module cache holds since go.mod
// requires osv-scalibr) has hundreds of busybox applet and library
// symlinks; none may become a file component with an empty-content hash.
func TestRealRootfsSymlinks(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/google/osv-scalibr").Output()
	dir := strings.TrimSpace(string(out))
	image := filepath.Join(dir, "artifact", "image", "layerscanning", "image", "testdata", "alpine-with-packages.tar")
	if _, serr := os.Stat(image); err != nil || serr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("osv-scalibr's test image is absent from the module cache (%v %v)", err, serr)
		}
		t.Skipf("osv-scalibr's test image is absent from the module cache; skipping")
	}
	f, err := os.Open(image)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The docker archive's first layer is the Alpine base root filesystem.
	const base = "59e29917030d60fbb5c7c0a22b365e8d5d8d1be1c4f11c2b8d4504f4fbdeea65/layer.tar"
	tr := tar.NewReader(f)
	var layer []byte
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == base {
			if layer, err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if layer == nil {
		t.Fatalf("%s has no %s", image, base)
	}
	nLinks := 0
	ltr := tar.NewReader(bytes.NewReader(layer))
	for {
		h, err := ltr.Next()
		if err != nil {
			break
		}
		if h.Typeflag == tar.TypeSymlink {
			nLinks++
		}
	}
	bom, _ := generateBOM(t, "alpine-rootfs.tar", layer, demoOptions())
	noEmptyContent(t, bom)
	recorded, pkgs := 0, 0
	for _, c := range everyComponent(bom) {
		recorded += len(props(c, PropSymlink))
		if strings.HasPrefix(c.PackageURL, "pkg:apk/") {
			pkgs++
		}
	}
	if recorded != nLinks || nLinks < 100 {
		t.Errorf("the layer has %d symlinks; the SBOM records %d", nLinks, recorded)
	}
	if pkgs < 10 {
		t.Errorf("%d apk packages catalogued", pkgs)
	}
	t.Logf("%d symlinks recorded as links, %d apk packages", recorded, pkgs)
}
