// Package servecmd is `craudit serve`: a repository folder over HTTPS on
// loopback, with a CA it generates, for harnesses and manual tests.
package servecmd
