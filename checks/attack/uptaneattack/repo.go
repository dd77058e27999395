package uptaneattack

import (
	"fmt"
	"slices"

	"github.com/craudit/craudit/checks/attack/tufattack"
	"github.com/craudit/craudit/evidence/repo"
)

// ECU is one ECU of the unit the Primary under test is provisioned as.
type ECU struct{ Serial, HardwareID string }

// The unit: a thermostat's main controller (the Primary, which takes the
// scenarios' images) and its Wi-Fi module. Other is a serial of another
// unit's main controller; OtherWiFi its Wi-Fi module.
var (
	Main      = ECU{Serial: "st100-main-0001", HardwareID: "st100-rev-b"}
	WiFi      = ECU{Serial: "st100-wifi-0001", HardwareID: "st100-wifi-a"}
	Other     = ECU{Serial: "st100-main-0999", HardwareID: "st100-rev-b"}
	OtherWiFi = ECU{Serial: "st100-wifi-0999", HardwareID: "st100-wifi-a"}
	// Unit lists the ECUs the client is provisioned with, Primary first.
	Unit = []ECU{Main, WiFi}
)

// Where the two repositories are served on the harness's server: each is a
// TUF repository served as the Uptane verifier reads one: metadata at the
// repository's URL, images at URL/targets/.
const (
	DirectorPrefix = "director/"
	ImagePrefix    = "image/"
)

// Release counters of the contents: the baseline (Env.A), the valid update
// (Env.B), an older release (Env.X in rollback scenarios).
const (
	CounterA   = 2
	CounterB   = 3
	CounterOld = 1
)

// serve signs r (delegated roles, targets, snapshot, timestamp) and puts
// it into files under prefix: metadata with consistent-snapshot names
// beside the plain ones, targets/ under each listed hash and the plain name.
func serve(files map[string][]byte, prefix string, r *repo.TUFRepo, h hooks) error {
	fs, err := tufattack.Files(r, tufattack.Pub{After: h, Flat: true})
	if err != nil {
		return err
	}
	for k, v := range fs {
		files[prefix+k] = v
	}
	return nil
}

// hooks change a role's signed bytes before the next role records them.
type hooks map[string]func([]byte) ([]byte, error)

// putTarget serves data as target p under prefix: its plain name and the
// consistent-snapshot names of its SHA-256 and SHA-512.
func putTarget(files map[string][]byte, prefix, p string, data []byte) {
	fs := map[string][]byte{}
	tufattack.PutTarget(fs, p, data, nil)
	for k, v := range fs {
		files[prefix+k] = v
	}
}

// metaPaths are the served names of role's metadata under prefix (plain
// and versioned).
func metaPaths(files map[string][]byte, prefix, role string) []string {
	var out []string
	for k := range files {
		if k == prefix+""+role+".json" {
			out = append(out, k)
			continue
		}
		var v int
		var rest string
		if n, _ := fmt.Sscanf(k, prefix+"%d.%s", &v, &rest); n == 2 && rest == role+".json" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// targetPaths are the served names of image p.
func targetPaths(files map[string][]byte, p string) []string {
	var out []string
	for k := range files {
		if k == ImagePrefix+"targets/"+p || (len(k) > len(ImagePrefix+"targets/")+len(p)+1 && k[len(k)-len(p)-1:] == "."+p && k[:len(ImagePrefix+"targets/")] == ImagePrefix+"targets/") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
