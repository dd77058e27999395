// Package paperworkcmd is `craudit notify`, `craudit declaration` and
// `craudit user-info`: flags wired to reports/paperwork over a verified
// bundle.
package paperworkcmd
