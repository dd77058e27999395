package bundle

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fwPath = ArtefactDir + "fw.bin"

func openFixture(t *testing.T, f fixture, keep int64) *Bundle {
	t.Helper()
	b, err := Open(f.dir, VerifyOptions{Root: f.root.Public(), At: f.at, KeepBytes: keep})
	if err != nil {
		t.Fatal(err)
	}
	if !b.OK() {
		t.Fatalf("fixture has problems: %v", b.Problems)
	}
	return b
}

// TestEditAfterOpen: an item changed on disk after Open is never returned as
// verified. A kept item is served as verified (the disk is not read again);
// an item not kept is re-hashed and refused with a *ChangedError naming it.
func TestEditAfterOpen(t *testing.T) {
	edits := []struct {
		name string
		edit func(t *testing.T, p string)
	}{
		{"same-size byte flip", func(t *testing.T, p string) { flip(t, p) }},
		{"truncated", func(t *testing.T, p string) {
			if err := os.Truncate(p, 10); err != nil {
				t.Fatal(err)
			}
		}},
		{"appended", func(t *testing.T, p string) { appendTo(t, p) }},
		{"removed", func(t *testing.T, p string) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced by a symlink", func(t *testing.T, p string) {
			os.Remove(p)
			if err := os.Symlink("/etc/hostname", p); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range edits {
		for _, kept := range []bool{true, false} {
			name := tc.name + "/not kept"
			keep := int64(-1)
			if kept {
				name, keep = tc.name+"/kept", 0
			}
			t.Run(name, func(t *testing.T) {
				f := makeBundle(t)
				want, err := os.ReadFile(filepath.Join(f.dir, fwPath))
				if err != nil {
					t.Fatal(err)
				}
				b := openFixture(t, f, keep)
				tc.edit(t, b.Path(fwPath))
				got, err := b.Read(fwPath)
				var buf bytes.Buffer
				_, cerr := b.CopyItem(&buf, fwPath)
				if kept {
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("kept item: Read = %d bytes, %v; want the verified bytes", len(got), err)
					}
					if cerr != nil || !bytes.Equal(buf.Bytes(), want) {
						t.Fatalf("kept item: CopyItem = %d bytes, %v; want the verified bytes", buf.Len(), cerr)
					}
					return
				}
				for what, err := range map[string]error{"Read": err, "CopyItem": cerr} {
					var ce *ChangedError
					if !errors.As(err, &ce) || ce.Path != fwPath || !errors.Is(err, ErrChanged) {
						t.Fatalf("%s of an item changed after Open: %v, want a *ChangedError for %s", what, err, fwPath)
					}
					if !strings.Contains(err.Error(), fwPath) {
						t.Errorf("%s error does not name the path: %v", what, err)
					}
				}
				if got != nil {
					t.Errorf("Read returned %d bytes with its error", len(got))
				}
			})
		}
	}
}

// TestReadKeptDoesNoFileIO: kept items are served from memory even when the
// whole bundle directory is gone.
func TestReadKeptDoesNoFileIO(t *testing.T) {
	f := makeBundle(t)
	want := map[string][]byte{}
	b := openFixture(t, f, 0)
	for _, it := range b.Index.Items {
		data, err := os.ReadFile(b.Path(it.Path))
		if err != nil {
			t.Fatal(err)
		}
		want[it.Path] = data
	}
	idx, sig := b.RawIndex()
	wantIdx, _ := os.ReadFile(filepath.Join(f.dir, IndexFile))
	wantSig, _ := os.ReadFile(filepath.Join(f.dir, IndexSigFile))
	if err := os.RemoveAll(f.dir); err != nil {
		t.Fatal(err)
	}
	for p, w := range want {
		got, err := b.Read(p)
		if err != nil || !bytes.Equal(got, w) {
			t.Errorf("Read(%s) after the bundle was removed: %d bytes, %v", p, len(got), err)
		}
		got[0] ^= 1 // the caller's copy: must not reach the kept bytes
		if again, _ := b.Read(p); !bytes.Equal(again, w) {
			t.Errorf("Read(%s) returned the kept bytes themselves, not a copy", p)
		}
	}
	if !bytes.Equal(idx, wantIdx) || !bytes.Equal(sig, wantSig) {
		t.Error("RawIndex is not what Open read")
	}
	if b.keptSize > DefaultKeepBytes {
		t.Errorf("kept %d bytes, over the %d cap", b.keptSize, DefaultKeepBytes)
	}
}

func TestKeepPlan(t *testing.T) {
	items := []Item{{Path: "a", Size: 50}, {Path: "b", Size: 10}, {Path: "c", Size: 10}, {Path: "d", Size: 100}, {Path: "e", Size: 0}}
	tests := []struct {
		limit int64
		want  string
	}{
		{-1, ""},
		{0, "abcde"}, // the default: 64 MiB
		{5, "e"},
		{10, "be"},
		{20, "bce"},
		{69, "bce"},
		{70, "abce"},
		{170, "abcde"},
	}
	for _, tc := range tests {
		keep := keepPlan(items, tc.limit)
		var got, size = "", int64(0)
		for _, it := range items {
			if keep[it.Path] {
				got += it.Path
				size += it.Size
			}
		}
		if got != tc.want {
			t.Errorf("limit %d: keeps %q, want %q", tc.limit, got, tc.want)
		}
		if tc.limit > 0 && size > tc.limit {
			t.Errorf("limit %d: keeps %d bytes", tc.limit, size)
		}
	}
}

// TestKeepBytesCap: with a cap below the artefact's size the small items are
// kept and the artefact is streamed from disk.
func TestKeepBytesCap(t *testing.T) {
	f := makeBundle(t)
	fw, _ := os.Stat(filepath.Join(f.dir, fwPath))
	b := openFixture(t, f, fw.Size()-1)
	if _, ok := b.kept[fwPath]; ok {
		t.Fatal("the artefact is kept past the cap")
	}
	if _, ok := b.kept[ManifestFile]; !ok {
		t.Fatal("the manifest is not kept")
	}
	if b.keptSize > fw.Size()-1 {
		t.Fatalf("kept %d bytes, cap %d", b.keptSize, fw.Size()-1)
	}
	var buf bytes.Buffer
	n, err := b.CopyItem(&buf, fwPath)
	want, _ := os.ReadFile(filepath.Join(f.dir, fwPath))
	if err != nil || n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("streamed copy: %d bytes, %v", n, err)
	}
}

