package osvscan

import (
	"fmt"
	"slices"
	"testing"

	"github.com/craudit/craudit/evidence/vuln"
	"github.com/google/osv-scanner/v2/pkg/models"
)

// The index must give exactly what the plain scan over every component gives.
func TestComponentIndexMatchesPlainScan(t *testing.T) {
	var comps []scanComponent
	for i := range 50 {
		comps = append(comps,
			scanComponent{Component: vuln.Component{Ref: fmt.Sprint("go", i), Name: fmt.Sprintf("github.com/Org/Mod%d", i), Version: "v1.0.0", Ecosystem: "Go"}, name: fmt.Sprintf("github.com/Org/Mod%d", i), version: "v1.0.0"},
			scanComponent{Component: vuln.Component{Ref: fmt.Sprint("apk", i), Name: fmt.Sprintf("lib%d", i), Version: "1.2-r0", Ecosystem: "Alpine"}, name: fmt.Sprintf("lib%d", i), version: "1.2-r0"},
			scanComponent{Component: vuln.Component{Ref: fmt.Sprint("mvn", i), Name: fmt.Sprintf("art%d", i), Version: "2.0", Ecosystem: "Maven"}, name: fmt.Sprintf("org.example:art%d", i), version: "2.0"},
		)
	}
	comps = append(comps, comps[0]) // a duplicate component
	idx := indexComponents(comps)
	for _, p := range []models.PackageInfo{
		{Name: "github.com/org/mod3", Version: "v1.0.0", Ecosystem: "Go"},
		{Name: "github.com/Org/Mod0", Version: "v1.0.0", Ecosystem: "Go"},
		{Name: "github.com/Org/Mod0", Version: "v1.0.1", Ecosystem: "Go"},
		{Name: "lib7", Version: "1.2-r0", Ecosystem: "Alpine:v3.19"},
		{Name: "src7", OSPackageName: "LIB7", Version: "1.2-r0", Ecosystem: "Alpine:v3.19"},
		{Name: "art9", Version: "2.0", Ecosystem: "Maven"},
		{Name: "org.example:art9", Version: "2.0", Ecosystem: "Maven"},
		{Name: "nothing", Version: "1", Ecosystem: "npm"},
	} {
		want, got := match(comps, p), idx.match(p)
		if !slices.EqualFunc(want, got, func(a, b scanComponent) bool { return a.Ref == b.Ref }) {
			t.Errorf("%+v: index gives %v, plain scan %v", p, got, want)
		}
	}
}
