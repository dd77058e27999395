// Package advisorycmd is `craudit advisory`: the release's CSAF 2.0
// security advisory and CSAF VEX document, wired to reports/csaf.
package advisorycmd
