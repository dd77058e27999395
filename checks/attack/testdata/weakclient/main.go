package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/transport"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/transcript"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "weakclient:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 || !strings.HasPrefix(args[0], "--mode=") {
		return errors.New("first argument must be --mode=refuse|accept|noexpiry|nohash")
	}
	mode := strings.TrimPrefix(args[0], "--mode=")
	flags, pos := map[string]string{}, []string{}
	for i := 1; i < len(args); i++ {
		if strings.HasPrefix(args[i], "--") && i+1 < len(args) {
			flags[strings.TrimPrefix(args[i], "--")] = args[i+1]
			i++
			continue
		}
		pos = append(pos, args[i])
	}
	if mode == "refuse" {
		return errors.New("refusing, as always")
	}
	if len(pos) == 0 {
		return errors.New("no command")
	}
	switch pos[0] {
	case "init":
		b, err := os.ReadFile(pos[1])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(flags["metadata-dir"], 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(flags["metadata-dir"], "root.json"), b, 0o644)
	case "download":
		return tufDownload(mode, flags)
	case "update":
		return manifestUpdate(mode, flags)
	}
	return fmt.Errorf("unknown command %q", pos[0])
}

func refTime() time.Time {
	n, _ := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	return time.Unix(n, 0).UTC()
}

func firstFailure(t *transcript.Run) *transcript.Step {
	for i, s := range t.Steps {
		if s.Verdict == transcript.Fail && s.ID != "transport/scheme" {
			return &t.Steps[i]
		}
	}
	return nil
}

func tufDownload(mode string, f map[string]string) error {
	name, dir := f["target-name"], f["target-dir"]
	if mode == "accept" {
		// Whatever the server sends is installed.
		resp, err := http.Get(f["target-base-url"] + "/" + name)
		if err == nil {
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			os.WriteFile(filepath.Join(dir, url.PathEscape(name)), data, 0o644)
		}
		return nil
	}
	o := verifier.Options{RepoURL: f["metadata-url"], MetadataURL: f["metadata-url"], TargetsURL: f["target-base-url"],
		TrustFile: filepath.Join(f["metadata-dir"], "root.json"), StateDir: f["metadata-dir"], Profile: verifier.ProfileTUF,
		AllowInsecureHTTPUnsafe: true, Targets: []string{name}, TargetDir: dir, ReferenceTime: refTime()}
	if mode == "noexpiry" {
		// Judged on the second day of 1970: nothing has expired yet.
		o.ReferenceTime = time.Unix(86400, 0).UTC()
	}
	t, err := verifier.Verify(context.Background(), o)
	if err != nil {
		return err
	}
	s := firstFailure(t)
	if s == nil {
		return nil
	}
	if mode == "nohash" && s.ID == "target/integrity" && len(t.Targets) > 0 {
		rec := t.Targets[len(t.Targets)-1]
		resp, err := http.Get(rec.URL)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, rec.Length))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, url.PathEscape(name)), data, 0o644)
	}
	return fmt.Errorf("%s: %s", s.ID, s.Detail)
}

type device struct {
	Product    string `json:"product"`
	HardwareID string `json:"hardware_id"`
}

func manifestUpdate(mode string, f map[string]string) error {
	slot := filepath.Join(f["out"], "slot")
	if err := os.MkdirAll(slot, 0o755); err != nil {
		return err
	}
	repo := strings.TrimSuffix(f["repo"], "/")
	if mode == "accept" {
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		var m manifest.Manifest
		if resp, err := hc.Get(repo + "/manifest.json"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			json.Unmarshal(b, &m)
		}
		for _, a := range m.Artefacts {
			if resp, err := hc.Get(repo + "/artefacts/" + url.PathEscape(a.Name)); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				os.WriteFile(filepath.Join(slot, filepath.Base(a.Name)), b, 0o644)
			}
		}
		return nil
	}
	var dev device
	b, err := os.ReadFile(filepath.Join(f["state"], "device.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &dev); err != nil {
		return err
	}
	staging, err := os.MkdirTemp(f["out"], ".incoming-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	o := verifier.Options{RepoURL: repo, TrustFile: f["trust"], CAFile: f["ca"], StateDir: f["state"], Profile: verifier.ProfileManifest,
		InstalledVersion: f["installed-version"], Product: dev.Product, HardwareID: dev.HardwareID, TargetDir: staging, ReferenceTime: refTime()}
	if mode == "noexpiry" {
		// Judge at a time when the certificate and the manifest were both
		// valid, whatever the clock says.
		if at, ok := validMoment(repo, f["ca"]); ok {
			o.ReferenceTime = at
		}
	}
	t, err := verifier.Verify(context.Background(), o)
	if err != nil {
		return err
	}
	if s := firstFailure(t); s != nil {
		if mode != "nohash" || s.ID != "artefact/integrity" || len(t.Targets) == 0 {
			return fmt.Errorf("%s: %s", s.ID, s.Detail)
		}
		rec := t.Targets[len(t.Targets)-1]
		c, err := transport.New(context.Background(), transport.Options{CAFile: f["ca"]})
		if err != nil {
			return err
		}
		defer c.Close()
		data, err := c.Get(rec.URL, "artefact", rec.Length)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(slot, filepath.Base(rec.Name)), data, 0o644)
	}
	entries, _ := os.ReadDir(staging)
	for _, e := range entries {
		if err := os.Rename(filepath.Join(staging, e.Name()), filepath.Join(slot, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// validMoment is one second after both the certificate and the manifest
// became valid.
func validMoment(repo, ca string) (time.Time, bool) {
	c, err := transport.New(context.Background(), transport.Options{CAFile: ca})
	if err != nil {
		return time.Time{}, false
	}
	defer c.Close()
	mb, err1 := c.Get(repo+"/manifest.json", "manifest", 1<<20)
	cb, err2 := c.Get(repo+"/keys/vendor.cert.json", "certificate", 1<<20)
	if err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	m, err1 := manifest.Parse(mb)
	cert, _, err2 := keys.ParseCertificate(cb)
	if err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	at := m.Timestamp
	if cert.NotBefore.After(at) {
		at = cert.NotBefore
	}
	return at.Add(time.Second), true
}
