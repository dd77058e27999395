// Package uptanecmd holds `craudit uptane manifests`: verifying Uptane
// vehicle version manifests and joining the units they describe with their
// support period. Flag parsing and wiring only; the work lives in
// evidence/uptane/vehicle and evidence/unitsupport.
package uptanecmd
