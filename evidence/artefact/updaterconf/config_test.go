package updaterconf

import (
	"errors"
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, kind, text string
		want             Config
	}{
		{"rauc full", "", "[system]\ncompatible=board\nbootloader=uboot\nmax-bundle-download-size=104857600\n\n[keyring]\npath=/etc/rauc/ca.pem\ncheck-purpose=codesign\n\n[handlers]\npre-install=/usr/lib/rauc/check-version\n",
			Config{Kind: RAUC, Tool: "rauc", VerifyKey: []string{"/etc/rauc/ca.pem"}, Purpose: "codesign",
				AntiRollback: []string{"pre-install handler /usr/lib/rauc/check-version"}, DownloadLimit: []string{"max-bundle-download-size=104857600"}}},
		{"rauc bare", "rauc", "[system]\ncompatible=board\nbootloader=uboot\n", Config{Kind: RAUC, Tool: "rauc"}},
		{"swupdate cmdline", "", `swupdate -v -k /etc/swupdate/ca.pem --cert-purpose codeSigning -N 2.0.0 -d "-u https://updates.example/fw.swu -t 30"`,
			Config{Kind: SWUpdateCmdline, Tool: "swupdate", VerifyKey: []string{"/etc/swupdate/ca.pem"}, Purpose: "codeSigning",
				AntiRollback: []string{"-N 2.0.0"}, DownloadLimit: []string{"timeout 30"}, URLs: []string{"https://updates.example/fw.swu"}}},
		{"swupdate cfg", "", "globals :\n{\n\tverbose = true;\n\tpublic-key-file = \"/etc/ca.pem\";\n\tno-downgrading = \"1.0\";\n};\ndownload :\n{\n\turl = \"http://updates.example/fw.swu\";\n\ttimeout = 60;\n};\n",
			Config{Kind: SWUpdate, Tool: "swupdate", VerifyKey: []string{"/etc/ca.pem"}, AntiRollback: []string{"no-downgrading=1.0"},
				DownloadLimit: []string{"download.timeout=60"}, URLs: []string{"http://updates.example/fw.swu"}}},
		{"mender", "", `{"ServerURL": "https://hosted.mender.io", "ArtifactVerifyKey": "/etc/mender/artifact-verify-key.pem", "SkipVerify": true}`,
			Config{Kind: Mender, Tool: "mender", VerifyKey: []string{"/etc/mender/artifact-verify-key.pem"}, URLs: []string{"https://hosted.mender.io"}, TLSInsecure: true}},
		{"ostree gpg off", "", "[core]\nrepo_version=1\nmode=bare\n\n[remote \"os\"]\nurl=http://updates.example/repo\ngpg-verify=false\n",
			Config{Kind: OSTree, Tool: "ostree", VerifyOff: true, URLs: []string{"http://updates.example/repo"},
				AntiRollback: []string{"ostree admin upgrade timestamp check (default; --allow-downgrade disables it)"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.kind, "f", []byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			got.Settings, got.Schema, got.Source = nil, "", ""
			if !reflect.DeepEqual(*got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", *got, c.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ kind, text string }{
		{"rauc", "compatible=x\n"},                         // key outside a section
		{"rauc", "[system]\ncompatible=a\ncompatible=b\n"}, // key twice
		{"swupdate-cmdline", "swupdate --frobnicate"},
		{"swupdate-cmdline", "swupdate -d '-u https://x"},
		{"mender", `{"ServerURL": "x"} {}`},
		{"ostree", "[core]\nrepo_version=1\n"},
		{"", "hello"},
		{"swupdate", "@include \"/etc/other.cfg\"\n"},
	} {
		_, err := Parse(c.kind, "f", []byte(c.text))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s %q: want a ParseError, got %v", c.kind, c.text, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	c, err := Parse("", "system.conf", []byte("[system]\ncompatible=x\n[keyring]\npath=ca.pem\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.JSON()
	d, err := Decode(b)
	if err != nil || !reflect.DeepEqual(c, d) {
		t.Fatalf("round trip: %v %+v", err, d)
	}
}
