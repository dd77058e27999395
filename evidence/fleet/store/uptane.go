package store

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/uptane"
	"github.com/craudit/craudit/evidence/uptane/vehicle"
)

const maxUptaneBytes = vehicle.MaxManifestBytes

// verifyUptane reads an Uptane vehicle version manifest as a report: the
// unit is the VIN (else the Primary ECU serial) as registered; the
// Primary's signature must verify with the unit's registered key (the
// Primary vouches for the ECU reports it carries); the installed version is
// the file name of the image the Primary ECU runs, the artefacts every ECU's
// image; the counter is the Primary's report_counter, else its
// timeserver_time in Unix seconds; attacks_detected in any ECU's report
// makes the outcome refused-attack.
func verifyUptane(in Input, o IngestOptions) checked {
	m, err := vehicle.Parse(in.Source, in.Uptane)
	if err != nil {
		return reject(ReasonMalformed, in.Source, "", 0, err.Error())
	}
	unit := m.VIN
	if unit == "" {
		unit = m.PrimarySerial
	}
	d, ok := o.Registry.Lookup(unit)
	if !ok {
		return reject(ReasonUnknownDevice, in.Source, unit, 0, "unit (VIN or Primary ECU serial) not in the device registry")
	}
	keys, err := uptaneKeys(d)
	if err != nil {
		return reject(ReasonBadSignature, in.Source, unit, 0, "the registry's key for the unit: "+err.Error())
	}
	kr := &vehicle.Keyring{Bound: map[string][]vehicle.NamedKey{m.PrimarySerial: keys}}
	res := vehicle.Verify(m, kr, o.At)
	if !res.Signature.Verified {
		return reject(ReasonBadSignature, in.Source, unit, 0, "the Primary's signature does not verify with the unit's registered key: "+res.Signature.Problem)
	}
	if len(res.Problems) > 0 {
		return reject(ReasonMalformed, in.Source, unit, 0, strings.Join(res.Problems, "; "))
	}
	r := fleet.Report{Unit: unit, Hardware: d.Hardware, Outcome: fleet.OutcomeSuccess}
	var primary *vehicle.ECU
	for i := range res.ECUs {
		e := &res.ECUs[i]
		if !e.Latest {
			continue
		}
		if e.Primary {
			primary = e
		}
		if e.AttacksDetected != "" {
			r.Outcome, r.Control = fleet.OutcomeRefusedAttack, "uptane-attacks-detected"
		}
		if h := strings.ToLower(e.Image.Hashes["sha256"]); h != "" && len(r.Artefacts) < fleet.MaxArtefacts {
			r.Artefacts = append(r.Artefacts, fleet.Artefact{Name: token(e.Serial + "/" + e.Image.Path), Length: e.Image.Length, SHA256: h})
		}
	}
	if primary == nil {
		return reject(ReasonMalformed, in.Source, unit, 0, "no version report of the Primary ECU")
	}
	r.Version = token(path.Base(primary.Image.Path))
	r.Target = r.Version
	if t, err := time.Parse(time.RFC3339, primary.Time); err == nil {
		r.Time = t.UTC().Truncate(time.Second)
	} else {
		r.Time = time.Unix(0, 0).UTC() // no device time: the unit looks silent
	}
	switch {
	case primary.Counter != "":
		n, err := strconv.ParseUint(primary.Counter, 10, 63)
		if err != nil {
			return reject(ReasonMalformed, in.Source, unit, 0, "report_counter "+primary.Counter+" is not a number")
		}
		r.Counter = n
	case r.Time.Unix() > 0:
		r.Counter = uint64(r.Time.Unix())
	default:
		return reject(ReasonMalformed, in.Source, unit, 0, "no report_counter and no usable timeserver_time: a replay could not be told apart")
	}
	if err := r.Validate(); err != nil {
		return reject(ReasonMalformed, in.Source, unit, r.Counter, err.Error())
	}
	sum := sha256.Sum256(in.Uptane)
	return checked{row: &row{r: r, kind: KindUptane, digest: hex.EncodeToString(sum[:]), source: in.Source}}
}

// token makes a file name a report token: spaces and control characters
// become "_", cut at the token bound.
func token(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x21 || c > 0x7e {
			b[i] = '_'
		}
	}
	if len(b) > fleet.MaxToken {
		b = b[:fleet.MaxToken]
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

// uptaneKeys is a registered key as the Uptane key objects either dialect
// may name it by (the key ID differs with the object's form).
func uptaneKeys(d *fleet.Device) ([]vehicle.NamedKey, error) {
	ota, err := vehicle.ParseKeyFile(d.PEM)
	if err != nil {
		return nil, err
	}
	out := []vehicle.NamedKey{{Source: "device registry", Key: ota}}
	var objs []map[string]any
	if d.Ed25519 != nil {
		h := hex.EncodeToString(d.Ed25519)
		objs = append(objs, map[string]any{"keytype": "ed25519", "scheme": "ed25519", "keyval": map[string]string{"public": h}},
			map[string]any{"keytype": "ED25519", "keyval": map[string]string{"public": h}})
	} else if pub, err := x509.ParsePKIXPublicKey(pemBody(d.PEM)); err == nil {
		switch pub.(type) {
		case *ecdsa.PublicKey:
			objs = append(objs, map[string]any{"keytype": "ecdsa-sha2-nistp256", "scheme": "ecdsa-sha2-nistp256", "keyval": map[string]string{"public": string(d.PEM)}})
		case *rsa.PublicKey:
			objs = append(objs, map[string]any{"keytype": "rsa", "scheme": "rsassa-pss-sha256", "keyval": map[string]string{"public": string(d.PEM)}})
		}
	}
	for _, o := range objs {
		b, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		k, err := uptane.ParseKey(b)
		if err != nil {
			continue
		}
		out = append(out, vehicle.NamedKey{Source: "device registry", Key: k})
	}
	return out, nil
}

func pemBody(b []byte) []byte {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil
	}
	return blk.Bytes
}
