// Package text renders the human summary `craudit check` prints: grouped by
// ENISA step, what needs attention first, one line per check.
package text
