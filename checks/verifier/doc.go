// Package verifier is craudit's reference device-side client: it checks a live
// update repository the way a secure updater must (ENISA lifecycle steps 3 to
// 5: check for updates, retrieve, verify) and writes down everything it asked,
// got and decided in a transcript (the format is evidence/transcript), which
// the checks then judge as evidence.
//
// Two repository profiles are understood:
//   - TUF (specification 1.0.x, client workflow of section 5), run step by step
//     on go-tuf's trustedmetadata state machine so that each step gets its own
//     verdict; I/O (the bounded fetcher, the state directory) stays outside it.
//   - the ENISA manifest profile (root key -> vendor certificate -> signed
//     manifest -> artefacts), judged with evidence/manifest.
//
// Verify returns an error only when it could not run (unusable trust file,
// unreachable server); a repository that fails verification gives a
// transcript.Run whose Verdict is "failed" and whose Failure names the step.
package verifier
