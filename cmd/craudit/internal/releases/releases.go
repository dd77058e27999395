package releases

import (
	"fmt"
	"io"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/unitsupport"
)

// Open verifies every bundle in dirs with the root key in trust and
// describes each as a release; it also returns the first bundle's
// product.yaml (nil when none has one). A bundle that fails verification is
// exit 1, naming its problems on stderr; one that cannot be read, exit 2.
func Open(stderr io.Writer, dirs []string, trust string, at time.Time) ([]unitsupport.Release, *product.Product, error) {
	if len(dirs) == 0 {
		return nil, nil, nil
	}
	root, err := keys.LoadPublic(trust)
	if err != nil {
		return nil, nil, cli.Exit(cli.ExitCouldNotRun, err)
	}
	var out []unitsupport.Release
	var first *product.Product
	for _, dir := range dirs {
		b, err := bundle.Open(dir, bundle.VerifyOptions{Root: root, At: at})
		if err != nil {
			return nil, nil, cli.Exit(cli.ExitCouldNotRun, err)
		}
		if !b.OK() {
			for _, p := range b.Problems {
				fmt.Fprintln(stderr, "FAIL "+dir+": "+p.String())
			}
			return nil, nil, cli.Exit(cli.ExitFailed, fmt.Errorf("bundle %s failed verification (%d problems)", dir, len(b.Problems)))
		}
		in := checks.Load(b, root, at, nil)
		table, terr := in.VulnTable()
		out = append(out, unitsupport.FromBundle(b, in.Product, table, terr))
		if first == nil {
			first = in.Product
		}
	}
	return out, first, nil
}
