package fleet

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseRegistry(t *testing.T) {
	pub := EncodeEd25519(testKey(1).Public().(ed25519.PublicKey))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	spki := "spki:" + base64.StdEncoding.EncodeToString(der)
	hdr := "unit,hardware,batch,public_key\n"
	for _, tc := range []struct{ name, in, wantErr string }{
		{"csv", hdr + "# comment\nTH-1,st100,b1," + pub + "\nTH-2,st100,," + spki + "\n", ""},
		{"json", `{"schema":"craudit.fleet-devices/v1","devices":[{"unit":"TH-1","hardware":"st100","batch":"b1","public_key":"` + pub + `"}]}`, ""},
		{"bad header", "unit,hw,batch,public_key\n", "r: line 1: header"},
		{"duplicate", hdr + "TH-1,st100,b1," + pub + "\nTH-1,st100,b1," + pub + "\n", "r: line 3: unit \"TH-1\" registered twice"},
		{"bad key", hdr + "TH-1,st100,b1,ed25519:AAAA\n", "r: line 2: public_key: 3 bytes"},
		{"key kind", hdr + "TH-1,st100,b1,rsa:AAAA\n", "line 2: public_key: key kind"},
		{"empty hw", hdr + "TH-1,,b1," + pub + "\n", "line 2: hardware"},
		{"fields", hdr + "TH-1,st100\n", "line 2: 2 fields"},
		{"empty", "", "empty file"},
		{"json unknown field", `{"schema":"craudit.fleet-devices/v1","devices":[{"unit":"a","hw":"h"}]}`, "unknown field"},
		{"json schema", `{"schema":"x","devices":[]}`, "schema"},
		{"json entry", `{"schema":"craudit.fleet-devices/v1","devices":[{"unit":"a","hardware":"h","public_key":"x"}]}`, "r: devices[0]: public_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, err := ParseRegistry("r", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatal("error is not one line")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, ok := reg.Lookup("TH-1")
			if !ok || d.Batch != "b1" || len(d.Ed25519) != ed25519.PublicKeySize || d.PEM == nil {
				t.Fatalf("TH-1: %+v", d)
			}
		})
	}
}
