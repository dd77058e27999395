package checks

import "testing"

func TestOwnComponentsPolicy(t *testing.T) {
	p, err := ParsePolicy([]byte("own_components:\n  - match: [\"/opt/app/\"]\n    advisories: https://vendor.example/adv\n    justification: ours\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.OwnComponent("/opt/app/bin/appd", "", "x") == nil || p.OwnComponent("/usr/bin/x", "", "artefact:fw#file:/usr/bin/x") != nil {
		t.Error("prefix matching wrong")
	}
	for _, bad := range []string{
		"own_components:\n  - match: []\n    advisories: https://v.example/a\n    justification: x\n",
		"own_components:\n  - match: [\"\"]\n    advisories: https://v.example/a\n    justification: x\n",
		"own_components:\n  - match: [\"/opt/\"]\n    advisories: http://v.example/a\n    justification: x\n",
		"own_components:\n  - match: [\"/opt/\"]\n    advisories: https://v.example/a\n",
	} {
		if _, err := ParsePolicy([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
