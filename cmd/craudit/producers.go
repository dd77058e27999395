package main

import "github.com/craudit/craudit/evidence/pack"

// producers wires the heavy evidence producers (syft, osv-scanner, provenance)
// into the bundler.
func producers() pack.Producers {
	return pack.Producers{}
}
