// Package junit renders a check report as JUnit XML, one testcase per check,
// grouped in one testsuite per ENISA lifecycle step (checks outside the
// seven steps go to a "general" suite), for CI systems that show test
// results (GitLab, Jenkins, GitHub test reporters).
//
// Mapping: pass and declared pass (declared says so in system-out); fail
// and missing are failures when the policy requires the check, otherwise
// skipped with the reason; not_applicable and waived are skipped, with the
// justification; error is an error. Output is deterministic.
package junit
