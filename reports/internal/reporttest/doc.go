// Package reporttest builds a check report that holds every status, through
// the real runner, for the renderers' tests.
package reporttest
