package generate

import "runtime/debug"

// syftVersion reads the linked syft module's version from the build info.
func syftVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/anchore/syft" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return syftPinned
}

// syftPinned is the version go.mod requires, for binaries built without module information.
const syftPinned = "v1.44.0"
