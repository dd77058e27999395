package hugeheap

import "testing"

func TestTHPMode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"always [madvise] never\n", "madvise"},
		{"[always] madvise never\n", "always"},
		{"always madvise [never]\n", "never"},
		{"always madvise never\n", ""},
		{"[madvise\n", ""},
		{"", ""},
	} {
		if got := thpMode(tc.in); got != tc.want {
			t.Errorf("thpMode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTHPDisabled(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"gctrace=1,disablethp=1", true},
		{"gctrace=1, disablethp=1", true},
		{"disablethp=0", false},
		{"disablethp=1,disablethp=0", false},
		{"xdisablethp=1", false},
	} {
		if got := thpDisabled(tc.in); got != tc.want {
			t.Errorf("thpDisabled(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
