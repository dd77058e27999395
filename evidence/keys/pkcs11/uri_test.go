package pkcs11

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseURI(t *testing.T) {
	const mod = "module-path=/usr/lib/softhsm/libsofthsm2.so"
	for _, tc := range []struct {
		in      string
		want    URI
		wantErr string
	}{
		{in: "pkcs11:token=craudit;object=vendor?" + mod + "&pin-value=1234",
			want: URI{Token: "craudit", Object: "vendor", ModulePath: "/usr/lib/softhsm/libsofthsm2.so", PINValue: "1234", HasPINValue: true}},
		{in: "PKCS11:token=My%20Token;id=%01%a0;type=private;slot-id=7?" + mod,
			want: URI{Token: "My Token", ID: []byte{1, 0xa0}, HasID: true, SlotID: 7, HasSlotID: true, ModulePath: "/usr/lib/softhsm/libsofthsm2.so"}},
		{in: "pkcs11:object=a;x-vendor=1;manufacturer=SoftHSM%20project;serial=abc;model=SoftHSM%20v2?" + mod + "&pin-source=/run/pin&x-foo=bar",
			want: URI{Object: "a", Manufacturer: "SoftHSM project", Serial: "abc", Model: "SoftHSM v2", ModulePath: "/usr/lib/softhsm/libsofthsm2.so", PINSource: "/run/pin"}},
		{in: "file:/x", wantErr: "does not start with"},
		{in: "pkcs11:token=a;object=b", wantErr: "module-path"},
		{in: "pkcs11:token=a?" + mod, wantErr: "object= or id="},
		{in: "pkcs11:object=a;object=b?" + mod, wantErr: "given twice"},
		{in: "pkcs11:object=a;library-version=1?" + mod, wantErr: `"library-version" is not supported`},
		{in: "pkcs11:object=a;type=cert?" + mod, wantErr: "type=private"},
		{in: "pkcs11:object=a;slot-id=x?" + mod, wantErr: "slot-id"},
		{in: "pkcs11:object=%zz?" + mod, wantErr: "percent-encoding"},
		{in: "pkcs11:object=a?" + mod + "&pin-value=1&pin-source=/p", wantErr: "both"},
		{in: "pkcs11:object=a?module-name=softhsm2", wantErr: "module-name is not supported"},
		{in: "pkcs11:object=a?" + mod + "&pin-valu", wantErr: "not name=value"},
		{in: "pkcs11:object=a?" + mod + "&" + strings.Repeat("x-a=b&", 1000), wantErr: "longer than"},
	} {
		u, err := ParseURI(tc.in)
		if tc.wantErr != "" {
			var ue *URIError
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.As(err, &ue) {
				t.Errorf("%s: error %v, want a URIError containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if u.String() != tc.want.String() || !bytes.Equal(u.ID, tc.want.ID) || u.PINValue != tc.want.PINValue {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.in, *u, tc.want)
		}
		// String round-trips and never shows the PIN.
		if strings.Contains(u.String(), "1234") {
			t.Errorf("String shows the PIN: %s", u)
		}
		if _, err := ParseURI(u.String()); err != nil {
			t.Errorf("String does not parse again: %s: %v", u, err)
		}
	}
}

func TestURIStringRedactsPIN(t *testing.T) {
	u, err := ParseURI("pkcs11:token=My%20Token;object=vendor?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234")
	if err != nil {
		t.Fatal(err)
	}
	const want = "pkcs11:token=My%20Token;object=vendor?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=REDACTED"
	if u.String() != want {
		t.Errorf("String() = %s, want %s", u, want)
	}
}

func TestPIN(t *testing.T) {
	dir := t.TempDir()
	pinFile := filepath.Join(dir, "pin")
	os.WriteFile(pinFile, []byte("9876\nignored\n"), 0o600)
	fallback := func() ([]byte, error) { return []byte("from-fallback"), nil }
	for _, tc := range []struct {
		u    URI
		want string
		err  string
	}{
		{u: URI{PINValue: "1", HasPINValue: true}, want: "1"},
		{u: URI{PINValue: "", HasPINValue: true}, want: ""},
		{u: URI{PINSource: pinFile}, want: "9876"},
		{u: URI{PINSource: "file:" + pinFile}, want: "9876"},
		{u: URI{PINSource: "|cat /etc/pin"}, err: "only a file"},
		{u: URI{PINSource: filepath.Join(dir, "absent")}, err: "no such file"},
		{u: URI{}, want: "from-fallback"},
	} {
		got, err := tc.u.PIN(fallback)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v: error %v, want %q", tc.u, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%+v: got %q, %v; want %q", tc.u, got, err, tc.want)
		}
	}
	if _, err := (&URI{}).PIN(nil); !errors.Is(err, ErrNoPIN) {
		t.Errorf("no PIN anywhere: %v", err)
	}
}

func FuzzParseURI(f *testing.F) {
	f.Add("pkcs11:token=craudit;object=vendor?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234")
	f.Add("pkcs11:id=%01%02;slot-id=3?module-path=/m&pin-source=file:/p")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURI(s)
		if err != nil {
			return
		}
		if u.HasPINValue && u.PINValue != "" && u.PINValue != "REDACTED" && strings.Contains(u.String(), "pin-value="+u.PINValue) {
			t.Fatalf("String shows the PIN: %s", u)
		}
		again, err := ParseURI(u.String())
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", s, u.String(), err)
		}
		if again.String() != u.String() {
			t.Fatalf("String not stable: %q vs %q", u.String(), again.String())
		}
	})
}