type failingWriter struct{}

var errWriter = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWriter }

func TestItemAccessErrors(t *testing.T) {
	f := makeBundle(t)
	expired, err := Open(f.dir, VerifyOptions{Root: f.root.Public(), At: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	flip(t, filepath.Join(f.dir, ManifestFile))
	tampered := openFixtureProblems(t, f)
	noIndex := &Bundle{Dir: f.dir}
	streamed, err := Open(f.dir, VerifyOptions{Root: f.root.Public(), At: f.at, KeepBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		b        *Bundle
		p        string
		read     error // want for Read
		copyItem error // want for CopyItem
	}{
		{"no index", noIndex, ManifestFile, ErrIndexUnusable, ErrIndexUnusable},
		{"not listed", expired, "nope.txt", ErrNotInBundle, ErrNotInBundle},
		{"bytes differ at Open", tampered, ManifestFile, ErrFailedVerification, ErrFailedVerification},
		// An expired certificate is refused for judging but its bytes are
		// the signed ones: the dossier still carries it.
		{"bad but matched", expired, VendorCert, ErrFailedVerification, nil},
		{"writer fails (kept)", expired, VendorCert, ErrFailedVerification, errWriter},
		{"writer fails (streamed)", streamed, fwPath, nil, errWriter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.b.Read(tc.p)
			if !errors.Is(err, tc.read) || (tc.read == nil) != (err == nil) {
				t.Errorf("Read: %v, want %v", err, tc.read)
			}
			if err != nil && !strings.Contains(err.Error(), tc.p) {
				t.Errorf("Read error does not name %s: %v", tc.p, err)
			}
			var w io.Writer = io.Discard
			if tc.copyItem == errWriter {
				w = failingWriter{}
			}
			_, err = tc.b.CopyItem(w, tc.p)
			if !errors.Is(err, tc.copyItem) || (tc.copyItem == nil) != (err == nil) {
				t.Errorf("CopyItem: %v, want %v", err, tc.copyItem)
			}
			if errors.Is(err, ErrChanged) {
				t.Errorf("CopyItem: %v is not a change of the item", err)
			}
		})
	}
	if !expired.Matched(VendorCert) || !expired.Bad(VendorCert) || expired.Has(VendorCert) {
		t.Error("an expired certificate must be matched, bad and not usable")
	}
	if tampered.Matched(ManifestFile) || tampered.Has(ManifestFile) {
		t.Error("a changed manifest must be neither matched nor usable")
	}
}

func openFixtureProblems(t *testing.T, f fixture) *Bundle {
	t.Helper()
	b, err := Open(f.dir, VerifyOptions{Root: f.root.Public(), At: f.at})
	if err != nil {
		t.Fatal(err)
	}
	if b.OK() {
		t.Fatal("damaged fixture verified")
	}
	return b
}
