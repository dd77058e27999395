// Package sha512sys gives the bundle a SHA-512 as fast as the system's own:
// for its copies and their re-hash (evidence/bundle) and for the digests of
// the files of an archive in the SBOM (evidence/sbom/generate).
//
// On Linux with cgo, New returns a SHA-512 computed by the system's OpenSSL
// libcrypto (loaded with dlopen on first use, no headers or link-time
// dependency), which on some processors is markedly faster than Go's
// crypto/sha512: on this project's Intel machine (AVX-512, no SHA-512
// instructions) libcrypto hashes a 1 GiB artefact in about 2.8 s of CPU
// where Go takes 3.2 s (issue 21). The library is used only after it has
// given the same digests as crypto/sha512 on a set of inputs written in
// uneven pieces (a self-test at load time); when it cannot be loaded, lacks
// a symbol or fails the self-test, New returns crypto/sha512, and Provider
// says which one is in use and why. Inputs of at most 16 KiB are hashed by
// crypto/sha512 either way: a libcrypto context costs more than it saves
// there. Digests are the same either way: a bundle made with one verifies
// with the other.
package sha512sys
