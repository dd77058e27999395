package updaterconf

import "testing"

func FuzzParse(f *testing.F) {
	f.Add([]byte("[system]\ncompatible=x\n[keyring]\npath=ca.pem\ncheck-purpose=codesign\n"))
	f.Add([]byte(`{"ServerURL":"https://x","ArtifactVerifyKey":"/etc/k.pem"}`))
	f.Add([]byte("swupdate -k /etc/ca.pem -N 1.0 -d '-u https://x/a.swu -t 30'"))
	f.Add([]byte("[core]\nrepo_version=1\n[remote \"os\"]\nurl=https://x\ngpg-verify=true\n"))
	f.Add([]byte("globals : { public-key-file = \"/etc/ca.pem\"; };"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse("", "f", b)
		if err == nil {
			if _, err := c.JSON(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
