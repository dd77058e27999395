package pack

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/inspect"
	"github.com/craudit/craudit/evidence/artefact/updaterconf"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
)

// artefactTrust loads the trust anchors product.yaml declares for updater
// artefacts (before any artefact is read, so that a streamed verifier has
// them) and returns them with the anchor files to record.
func artefactTrust(productPath string, prod *product.Product, created time.Time) (artefact.Options, []string, error) {
	o := artefact.Options{Time: created}
	t := prod.Updates.ArtefactTrust
	if t == nil {
		return o, nil, nil
	}
	base := filepath.Dir(productPath)
	var files []string
	var err error
	if t.CA != "" {
		src := filepath.Join(base, filepath.FromSlash(t.CA))
		if o.Roots, _, err = artefact.LoadCA(src); err != nil {
			return o, nil, inputErr(productPath, fmt.Errorf("updates.artefact_trust.ca: %w", err))
		}
		files = append(files, src)
	}
	if t.Key != "" {
		src := filepath.Join(base, filepath.FromSlash(t.Key))
		if o.Key, err = artefact.LoadPublicKey(src); err != nil {
			return o, nil, inputErr(productPath, fmt.Errorf("updates.artefact_trust.key: %w", err))
		}
		files = append(files, src)
	}
	return o, files, nil
}

// inspection is the verification of an updater artefact made during its
// copy (streamed), by artefact name.
type inspection struct {
	rep *artefact.Report
	err error
}

// addUpdaterEvidence records, for every artefact that is a RAUC bundle, a
// SWUpdate archive or a Mender artefact, its inspection against the trust
// anchors product.yaml declares (and the anchors themselves), and every
// --updater-config as given and as a typed record. SWUpdate and Mender
// artefacts and most RAUC bundles were inspected during their copy (done);
// a RAUC bundle whose one-pass verification could not be planned is
// inspected here, from the bundle's copy.
func addUpdaterEvidence(w *bundle.Writer, o artefact.Options, trustFiles []string, arts []Artefact, done map[string]inspection, configs []string) error {
	for _, src := range trustFiles {
		if _, err := w.AddFile(bundle.ArtefactTrustDir+filepath.Base(src), bundle.RoleArtefactTrust, "application/x-pem-file", src); err != nil {
			return inputErr(src, err)
		}
	}
	for _, a := range arts {
		var rep *artefact.Report
		var err error
		if in, ok := done[a.Name]; ok {
			rep, err = in.rep, in.err
		} else if isUpdaterArtefact(a.Path) {
			rep, err = inspect.File(a.Path, o)
		} else {
			continue
		}
		var fe *artefact.FormatError
		switch {
		case errors.As(err, &fe):
			// Damaged as its format: recorded, and the checks fail it.
			rep = &artefact.Report{Format: fe.Format}
			rep.Add("format", "%s", fe.Reason)
			rep.Finish()
		case err != nil:
			return inputErr(a.Name, err)
		}
		rep.File = a.Name
		rep.Size = a.Item.Size
		rep.SHA256 = a.Item.SHA256
		data, err := rep.JSON()
		if err != nil {
			return err
		}
		if _, err := w.AddBytes(bundle.ArtefactInspectionDir+a.Name+".json", bundle.RoleArtefactInspection, "application/json", data); err != nil {
			return err
		}
	}
	for _, arg := range configs {
		kind, src := updaterconf.SplitArg(arg)
		b, err := readBounded(src, 1<<20)
		if err != nil {
			return inputErr(src, err)
		}
		c, err := updaterconf.Parse(kind, filepath.Base(src), b)
		if err != nil {
			return inputErr(src, err)
		}
		rec, err := c.JSON()
		if err != nil {
			return err
		}
		name := bundle.UpdaterConfigDir + filepath.Base(src)
		if _, err := w.AddBytes(name, bundle.RoleUpdaterConfigFile, "text/plain", b); err != nil {
			return inputErr(src, err)
		}
		if _, err := w.AddBytes(name+".json", bundle.RoleUpdaterConfig, "application/json", rec); err != nil {
			return inputErr(src, err)
		}
	}
	return nil
}

func isUpdaterArtefact(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	_, err = inspect.Detect(head[:n])
	return err == nil
}

func readBounded(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return b, nil
}
