// Package unitsupport joins individual units with the support period their
// product declares: the manufacturer's placed-on-market records (a strict CSV
// reader), product.yaml's support period, and the releases (bundle indexes
// with their open vulnerabilities) whose images the units report running.
//
// Nothing here guesses: a unit without a placed-on-market row, or an image
// whose hash no given release carries, is reported as unknown. The vehicle
// manifests command uses it now; a fleet store can reuse it unchanged.
package unitsupport
